#include "runtime/image_model.h"

#include <algorithm>
#include <numeric>

namespace lcodec::runtime {
namespace {

// Image sides are padded to the downsampling factor, so it stays small.
constexpr int kMaxImageDownsampling = 1024;
// Format 2 adds the slice context.
constexpr int kSliceContextFormatVersion = 2;
// Far more than any model needs; bounds the work a damaged file can ask for.
constexpr int64_t kMaxSlices = 256;
constexpr int64_t kMaxLatentChannels = 1 << 16;

}  // namespace

Status ImageModel::Load(const std::string& path, ImageModel* out) {
  ImageModel model;
  LCODEC_RETURN_IF_ERROR(model.LoadCommon(path, "image", kMaxImageDownsampling, kSliceContextFormatVersion));
  model.has_quantization_weights_ = model.HasMethod("quantization_weights");
  if (model.format_version() >= kSliceContextFormatVersion) LCODEC_RETURN_IF_ERROR(model.LoadSlices(path));
  *out = std::move(model);
  return Status::Ok();
}

Status ImageModel::LoadSlices(const std::string& path) {
  if (!HasMethod("slice_prior")) return Status::InvalidArgument("'" + path + "': the model lacks its slice context");
  torch::Tensor sizes, channels;
  LCODEC_RETURN_IF_ERROR(IntTensorAttribute(path, "slice_sizes", &sizes));
  LCODEC_RETURN_IF_ERROR(IntTensorAttribute(path, "slice_channels", &channels));
  const auto bad = [&](const char* why) { return Status::InvalidArgument("'" + path + "': slice context " + why); };
  if (sizes.dim() != 1 || channels.dim() != 1 || sizes.numel() < 1 || sizes.numel() > kMaxSlices ||
      channels.numel() < 1 || channels.numel() > kMaxLatentChannels)
    return bad("has implausible sizes");
  // Every latent channel in exactly one slice.
  std::vector<int64_t> order(channels.data_ptr<int64_t>(), channels.data_ptr<int64_t>() + channels.numel());
  std::vector<int64_t> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int64_t> expected(sorted.size());
  std::iota(expected.begin(), expected.end(), 0);
  if (sorted != expected) return bad("does not hold every latent channel once");
  size_t start = 0;
  for (int64_t k = 0; k < sizes.numel(); ++k) {
    const int64_t size = sizes.data_ptr<int64_t>()[k];
    if (size < 1 || size > static_cast<int64_t>(order.size() - start)) return bad("sizes do not add up");
    slices_.emplace_back(order.begin() + start, order.begin() + start + size);
    start += size;
  }
  if (start != order.size()) return bad("sizes do not add up");
  return Status::Ok();
}

void ImageModel::SlicePrior(int k, const torch::Tensor& y_hat, const torch::Tensor& means,
                            const torch::Tensor& indexes, torch::Tensor* slice_means, torch::Tensor* slice_indexes) {
  auto outputs = RunMethod("slice_prior", {static_cast<int64_t>(k), y_hat, means, indexes}).toTuple();
  *slice_means = outputs->elements().at(0).toTensor().contiguous();
  *slice_indexes = outputs->elements().at(1).toTensor().contiguous();
}

torch::Tensor ImageModel::QuantizationWeights(double quality) {
  return RunMethod("quantization_weights", {quality}).toTensor().to(torch::kFloat64).contiguous();
}

}  // namespace lcodec::runtime
