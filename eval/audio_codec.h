// A codec under evaluation, as the audio runner sees it: a sweep of settings
// and a round trip of a clip at one of them (samples in, samples out).
#ifndef LCODEC_EVAL_AUDIO_CODEC_H_
#define LCODEC_EVAL_AUDIO_CODEC_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/audio.h"
#include "common/status.h"

namespace lcodec::eval {

struct AudioRoundTripResult {
  uint64_t bytes = 0;  // everything a decoder needs
  // At the clip's rate and channel count, exactly as long, aligned with it
  // (the codec's delay and padding taken out).
  Audio decoded;
  double encode_seconds = 0, decode_seconds = 0;  // the codec's own work, resampling excluded
};

class AudioCodec {
 public:
  virtual ~AudioCodec() = default;

  // The settings to sweep, in the codec's own unit, from low to high rate.
  virtual std::vector<double> Settings() const = 0;

  // Everything besides the setting that changes results (encoder version,
  // options, sweep, model hash): a resumed run redoes items whose stored
  // configuration differs.
  virtual std::string Config() const = 0;

  virtual Status RoundTrip(const Audio& clip, double setting, AudioRoundTripResult* out) = 0;
};

struct AudioCodecOptions {
  std::string model_path;  // lcodec's audio model file
  std::vector<double> kbps;  // the classical codecs' sweep instead of their own; empty: theirs
};

// The codecs `lcodec eval --audio` knows, in the order outputs list them.
const std::vector<std::string>& AudioCodecNames();

// One instance per thread: instances are not thread-safe.
Status MakeAudioCodec(const std::string& name, const AudioCodecOptions& options, std::unique_ptr<AudioCodec>* out);

}  // namespace lcodec::eval

#endif  // LCODEC_EVAL_AUDIO_CODEC_H_
