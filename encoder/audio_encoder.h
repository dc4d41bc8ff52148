// Audio encoder: samples -> lcodec container sections, streamed.
//
// Input of any sample rate and channel count is resampled to the model's
// rate; stereo is coded as mid/side, other layouts channel by channel. The
// signal is coded in chunks whose transforms see a margin of context beyond
// the chunk, so chunk borders leave no seams, and memory stays bounded
// however long the input.
#ifndef LCODEC_ENCODER_AUDIO_ENCODER_H_
#define LCODEC_ENCODER_AUDIO_ENCODER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "bitstream/container.h"
#include "common/audio.h"
#include "common/status.h"
#include "runtime/audio_model.h"

namespace lcodec::encoder {

struct AudioEncodeOptions {
  double quality = 4;  // model's range (e.g. 1..8); higher is better quality and more bits
  int threads = 1;     // entropy-coding threads (transforms use torch's setting)
  // Chunk length at the model's rate (runtime::ChunkSamples rounds it). Memory
  // grows with it; each chunk also costs its own hyper-latent.
  double chunk_seconds = 4;
  // Called as chunks finish: input frames consumed so far, and the total if known (else -1).
  std::function<void(int64_t done, int64_t total)> progress;
};

struct AudioEncodeStats {
  double estimated_bits = 0;  // -sum log2 p of the coded symbols under the model's tables
  double coded_bits = 0;      // what the range coder actually wrote for them
  double transform_seconds = 0;
  double entropy_seconds = 0;
  double resample_seconds = 0;
};

// Streaming use:
//   AudioEncoder enc;
//   enc.Start(&model, rate, channels, options, &header);   // header for HEAD
//   enc.Write(samples, frames, &sections);  // repeatedly; write out `sections`
//   enc.Finish(&sections, &header, &stats);  // header now has the final frame_count
class AudioEncoder {
 public:
  AudioEncoder();
  ~AudioEncoder();
  AudioEncoder(const AudioEncoder&) = delete;
  AudioEncoder& operator=(const AudioEncoder&) = delete;

  // `model` must outlive the encoder. *header is the stream header to open
  // the container with (its frame_count is a placeholder until Finish).
  Status Start(runtime::AudioModel* model, int sample_rate, int channels, int bit_depth,
               const AudioEncodeOptions& options, bitstream::StreamHeader* header);
  // Consumes `frames` interleaved frames; appends the sections that are ready.
  Status Write(const float* interleaved, int64_t frames, std::vector<bitstream::Section>* sections);
  // Flushes the rest; *header gets the final frame_count.
  Status Finish(std::vector<bitstream::Section>* sections, bitstream::StreamHeader* header,
                AudioEncodeStats* stats = nullptr);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// A whole signal in memory -> a whole container in memory.
Status EncodeAudio(runtime::AudioModel& model, const Audio& audio, const AudioEncodeOptions& options,
                   std::vector<uint8_t>* out, AudioEncodeStats* stats = nullptr);

}  // namespace lcodec::encoder

#endif  // LCODEC_ENCODER_AUDIO_ENCODER_H_
