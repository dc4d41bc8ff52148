// Synthetic test images for the image codec tests.
#ifndef LCODEC_TESTS_CODEC_RANDOM_IMAGE_H_
#define LCODEC_TESTS_CODEC_RANDOM_IMAGE_H_

#include <algorithm>
#include <cmath>
#include <random>

#include "common/image.h"

namespace lcodec {

// Smooth gradients plus noise: something like a photo, not pure noise.
inline Image RandomImage(int width, int height, int channels, int bit_depth, unsigned seed) {
  Image image{width, height, channels, bit_depth, {}};
  std::mt19937 rng(seed);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      for (int c = 0; c < channels; ++c) {
        const double peak = (1 << bit_depth) - 1;
        const double v = 0.5 + 0.3 * std::sin(0.05 * x + c) * std::cos(0.07 * y) + 0.05 * (rng() % 1000) / 1000.0;
        image.samples.push_back(static_cast<uint16_t>(std::lround(std::clamp(v, 0.0, 1.0) * peak)));
      }
  return image;
}

}  // namespace lcodec

#endif  // LCODEC_TESTS_CODEC_RANDOM_IMAGE_H_
