// How audio maps onto model tensors and container sections, shared by the
// encoder and the decoder so the two sides cannot disagree (bitstream/SPEC.md,
// "Audio payload"):
//   * the signal runs through the model at the model's sample rate, with
//     ModelRateLength samples per channel, zero-padded to PaddedLength;
//   * stereo is coded as mid = (L + R) / 2 and side = (L - R) / 2, any other
//     layout channel by channel: the coded channels are the batch of the
//     model's transforms;
//   * the padded signal is cut into chunks of equal length (the last one
//     shorter), one "AUDC" section each, in order.
#ifndef LCODEC_RUNTIME_AUDIO_LAYOUT_H_
#define LCODEC_RUNTIME_AUDIO_LAYOUT_H_

#include <cstdint>
#include <vector>

#include "bitstream/container.h"
#include "common/status.h"
#include "runtime/audio_model.h"
#include "runtime/resampler.h"

namespace lcodec::runtime {

inline constexpr bitstream::Tag kAudioChunkTag = bitstream::MakeTag("AUDC");

// Audio the codec accepts: the container's 1..64 channels, and rates that
// keep the resampling ratio to the model's rate at most 768 (so that a few
// samples of a crafted stream cannot expand into hours of model work).
inline constexpr int kMaxAudioChannels = 64;
inline constexpr int kMinAudioRate = 1000;
inline constexpr int kMaxAudioRate = 768000;
// Chunks longer than this are refused: it bounds what a decoder allocates
// per chunk (2^20 samples = 21.8 s at 48 kHz).
inline constexpr int64_t kMaxChunkSamples = int64_t{1} << 20;

// InvalidArgument/Unsupported unless a stream of `channels` at `rate` can be coded.
Status CheckAudioFormat(int channels, int64_t rate);

// Samples per channel at `model_rate` of `frames` samples at `rate`:
// ceil(frames * model_rate / rate). The encoder trims or pads the resampled
// signal to exactly this; the decoder resamples it back to `frames`.
int64_t ModelRateLength(uint64_t frames, int rate, int model_rate);

// `size` rounded up to a multiple of `multiple`.
inline int64_t RoundUp(int64_t size, int64_t multiple) { return (size + multiple - 1) / multiple * multiple; }

// What the chunks cover: `length` model-rate samples, then at least the
// model's tail padding of zeros, up to a multiple of its downsampling.
inline int64_t PaddedLength(const AudioModel& model, int64_t length) {
  return RoundUp(length + model.tail_padding(), model.downsampling());
}

// The chunk length for about `seconds` of audio at the model's rate: a
// multiple of its downsampling, and at least both margins so that a chunk's
// context never reaches past its neighbours.
int64_t ChunkSamples(const AudioModel& model, double seconds);

// Interleaved input channels -> coded channels (mid/side for stereo),
// appended to out[c]. And back: coded channels from `offset` on, `frames` of
// them, appended to `interleaved`.
void ToCodedChannels(const float* interleaved, int64_t frames, int channels, PlanarAudio* out);
void FromCodedChannels(const PlanarAudio& coded, int64_t offset, int64_t frames, std::vector<float>* interleaved);

// The body of an AUDC section:
//   u32 samples   model-rate samples per channel in this chunk
//   u32 z_size    bytes of the hyper-latent blob
//   z blob, y blob (the rest): entropy/symbol_coder.h blobs
struct AudioChunkBody {
  int64_t samples = 0;
  const uint8_t* z = nullptr;
  size_t z_size = 0;
  const uint8_t* y = nullptr;
  size_t y_size = 0;
};
void WriteAudioChunkBody(int64_t samples, const std::vector<uint8_t>& z, const std::vector<uint8_t>& y,
                         std::vector<uint8_t>* body);
// Corrupt if the fields do not fit the body. `body` must outlive `out`.
Status ParseAudioChunkBody(const std::vector<uint8_t>& body, AudioChunkBody* out);

}  // namespace lcodec::runtime

#endif  // LCODEC_RUNTIME_AUDIO_LAYOUT_H_
