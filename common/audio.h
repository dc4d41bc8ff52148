// Audio: decoded samples as the codec sees them.
#ifndef LCODEC_COMMON_AUDIO_H_
#define LCODEC_COMMON_AUDIO_H_

#include <cstdint>
#include <vector>

namespace lcodec {

struct Audio {
  int sample_rate = 0;  // Hz
  int channels = 0;     // 1..64
  // Of the file it came from or goes to: 8, 16, 24 (integer PCM) or 32
  // (float). The codec itself always works on floats.
  int bit_depth = 16;
  std::vector<float> samples;  // interleaved (LRLR...), nominally in [-1, 1]

  int64_t frames() const { return channels > 0 ? static_cast<int64_t>(samples.size()) / channels : 0; }
};

}  // namespace lcodec

#endif  // LCODEC_COMMON_AUDIO_H_
