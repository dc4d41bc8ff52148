#include "runtime/image_model.h"

namespace lcodec::runtime {

// Image sides are padded to the downsampling factor, so it stays small.
constexpr int kMaxImageDownsampling = 1024;

Status ImageModel::Load(const std::string& path, ImageModel* out) {
  ImageModel model;
  LCODEC_RETURN_IF_ERROR(model.LoadCommon(path, "image", kMaxImageDownsampling));
  model.has_quantization_weights_ = model.HasMethod("quantization_weights");
  *out = std::move(model);
  return Status::Ok();
}

torch::Tensor ImageModel::QuantizationWeights(double quality) {
  return RunMethod("quantization_weights", {quality}).toTensor().to(torch::kFloat64).contiguous();
}

}  // namespace lcodec::runtime
