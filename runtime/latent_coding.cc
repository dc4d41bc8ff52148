#include "runtime/latent_coding.h"

#include <stdexcept>
#include <string>

namespace lcodec::runtime {
namespace {

// (1, 1, h, w) bool: the positions a step codes.
torch::Tensor ParityMask(int64_t height, int64_t width, int parity) {
  const torch::Tensor rows = torch::arange(height, torch::kLong).reshape({-1, 1});
  const torch::Tensor cols = torch::arange(width, torch::kLong).reshape({1, -1});
  return ((rows + cols).remainder(2) == parity).reshape({1, 1, height, width});
}

torch::Tensor ChannelIndex(const LatentCodingStep& step) {
  return torch::tensor(step.channels, torch::kLong);
}

// The values at the step's positions of t (1, c, h, w) holding just the
// step's channels, flattened in coding order.
torch::Tensor StepPositions(const torch::Tensor& t, int parity) {
  if (parity < 0) return t.reshape({-1});
  return t.masked_select(ParityMask(t.size(2), t.size(3), parity));
}

}  // namespace

std::vector<LatentCodingStep> LatentCodingSteps(const ImageModel& model, int64_t channels) {
  std::vector<LatentCodingStep> steps;
  if (model.slices().empty()) {
    LatentCodingStep all;
    for (int64_t c = 0; c < channels; ++c) all.channels.push_back(c);
    steps.push_back(std::move(all));
    return steps;
  }
  int64_t total = 0;
  for (size_t k = 0; k < model.slices().size(); ++k) {
    total += static_cast<int64_t>(model.slices()[k].size());
    for (int parity : {0, 1}) steps.push_back({model.slices()[k], static_cast<int>(k), parity});
  }
  if (total != channels)
    throw std::runtime_error("the model's slices hold " + std::to_string(total) + " channels, its latent " +
                             std::to_string(channels));
  return steps;
}

torch::Tensor GatherStep(const torch::Tensor& t, const LatentCodingStep& step) {
  return StepPositions(t.index_select(1, ChannelIndex(step)), step.parity);
}

void ScatterStep(const LatentCodingStep& step, const torch::Tensor& values, torch::Tensor* t) {
  const torch::Tensor channels = ChannelIndex(step);
  torch::Tensor selected = t->index_select(1, channels);
  if (step.parity < 0) {
    selected.copy_(values.reshape(selected.sizes()));
  } else {
    selected.masked_scatter_(ParityMask(t->size(2), t->size(3), step.parity).expand_as(selected),
                             values.to(selected.scalar_type()));
  }
  t->index_copy_(1, channels, selected.to(t->scalar_type()));
}

void StepPrior(ImageModel& model, const LatentCodingStep& step, const torch::Tensor& y_hat,
               const torch::Tensor& base_means, const torch::Tensor& base_indexes, int64_t image_height,
               const ImageTiling& tiling, torch::Tensor* means, std::vector<uint16_t>* indexes) {
  torch::Tensor step_indexes;
  if (step.slice >= 0) {
    const int64_t stride = image_height / y_hat.size(2);
    const std::vector<torch::Tensor> outputs = TransformInTiles(
        {y_hat, base_means, base_indexes}, tiling.ForStride(stride, tiling.context_margin),
        [&](const std::vector<torch::Tensor>& tiles) {
          torch::Tensor tile_means, tile_indexes;
          model.SlicePrior(step.slice, tiles[0], tiles[1], tiles[2], &tile_means, &tile_indexes);
          const std::vector<int64_t> expected = {1, static_cast<int64_t>(step.channels.size()), tiles[0].size(2),
                                                 tiles[0].size(3)};
          if (tile_means.sizes() != expected || tile_indexes.sizes() != expected)
            throw std::runtime_error("the model's slice prior has an unexpected shape");
          return std::vector<torch::Tensor>{tile_means, tile_indexes};
        });
    *means = StepPositions(outputs[0].to(torch::kFloat), step.parity);
    step_indexes = StepPositions(outputs[1].to(torch::kInt32), step.parity);
  } else {
    *means = GatherStep(base_means.to(torch::kFloat), step);
    step_indexes = GatherStep(base_indexes.to(torch::kInt32), step);
  }
  const torch::Tensor index32 = step_indexes.contiguous();
  if (index32.numel() > 0 && (index32.min().item<int32_t>() < 0 ||
                              index32.max().item<int32_t>() >= static_cast<int32_t>(model.y_table().size())))
    throw std::runtime_error("the model gave scale indexes outside its table");
  indexes->assign(index32.data_ptr<int32_t>(), index32.data_ptr<int32_t>() + index32.numel());
}

}  // namespace lcodec::runtime
