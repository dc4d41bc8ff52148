// Image: decoded pixels as the codec sees them.
#ifndef LCODEC_COMMON_IMAGE_H_
#define LCODEC_COMMON_IMAGE_H_

#include <cstdint>
#include <vector>

namespace lcodec {

struct Image {
  int width = 0;
  int height = 0;
  int channels = 0;   // 1 (gray), 3 (RGB) or 4 (RGBA)
  int bit_depth = 8;  // 8 or 16: samples lie in [0, 2^bit_depth - 1]
  std::vector<uint16_t> samples;  // row-major, channels interleaved (RGBRGB...)
};

}  // namespace lcodec

#endif  // LCODEC_COMMON_IMAGE_H_
