#include "eval/lcodec_audio_codec.h"

#include <chrono>

#include "decoder/audio_decoder.h"
#include "encoder/audio_encoder.h"
#include "eval/lcodec_sweep.h"
#include "runtime/audio_model.h"

namespace lcodec::eval {
namespace {

class LcodecAudioCodec : public AudioCodec {
 public:
  std::vector<double> Settings() const override { return LcodecQualitySweep(model_); }
  std::string Config() const override { return LcodecConfig(model_); }

  Status RoundTrip(const Audio& clip, double setting, AudioRoundTripResult* out) override {
    encoder::AudioEncodeOptions options;
    options.quality = setting;
    std::vector<uint8_t> stream;
    auto start = std::chrono::steady_clock::now();
    LCODEC_RETURN_IF_ERROR(encoder::EncodeAudio(model_, clip, options, &stream));
    out->encode_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    out->bytes = stream.size();
    start = std::chrono::steady_clock::now();
    LCODEC_RETURN_IF_ERROR(decoder::DecodeAudio(model_, stream.data(), stream.size(), {}, &out->decoded));
    out->decode_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (out->decoded.sample_rate != clip.sample_rate || out->decoded.channels != clip.channels ||
        out->decoded.samples.size() != clip.samples.size())
      return Status::Corrupt("lcodec decoded " + std::to_string(out->decoded.frames()) + " frames of " +
                             std::to_string(out->decoded.channels) + " channels at " +
                             std::to_string(out->decoded.sample_rate) + " Hz for a clip of " +
                             std::to_string(clip.frames()) + " at " + std::to_string(clip.sample_rate) + " Hz");
    return Status::Ok();
  }

  runtime::AudioModel model_;
};

}  // namespace

Status MakeLcodecAudioCodec(const std::string& model_path, std::unique_ptr<AudioCodec>* out) {
  auto codec = std::make_unique<LcodecAudioCodec>();
  LCODEC_RETURN_IF_ERROR(runtime::AudioModel::Load(model_path, &codec->model_));
  *out = std::move(codec);
  return Status::Ok();
}

}  // namespace lcodec::eval
