// The image model's four transforms over whole (padded) images, run tile by
// tile (runtime/tiling.h) so that memory stays bounded for any image size.
// Encoder and decoder both call these, so both tile the same way.
#ifndef LCODEC_RUNTIME_IMAGE_TRANSFORMS_H_
#define LCODEC_RUNTIME_IMAGE_TRANSFORMS_H_

#include <torch/torch.h>

#include "runtime/image_model.h"
#include "runtime/tiling.h"

namespace lcodec::runtime {

// x: (1, 3, H, W) padded to model.downsampling() -> latent y.
torch::Tensor AnalyzeImage(ImageModel& model, const torch::Tensor& x, double quality, const ImageTiling& tiling,
                           const TileProgress& progress);

// y -> hyper-latent z (not yet rounded); `image_height` is the padded image's.
torch::Tensor HyperAnalyzeImage(ImageModel& model, const torch::Tensor& y, int64_t image_height,
                                const ImageTiling& tiling);

// Exact: the result does not depend on the tiling.
void HyperSynthesizeImage(ImageModel& model, const torch::Tensor& z_hat, const ImageTiling& tiling,
                          torch::Tensor* means, torch::Tensor* indexes);

// y_hat -> (1, 3, H, W) reconstruction.
torch::Tensor SynthesizeImage(ImageModel& model, const torch::Tensor& y_hat, double quality, int64_t image_height,
                              const ImageTiling& tiling, const TileProgress& progress);

}  // namespace lcodec::runtime

#endif  // LCODEC_RUNTIME_IMAGE_TRANSFORMS_H_
