#include "encoder/latent_refinement.h"

#include <string>
#include <vector>

#include "encoder/latent_symbols.h"

namespace lcodec::encoder {
namespace {

// d/dy_hat of the weighted squared pixel error, (1, C, h, w). The image and
// its weights travel at the latent's size (pixel_unshuffle), so that every
// latent tile comes with its pixels.
torch::Tensor DistortionGradient(runtime::ImageModel& model, const RefinementProblem& problem,
                                 const torch::Tensor& y_hat, const runtime::ImageTiling& tiling) {
  const int64_t stride = problem.image.size(2) / y_hat.size(2);
  const torch::Tensor target = torch::pixel_unshuffle(problem.image, stride);
  const torch::Tensor weight = torch::pixel_unshuffle(problem.image_weight, stride);
  // The gradient with respect to the synthesis input is the one with
  // respect to y_hat: the reconstruction shift is constant between moves.
  const torch::Tensor residuals = (y_hat - problem.means).round();
  const torch::Tensor input = y_hat + model.ReconstructionShift(problem.quality, residuals, problem.indexes);
  const auto gradient = [&](const std::vector<torch::Tensor>& tiles) {
    torch::AutoGradMode enable_grad(true);
    const torch::Tensor y = tiles[0].detach().requires_grad_(true);
    const torch::Tensor x_hat = torch::pixel_unshuffle(model.Synthesis(y, problem.quality), stride);
    const torch::Tensor error = (x_hat - tiles[1]).reshape({1, 3, -1, y.size(2), y.size(3)});
    const torch::Tensor loss = (error.square() * tiles[2].unsqueeze(1)).sum();
    return std::vector<torch::Tensor>{torch::autograd::grad({loss}, {y})[0]};
  };
  return runtime::TransformInTiles({input, target, weight}, tiling.ForStride(stride, tiling.synthesis_margin),
                                   gradient)[0];
}

// One round: moves each value of the positions of `parity` (row + column
// parity) by the step, if any, that the estimate says lowers the cost. A
// step d of r moves the synthesis input by d plus the change of the
// reconstruction shift.
void MoveValues(const runtime::ImageModel& model, const RefinementProblem& problem, const torch::Tensor& gradient,
                int parity, torch::Tensor* y_hat) {
  const entropy::CdfTable& table = model.y_table();
  const int64_t channels = y_hat->size(1), height = y_hat->size(2), width = y_hat->size(3);
  const torch::Tensor residuals = (*y_hat - problem.means).round();
  const torch::Tensor symbols = residuals.to(torch::kInt32).contiguous();
  const torch::Tensor shift = model.ReconstructionShift(problem.quality, residuals, problem.indexes);
  const torch::Tensor input_steps[2] = {
      (model.ReconstructionShift(problem.quality, residuals - 1, problem.indexes) - shift - 1)
          .to(torch::kFloat64).contiguous(),
      (model.ReconstructionShift(problem.quality, residuals + 1, problem.indexes) - shift + 1)
          .to(torch::kFloat64).contiguous()};
  const torch::Tensor g = (gradient * problem.distortion_weight).to(torch::kFloat64).contiguous();
  const torch::Tensor indexes = problem.indexes.to(torch::kInt32).contiguous();
  const torch::Tensor frozen = problem.frozen.to(torch::kFloat32).contiguous();
  const torch::Tensor weights = problem.weights.to(torch::kFloat64).contiguous();
  torch::Tensor moves = torch::zeros({1, channels, height, width}, torch::kFloat32);
  const int32_t* r = symbols.data_ptr<int32_t>();
  const double* grad = g.data_ptr<double>();
  const int32_t* index = indexes.data_ptr<int32_t>();
  const float* fixed = frozen.data_ptr<float>();
  const double* down = input_steps[0].data_ptr<double>();
  const double* up = input_steps[1].data_ptr<double>();
  float* move = moves.data_ptr<float>();
  for (int64_t c = 0; c < channels; ++c) {
    const double curvature = weights.data_ptr<double>()[c];
    for (int64_t row = 0; row < height; ++row) {
      for (int64_t col = (row + parity) % 2; col < width; col += 2) {
        if (fixed[row * width + col] != 0) continue;
        const int64_t i = (c * height + row) * width + col;
        const uint16_t table_index = static_cast<uint16_t>(index[i]);
        const double bits = SymbolBits(table, table_index, r[i]);
        double best = 0;
        for (const int step : {-1, 1}) {
          const double input_step = (step > 0 ? up : down)[i];
          const double change = grad[i] * input_step + curvature * input_step * input_step +
                                SymbolBits(table, table_index, r[i] + step) - bits;
          if (change < best) {
            best = change;
            move[i] = static_cast<float>(step);
          }
        }
      }
    }
  }
  *y_hat = *y_hat + moves;
}

Status CheckProblem(const RefinementProblem& problem, const torch::Tensor& y_hat, size_t table_size) {
  const auto bad = [](const std::string& what) { return Status::InvalidArgument("latent refinement: " + what); };
  if (y_hat.dim() != 4 || y_hat.size(0) != 1 || problem.means.sizes() != y_hat.sizes() ||
      problem.indexes.sizes() != y_hat.sizes())
    return bad("the prior does not match the latent");
  if (problem.image.dim() != 4 || problem.image.size(1) != 3 || y_hat.size(2) < 1 || y_hat.size(3) < 1 ||
      problem.image.size(2) % y_hat.size(2) != 0 ||
      problem.image.size(2) / y_hat.size(2) != problem.image.size(3) / y_hat.size(3) ||
      problem.image.size(3) % y_hat.size(3) != 0)
    return bad("the image is not a whole number of latent blocks");
  if (problem.image_weight.sizes() != torch::IntArrayRef({1, 1, problem.image.size(2), problem.image.size(3)}) ||
      problem.frozen.sizes() != torch::IntArrayRef({1, 1, y_hat.size(2), y_hat.size(3)}))
    return bad("the pixel or position masks do not match");
  if (problem.weights.numel() != y_hat.size(1) || !(problem.distortion_weight > 0))
    return bad("needs the model's rounding and distortion weights");
  if (problem.indexes.numel() > 0 &&
      (problem.indexes.min().item<int64_t>() < 0 || problem.indexes.max().item<int64_t>() >= int64_t(table_size)))
    return bad("scale index outside the model's table");
  return Status::Ok();
}

}  // namespace

Status RefineLatent(runtime::ImageModel& model, const RefinementProblem& problem, int rounds,
                    const runtime::ImageTiling& tiling, torch::Tensor* y_hat) {
  Status status;
  LCODEC_RETURN_IF_ERROR(runtime::Guard("latent refinement failed", [&] {
    status = CheckProblem(problem, *y_hat, model.y_table().size());
    if (!status.ok()) return;
    for (int round = 0; round < rounds; ++round) {
      const torch::Tensor gradient = DistortionGradient(model, problem, *y_hat, tiling);
      torch::NoGradGuard no_grad;
      MoveValues(model, problem, gradient, round % 2, y_hat);
    }
  }));
  return status;
}

}  // namespace lcodec::encoder
