// Running a convolutional transform over a large image in overlapping tiles,
// so that peak memory depends on the tile size instead of the image size.
//
// The transforms are convolutional: an output sample depends only on inputs
// within a small receptive field. Each tile is therefore computed with a
// margin of context around it and cropped back, which gives (up to float
// summation order) the same result as one pass over the whole input, with
// no seams: the bitstream does not know about tiles at all.
#ifndef LCODEC_RUNTIME_TILING_H_
#define LCODEC_RUNTIME_TILING_H_

#include <torch/torch.h>

#include <cstdint>
#include <functional>

namespace lcodec::runtime {

// Called after each tile with (tiles done, tiles in all).
using TileProgress = std::function<void(int64_t done, int64_t total)>;

struct Tiling {
  // Core tile side and context margin, in input samples. Inputs no larger
  // than `tile` on both sides run in one piece.
  int64_t tile = 768;
  int64_t margin = 64;
};

// Pixel-domain tiling of the image transforms. 768 covers a 768x512 photo in
// one piece; a 64-pixel margin exceeds the receptive field of the analysis
// (~61 px) and, in latent units, that of the synthesis (~2-3 latents).
// Decoders must always use the same tiling, so that a stream decodes to the
// same pixels everywhere.
inline constexpr Tiling kImageTiling{768, 64};

// Applies `transform` to `input` (1, C, H, W) in tiles of `tiling` (in input
// units). The transform must scale sides by an integer factor, up or down;
// tile and margin must be multiples of the down-scaling factor.
torch::Tensor TransformInTiles(const torch::Tensor& input, const Tiling& tiling,
                               const std::function<torch::Tensor(const torch::Tensor&)>& transform,
                               const TileProgress& progress = nullptr);

}  // namespace lcodec::runtime

#endif  // LCODEC_RUNTIME_TILING_H_
