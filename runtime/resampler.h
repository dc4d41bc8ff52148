// Resampler: planar float audio from one sample rate to another, streamed,
// through libswresample. The codec runs its model at one rate and gives
// back the input's rate, so encoder and decoder each resample once.
//
// Deterministic: the same input, fed in the same pieces, gives the same
// output bits (no dithering, float throughout). Output sample k lies at
// time k / out_rate of the input (libswresample compensates its filter
// delay), so after Flush the output has about frames * out_rate / in_rate
// samples; callers trim or pad to the exact length they need.
#ifndef LCODEC_RUNTIME_RESAMPLER_H_
#define LCODEC_RUNTIME_RESAMPLER_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "common/status.h"

struct SwrContext;

namespace lcodec::runtime {

// One signal per channel.
using PlanarAudio = std::vector<std::vector<float>>;

class Resampler {
 public:
  Resampler();
  ~Resampler();
  Resampler(const Resampler&) = delete;
  Resampler& operator=(const Resampler&) = delete;
  Resampler(Resampler&&) = default;
  Resampler& operator=(Resampler&&) = default;

  // channels 1..64, rates 1..768000 Hz. Equal rates copy samples unchanged.
  Status Open(int channels, int in_rate, int out_rate);

  // Appends the resampled `frames` samples of each in[c] to (*out)[c]
  // (out is resized to the channel count if needed).
  Status Process(const PlanarAudio& in, int64_t frames, PlanarAudio* out);
  // Appends the samples still held back by the filter; call once at the end.
  Status Flush(PlanarAudio* out);

 private:
  Status Convert(const float* const* in, int64_t frames, PlanarAudio* out);

  std::unique_ptr<SwrContext, void (*)(SwrContext*)> swr_;
  int channels_ = 0;
  bool passthrough_ = false;
};

}  // namespace lcodec::runtime

#endif  // LCODEC_RUNTIME_RESAMPLER_H_
