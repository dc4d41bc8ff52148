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
  std::string Config() const override { return LcodecConfig(model_); }

  Status RoundTrip(const Image& rgb, double setting, RoundTripResult* out) override {
    encoder::ImageEncodeOptions options;
    options.quality = setting;
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
};

}  // namespace

Status MakeLcodecImageCodec(const std::string& model_path, std::unique_ptr<ImageCodec>* out) {
  auto codec = std::make_unique<LcodecImageCodec>();
  LCODEC_RETURN_IF_ERROR(runtime::ImageModel::Load(model_path, &codec->model_));
  *out = std::move(codec);
  return Status::Ok();
}

}  // namespace lcodec::eval
