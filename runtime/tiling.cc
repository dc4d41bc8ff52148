#include "runtime/tiling.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace lcodec::runtime {
namespace {

using torch::indexing::Slice;

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Output/input side ratio as num/den with one of them 1, checked on a tile.
struct Scale {
  int64_t num = 1, den = 1;
  int64_t Of(int64_t a) const { return a * num / den; }
};

Scale ScaleOf(int64_t in, int64_t out) {
  if (out >= in && out % in == 0) return {out / in, 1};
  if (in > out && out > 0 && in % out == 0) return {1, in / out};
  throw std::runtime_error("transform changed a side from " + std::to_string(in) + " to " + std::to_string(out) +
                           ", not an integer factor");
}

}  // namespace

std::vector<torch::Tensor> TransformInTiles(const std::vector<torch::Tensor>& inputs, const Tiling& tiling,
                                            const MultiTileTransform& transform, const TileProgress& progress) {
  const int64_t height = inputs.at(0).size(2), width = inputs.at(0).size(3);
  for (const torch::Tensor& input : inputs)
    if (input.size(2) != height || input.size(3) != width) throw std::runtime_error("tiled inputs differ in size");
  if (tiling.tile < 1 || tiling.margin < 0) throw std::runtime_error("tile geometry must be positive");
  const int64_t rows = CeilDiv(height, tiling.tile), cols = CeilDiv(width, tiling.tile);
  if (rows * cols == 1) {
    std::vector<torch::Tensor> out = transform(inputs);
    if (progress) progress(1, 1);
    return out;
  }
  std::vector<torch::Tensor> outputs;
  Scale scale;
  for (int64_t row = 0; row < rows; ++row) {
    for (int64_t col = 0; col < cols; ++col) {
      // Core [y0, y1) x [x0, x1), computed from the context [cy0, cy1) x [cx0, cx1).
      const int64_t y0 = row * tiling.tile, y1 = std::min(height, y0 + tiling.tile);
      const int64_t x0 = col * tiling.tile, x1 = std::min(width, x0 + tiling.tile);
      const int64_t cy0 = std::max<int64_t>(0, y0 - tiling.margin), cy1 = std::min(height, y1 + tiling.margin);
      const int64_t cx0 = std::max<int64_t>(0, x0 - tiling.margin), cx1 = std::min(width, x1 + tiling.margin);
      std::vector<torch::Tensor> input_tiles;
      for (const torch::Tensor& input : inputs)
        input_tiles.push_back(input.index({Slice(), Slice(), Slice(cy0, cy1), Slice(cx0, cx1)}).contiguous());
      const std::vector<torch::Tensor> tiles = transform(input_tiles);
      if (outputs.empty()) {
        scale = ScaleOf(cy1 - cy0, tiles.at(0).size(2));
        if (tiling.tile % scale.den || tiling.margin % scale.den || height % scale.den || width % scale.den)
          throw std::runtime_error("tile geometry is not a multiple of the transform's down-scaling");
        for (const torch::Tensor& tile : tiles)
          outputs.push_back(torch::empty({1, tile.size(1), scale.Of(height), scale.Of(width)}, tile.options()));
      }
      for (size_t i = 0; i < tiles.size(); ++i) {
        if (tiles[i].size(2) != scale.Of(cy1 - cy0) || tiles[i].size(3) != scale.Of(cx1 - cx0))
          throw std::runtime_error("transform outputs disagree in size");
        outputs[i].index_put_({Slice(), Slice(), Slice(scale.Of(y0), scale.Of(y1)), Slice(scale.Of(x0), scale.Of(x1))},
                              tiles[i].index({Slice(), Slice(), Slice(scale.Of(y0 - cy0), scale.Of(y1 - cy0)),
                                              Slice(scale.Of(x0 - cx0), scale.Of(x1 - cx0))}));
      }
      if (progress) progress(row * cols + col + 1, rows * cols);
    }
  }
  return outputs;
}

std::vector<torch::Tensor> TransformInTiles(const torch::Tensor& input, const Tiling& tiling,
                                            const TileTransform& transform, const TileProgress& progress) {
  return TransformInTiles(
      std::vector<torch::Tensor>{input}, tiling,
      [&](const std::vector<torch::Tensor>& tiles) { return transform(tiles[0]); }, progress);
}

torch::Tensor TransformInTiles(const torch::Tensor& input, const Tiling& tiling,
                               const std::function<torch::Tensor(const torch::Tensor&)>& transform,
                               const TileProgress& progress) {
  return TransformInTiles(
      input, tiling, [&](const torch::Tensor& tile) { return std::vector<torch::Tensor>{transform(tile)}; },
      progress)[0];
}

}  // namespace lcodec::runtime
