// Audio decoder: lcodec container sections -> samples, streamed.
//
// The output has the sample rate, channel count and length of the encoder's
// input. It is the same whatever the thread count: every entropy-coding
// decision comes from exact integer arithmetic (see runtime/audio_model.h).
#ifndef LCODEC_DECODER_AUDIO_DECODER_H_
#define LCODEC_DECODER_AUDIO_DECODER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "bitstream/container.h"
#include "common/audio.h"
#include "common/status.h"
#include "runtime/audio_model.h"

namespace lcodec::decoder {

struct AudioDecodeOptions {
  int threads = 1;
  bitstream::ParseLimits limits;
  std::function<void(int64_t done, int64_t total)> progress;  // output frames
};

struct AudioDecodeStats {
  double transform_seconds = 0;
  double entropy_seconds = 0;
  double resample_seconds = 0;
};

// Streaming use, with a ContainerReader already opened on the stream:
//   AudioDecoder dec;
//   dec.Start(&model, reader.header(), options);
//   for each section: dec.Add(section, &chunk);  // chunk: the samples now ready (may be empty)
//   dec.Finish(&chunk);                          // the rest
// Sections with tags the audio codec does not know are skipped.
class AudioDecoder {
 public:
  AudioDecoder();
  ~AudioDecoder();
  AudioDecoder(const AudioDecoder&) = delete;
  AudioDecoder& operator=(const AudioDecoder&) = delete;

  // Refuses streams of another modality or made with another model.
  Status Start(runtime::AudioModel* model, const bitstream::StreamHeader& header, const AudioDecodeOptions& options);
  Status Add(const bitstream::Section& section, Audio* ready);
  Status Finish(Audio* ready, AudioDecodeStats* stats = nullptr);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// A whole container in memory -> the whole signal.
Status DecodeAudio(runtime::AudioModel& model, const uint8_t* data, size_t size, const AudioDecodeOptions& options,
                   Audio* out, AudioDecodeStats* stats = nullptr);

}  // namespace lcodec::decoder

#endif  // LCODEC_DECODER_AUDIO_DECODER_H_
