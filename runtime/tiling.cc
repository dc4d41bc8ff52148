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
};

Scale ScaleOf(int64_t in, int64_t out) {
  if (out >= in && out % in == 0) return {out / in, 1};
  if (in > out && out > 0 && in % out == 0) return {1, in / out};
  throw std::runtime_error("transform changed a side from " + std::to_string(in) + " to " + std::to_string(out) +
                           ", not an integer factor");
}

}  // namespace

torch::Tensor TransformInTiles(const torch::Tensor& input, const Tiling& tiling,
                               const std::function<torch::Tensor(const torch::Tensor&)>& transform,
                               const TileProgress& progress) {
  const int64_t height = input.size(2), width = input.size(3);
  const int64_t rows = CeilDiv(height, tiling.tile), cols = CeilDiv(width, tiling.tile);
  if (rows * cols == 1) {
    torch::Tensor out = transform(input);
    if (progress) progress(1, 1);
    return out;
  }
  torch::Tensor output;
  Scale scale;
  for (int64_t row = 0; row < rows; ++row) {
    for (int64_t col = 0; col < cols; ++col) {
      // Core [y0, y1) x [x0, x1), computed from the context [cy0, cy1) x [cx0, cx1).
      const int64_t y0 = row * tiling.tile, y1 = std::min(height, y0 + tiling.tile);
      const int64_t x0 = col * tiling.tile, x1 = std::min(width, x0 + tiling.tile);
      const int64_t cy0 = std::max<int64_t>(0, y0 - tiling.margin), cy1 = std::min(height, y1 + tiling.margin);
      const int64_t cx0 = std::max<int64_t>(0, x0 - tiling.margin), cx1 = std::min(width, x1 + tiling.margin);
      const torch::Tensor tile =
          transform(input.index({Slice(), Slice(), Slice(cy0, cy1), Slice(cx0, cx1)}).contiguous());
      if (!output.defined()) {
        scale = ScaleOf(cy1 - cy0, tile.size(2));
        if (tiling.tile % scale.den || tiling.margin % scale.den || height % scale.den || width % scale.den)
          throw std::runtime_error("tile geometry is not a multiple of the transform's down-scaling");
        output = torch::empty({1, tile.size(1), height * scale.num / scale.den, width * scale.num / scale.den},
                              tile.options());
      }
      auto out_range = [&](int64_t a) { return a * scale.num / scale.den; };
      output.index_put_({Slice(), Slice(), Slice(out_range(y0), out_range(y1)), Slice(out_range(x0), out_range(x1))},
                        tile.index({Slice(), Slice(), Slice(out_range(y0 - cy0), out_range(y1 - cy0)),
                                    Slice(out_range(x0 - cx0), out_range(x1 - cx0))}));
      if (progress) progress(row * cols + col + 1, rows * cols);
    }
  }
  return output;
}

}  // namespace lcodec::runtime
