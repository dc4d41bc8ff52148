#include "eval/lcodec_image_codec.h"

#include <chrono>

#include "decoder/image_decoder.h"
#include "encoder/image_encoder.h"
#include "eval/lcodec_sweep.h"
#include "runtime/image_model.h"

namespace lcodec::eval {
namespace {

class LcodecImageCodec : public ImageCodec {
 public:
  std::vector<double> Settings() const override { return LcodecQualitySweep(model_); }
  // Results of another refinement setting are another configuration (the
  // runner resumes only items of the same one).
  std::string Config() const override {
    const std::string config = LcodecConfig(model_);
    return refinement_rounds_ ? config + ", " + std::to_string(refinement_rounds_) + " refinement rounds" : config;
  }

  Status RoundTrip(const Image& rgb, double setting, RoundTripResult* out) override {
    encoder::ImageEncodeOptions options;
    options.quality = setting;
    options.refinement_rounds = refinement_rounds_;
    std::vector<uint8_t> stream;
    auto start = std::chrono::steady_clock::now();
    LCODEC_RETURN_IF_ERROR(encoder::EncodeImage(model_, rgb, options, &stream));
    out->encode_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    out->bytes = stream.size();
    start = std::chrono::steady_clock::now();
    LCODEC_RETURN_IF_ERROR(decoder::DecodeImage(model_, stream.data(), stream.size(), {}, &out->decoded));
    out->decode_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return Status::Ok();
  }

  runtime::ImageModel model_;
  int refinement_rounds_ = 0;
};

}  // namespace

Status MakeLcodecImageCodec(const ImageCodecOptions& options, std::unique_ptr<ImageCodec>* out) {
  if (options.refinement_rounds < 0 || options.refinement_rounds > encoder::kMaxRefinementRounds)
    return Status::InvalidArgument("--refine must lie in [0, " + std::to_string(encoder::kMaxRefinementRounds) + "]");
  auto codec = std::make_unique<LcodecImageCodec>();
  codec->refinement_rounds_ = options.refinement_rounds;
  LCODEC_RETURN_IF_ERROR(runtime::ImageModel::Load(options.model_path, &codec->model_));
  *out = std::move(codec);
  return Status::Ok();
}

}  // namespace lcodec::eval
