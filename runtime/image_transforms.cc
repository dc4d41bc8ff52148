#include "runtime/image_transforms.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace lcodec::runtime {
namespace {

// A model file is data from outside: every transform's output shape is
// checked before anyone indexes into it, so a damaged or foreign model
// gives an error instead of out-of-bounds reads.
void CheckShape(const char* what, const torch::Tensor& t, int64_t height, int64_t width, int64_t channels = -1) {
  const bool ok = t.dim() == 4 && t.size(0) == 1 && t.size(1) >= 1 && t.size(2) == height && t.size(3) == width &&
                  (channels < 0 || t.size(1) == channels);
  if (!ok) {
    std::string shape;
    for (int64_t d : t.sizes()) shape += (shape.empty() ? "" : "x") + std::to_string(d);
    throw std::runtime_error(std::string("the model's ") + what + " has an unexpected shape (" + shape + ")");
  }
}

// Side of a latent with stride `stride` over a side of `pixels`, refusing
// strides that do not divide it.
int64_t LatentSide(int64_t pixels, int64_t stride) {
  if (stride < 1 || pixels % stride) throw std::runtime_error("the model's latent stride does not divide the image");
  return pixels / stride;
}

}  // namespace

torch::Tensor AnalyzeImage(ImageModel& model, const torch::Tensor& x, double quality, const ImageTiling& tiling,
                           const TileProgress& progress) {
  torch::Tensor y = TransformInTiles(
      x, tiling.ForStride(1, tiling.analysis_margin),
      [&](const torch::Tensor& tile) { return model.Analysis(tile, quality); }, progress);
  if (y.dim() == 4 && y.size(2) > 0) {
    const int64_t stride = x.size(2) / y.size(2);
    CheckShape("latent", y, LatentSide(x.size(2), stride), LatentSide(x.size(3), stride));
  } else {
    CheckShape("latent", y, -1, -1);
  }
  return y;
}

torch::Tensor HyperAnalyzeImage(ImageModel& model, const torch::Tensor& y, int64_t image_height,
                                const ImageTiling& tiling) {
  torch::Tensor z = TransformInTiles(y, tiling.ForStride(image_height / y.size(2), tiling.hyper_analysis_margin),
                                     [&](const torch::Tensor& tile) { return model.HyperAnalysis(tile); });
  CheckShape("hyper-latent", z, LatentSide(image_height, model.downsampling()),
             LatentSide(y.size(3) * (image_height / y.size(2)), model.downsampling()),
             static_cast<int64_t>(model.z_table().size()));
  return z;
}

void HyperSynthesizeImage(ImageModel& model, const torch::Tensor& z_hat, const ImageTiling& tiling,
                          torch::Tensor* means, torch::Tensor* indexes) {
  const std::vector<torch::Tensor> outputs =
      TransformInTiles(z_hat, tiling.ForStride(model.downsampling(), tiling.hyper_synthesis_margin),
                       [&](const torch::Tensor& tile) {
                         torch::Tensor tile_means, tile_indexes;
                         model.HyperSynthesis(tile, &tile_means, &tile_indexes);
                         return std::vector<torch::Tensor>{tile_means, tile_indexes};
                       });
  *means = outputs.at(0).to(torch::kFloat);
  *indexes = outputs.at(1).to(torch::kInt32);
  // Latents are a whole number of times finer than hyper-latents.
  const int64_t factor = means->dim() == 4 && means->size(2) > 0 ? means->size(2) / z_hat.size(2) : 0;
  CheckShape("latent means", *means, z_hat.size(2) * factor, z_hat.size(3) * factor);
  CheckShape("scale indexes", *indexes, means->size(2), means->size(3), means->size(1));
  if (factor < 1) throw std::runtime_error("the model's latent means have an unexpected shape");
}

torch::Tensor SynthesizeImage(ImageModel& model, const torch::Tensor& y_hat, double quality, int64_t image_height,
                              const ImageTiling& tiling, const TileProgress& progress) {
  const int64_t stride = image_height / y_hat.size(2);
  torch::Tensor x_hat = TransformInTiles(
      y_hat, tiling.ForStride(stride, tiling.synthesis_margin),
      [&](const torch::Tensor& tile) { return model.Synthesis(tile, quality); }, progress);
  CheckShape("reconstruction", x_hat, image_height, y_hat.size(3) * stride, 3);
  return x_hat;
}

}  // namespace lcodec::runtime
