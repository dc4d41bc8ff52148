// Running a convolutional transform over a large image in overlapping tiles,
// so that peak memory depends on the tile size instead of the image size.
//
// The transforms are convolutional: an output sample depends only on inputs
// within a small receptive field. Each tile is therefore computed with a
// margin of context around it and cropped back, which gives (up to float
// summation order) the same result as one pass over the whole input, with
// no seams: the bitstream does not know about tiles at all. The integer
// hyper-synthesis is exact, so for it tiling changes nothing at all.
#ifndef LCODEC_RUNTIME_TILING_H_
#define LCODEC_RUNTIME_TILING_H_

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace lcodec::runtime {

// Called after each tile with (tiles done, tiles in all).
using TileProgress = std::function<void(int64_t done, int64_t total)>;

// Tile side and context margin, in samples of the transform's input.
struct Tiling {
  int64_t tile = 0;
  int64_t margin = 0;
};

// The image transforms' tiling, in pixels. One tile side for all; each
// transform gets a margin beyond its receptive field. A transform whose
// input has stride s (1 for pixels, 16 for latents, 64 for hyper-latents)
// uses ForStride(s, margin).
struct ImageTiling {
  int64_t tile = 768;                   // a 768x512 photo runs in one piece
  int64_t analysis_margin = 64;         // GDN analysis ~61 px, block-DCT 24 px (models/tests/test_layers.py)
  int64_t hyper_analysis_margin = 128;  // ~7 latents = 112 px
  int64_t hyper_synthesis_margin = 256; // ~2-3 hyper-latents = 192 px
  int64_t synthesis_margin = 64;        // a latent block reaches <= 48 px (models/tests/test_layers.py)
  int64_t context_margin = 32;          // the slice context sees 1 latent = 8 px around

  Tiling ForStride(int64_t stride, int64_t margin) const { return {tile / stride, margin / stride}; }
};

using TileTransform = std::function<std::vector<torch::Tensor>(const torch::Tensor&)>;
using MultiTileTransform = std::function<std::vector<torch::Tensor>(const std::vector<torch::Tensor>&)>;

// Applies `transform` to `inputs` (each (1, C, H, W), all of the same H and
// W) in tiles of `tiling` (in input units) and assembles each of its
// outputs. Every output must scale sides by the same integer factor, up or
// down; tile and margin must be multiples of the down-scaling factor.
// Inputs no larger than one tile run in one piece.
std::vector<torch::Tensor> TransformInTiles(const std::vector<torch::Tensor>& inputs, const Tiling& tiling,
                                            const MultiTileTransform& transform,
                                            const TileProgress& progress = nullptr);

// The same for one input.
std::vector<torch::Tensor> TransformInTiles(const torch::Tensor& input, const Tiling& tiling,
                                            const TileTransform& transform, const TileProgress& progress = nullptr);

// The same for a transform with one output.
torch::Tensor TransformInTiles(const torch::Tensor& input, const Tiling& tiling,
                               const std::function<torch::Tensor(const torch::Tensor&)>& transform,
                               const TileProgress& progress = nullptr);

}  // namespace lcodec::runtime

#endif  // LCODEC_RUNTIME_TILING_H_
