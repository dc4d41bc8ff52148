#include "runtime/image_layout.h"

#include <algorithm>
#include <cmath>

namespace lcodec::runtime {

// Both conversions are plain loops over the samples rather than chains of
// tensor operations: each of those would allocate a whole-image temporary,
// and on a 24-megapixel photo those dominate peak memory.

torch::Tensor ImageToTensor(const Image& image, int multiple) {
  const float scale = 1.0f / static_cast<float>((1 << image.bit_depth) - 1);
  const int64_t height = PaddedSize(image.height, multiple), width = PaddedSize(image.width, multiple);
  torch::Tensor x = torch::empty({1, 3, height, width}, torch::kFloat);
  float* planes = x.data_ptr<float>();
  const int64_t plane = height * width;
  for (int64_t row = 0; row < height; ++row) {
    // Padding repeats the edge pixels (cheaper to code than a hard black border).
    const int64_t src_row = std::min<int64_t>(row, image.height - 1);
    for (int64_t col = 0; col < width; ++col) {
      const int64_t src_col = std::min<int64_t>(col, image.width - 1);
      const uint16_t* pixel = &image.samples[(src_row * image.width + src_col) * image.channels];
      for (int c = 0; c < 3; ++c) {
        // Grayscale is repeated into the three colour channels.
        planes[c * plane + row * width + col] = static_cast<float>(pixel[image.channels == 1 ? 0 : c]) * scale;
      }
    }
  }
  return x;
}

void TensorToImage(const torch::Tensor& x, int width, int height, int channels, int bit_depth, Image* out) {
  const float peak = static_cast<float>((1 << bit_depth) - 1);
  torch::Tensor rgb = x.index({0, torch::indexing::Slice(), torch::indexing::Slice(0, height),
                               torch::indexing::Slice(0, width)});
  // Gray: the mean of the three channels the model reconstructed.
  if (channels == 1) rgb = rgb.mean(0, /*keepdim=*/true);
  rgb = rgb.to(torch::kFloat);
  const auto values = rgb.accessor<float, 3>();
  out->width = width;
  out->height = height;
  out->channels = channels;
  out->bit_depth = bit_depth;
  out->samples.resize(static_cast<size_t>(width) * height * channels);
  uint16_t* sample = out->samples.data();
  for (int row = 0; row < height; ++row)
    for (int col = 0; col < width; ++col)
      for (int c = 0; c < channels; ++c) {
        // NaN (from a damaged model or a hostile stream's huge latents) becomes
        // 0: clamping passes NaN through, and converting it is undefined.
        const float value = std::nearbyint(values[c][row][col] * peak);
        *sample++ = std::isnan(value) ? 0 : static_cast<uint16_t>(std::clamp(value, 0.0f, peak));
      }
}

}  // namespace lcodec::runtime
