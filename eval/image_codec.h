// A codec under evaluation, as the image runner sees it: a sweep of settings
// and a round trip of an 8-bit RGB image at one of them. Audio codecs have
// their own interface (audio_codec.h); the curves, BD-rates and plots
// downstream do not care which.
#ifndef LCODEC_EVAL_IMAGE_CODEC_H_
#define LCODEC_EVAL_IMAGE_CODEC_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/image.h"
#include "common/status.h"

namespace lcodec::eval {

struct RoundTripResult {
  uint64_t bytes = 0;  // everything a decoder needs
  Image decoded;       // 8-bit RGB, the size of the input
  double encode_seconds = 0, decode_seconds = 0;  // the codec's own work, colour conversions excluded
};

class ImageCodec {
 public:
  virtual ~ImageCodec() = default;

  // The settings to sweep, in the codec's own unit, from low to high rate.
  virtual std::vector<double> Settings() const = 0;

  // Everything besides the setting that changes results (encoder version,
  // options, sweep, model hash): a resumed run redoes items whose stored
  // configuration differs.
  virtual std::string Config() const = 0;

  // Encodes `rgb` (8-bit RGB) at `setting` and decodes it back to 8-bit RGB.
  virtual Status RoundTrip(const Image& rgb, double setting, RoundTripResult* out) = 0;
};

struct ImageCodecOptions {
  std::string model_path;      // lcodec's model file
  int refinement_rounds = 0;   // lcodec's encoder (encoder::ImageEncodeOptions)
};

// The codecs `lcodec eval` knows, in the order outputs list them.
const std::vector<std::string>& ImageCodecNames();

// One instance per thread: instances are not thread-safe.
Status MakeImageCodec(const std::string& name, const ImageCodecOptions& options, std::unique_ptr<ImageCodec>* out);

}  // namespace lcodec::eval

#endif  // LCODEC_EVAL_IMAGE_CODEC_H_
