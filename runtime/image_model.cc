#include "runtime/image_model.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace lcodec::runtime {
namespace {

// Image sides are padded to the downsampling factor, so it stays small.
constexpr int kMaxImageDownsampling = 1024;
// Format 2 adds the slice context, format 3 the reconstruction offsets.
constexpr int kSliceContextFormatVersion = 2;
constexpr int kReconstructionOffsetsFormatVersion = 3;
// Offsets move a value by less than half a step, for |r| = 1 .. K with K
// small: bounds what a damaged file can make the synthesis see.
constexpr double kMaxReconstructionOffset = 0.5;
constexpr int64_t kMaxOffsetMagnitudes = 16;
// Far more than any model needs; bounds the work a damaged file can ask for.
constexpr int64_t kMaxSlices = 256;
constexpr int64_t kMaxLatentChannels = 1 << 16;

}  // namespace

Status ImageModel::Load(const std::string& path, ImageModel* out) {
  ImageModel model;
  LCODEC_RETURN_IF_ERROR(
      model.LoadCommon(path, "image", kMaxImageDownsampling, kReconstructionOffsetsFormatVersion));
  model.has_quantization_weights_ = model.HasMethod("quantization_weights");
  if (model.has_quantization_weights_) LCODEC_RETURN_IF_ERROR(model.LoadDistortionWeights(path));
  if (model.format_version() >= kSliceContextFormatVersion) LCODEC_RETURN_IF_ERROR(model.LoadSlices(path));
  if (model.format_version() >= kReconstructionOffsetsFormatVersion)
    LCODEC_RETURN_IF_ERROR(model.LoadReconstructionOffsets(path));
  *out = std::move(model);
  return Status::Ok();
}

Status ImageModel::LoadDistortionWeights(const std::string& path) {
  torch::Tensor log_lambdas;
  LCODEC_RETURN_IF_ERROR(TensorAttribute(path, "log_lambdas", torch::kFloat64, &log_lambdas));
  LCODEC_RETURN_IF_ERROR(FloatAttribute(path, "rdo_distortion_factor", &rdo_distortion_factor_));
  const int64_t levels = log_lambdas.numel();
  if (log_lambdas.dim() != 1 || levels < 2 || levels - 1 != static_cast<int64_t>(quality_max() - quality_min()) ||
      !torch::isfinite(log_lambdas).all().item<bool>() || !(rdo_distortion_factor_ > 0))
    return Status::InvalidArgument("'" + path + "': implausible rate-distortion weights");
  log_lambdas_.assign(log_lambdas.data_ptr<double>(), log_lambdas.data_ptr<double>() + levels);
  return Status::Ok();
}

Status ImageModel::LoadSlices(const std::string& path) {
  if (!HasMethod("slice_prior")) return Status::InvalidArgument("'" + path + "': the model lacks its slice context");
  torch::Tensor sizes, channels;
  LCODEC_RETURN_IF_ERROR(TensorAttribute(path, "slice_sizes", torch::kInt64, &sizes));
  LCODEC_RETURN_IF_ERROR(TensorAttribute(path, "slice_channels", torch::kInt64, &channels));
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

Status ImageModel::LoadReconstructionOffsets(const std::string& path) {
  torch::Tensor offsets;
  LCODEC_RETURN_IF_ERROR(TensorAttribute(path, "reconstruction_offsets", torch::kFloat32, &offsets));
  const int64_t levels = static_cast<int64_t>(quality_max() - quality_min()) + 1;
  if (levels < 2 || offsets.dim() != 3 || offsets.size(0) != levels || offsets.size(1) < 1 ||
      offsets.size(1) > kMaxOffsetMagnitudes || offsets.size(2) != static_cast<int64_t>(y_table().size()) ||
      !torch::isfinite(offsets).all().item<bool>() || offsets.abs().max().item<double>() > kMaxReconstructionOffset)
    return Status::InvalidArgument("'" + path + "': implausible reconstruction offsets");
  reconstruction_offsets_ = offsets.contiguous();
  return Status::Ok();
}

torch::Tensor ImageModel::ReconstructionShift(double quality, const torch::Tensor& residuals,
                                              const torch::Tensor& indexes) const {
  if (!reconstruction_offsets_.defined()) return torch::zeros(residuals.sizes(), torch::kFloat);
  const int64_t levels = reconstruction_offsets_.size(0);
  const double position = std::clamp(quality - quality_min(), 0.0, static_cast<double>(levels - 1));
  const int64_t lower = std::min(static_cast<int64_t>(position), levels - 2);
  const double t = position - static_cast<double>(lower);
  const torch::Tensor offsets =
      ((1 - t) * reconstruction_offsets_[lower] + t * reconstruction_offsets_[lower + 1]).reshape(-1);
  const int64_t magnitudes = reconstruction_offsets_.size(1), scales = reconstruction_offsets_.size(2);
  const torch::Tensor r = residuals.to(torch::kLong);
  const torch::Tensor key = (r.abs().clamp(1, magnitudes) - 1) * scales + indexes.to(torch::kLong);
  return r.sign().to(torch::kFloat) * offsets.index({key.reshape(-1)}).reshape(residuals.sizes());
}

void ImageModel::SlicePrior(int k, const torch::Tensor& y_hat, const torch::Tensor& means,
                            const torch::Tensor& indexes, torch::Tensor* slice_means, torch::Tensor* slice_indexes) {
  auto outputs = RunMethod("slice_prior", {static_cast<int64_t>(k), y_hat, means, indexes}).toTuple();
  *slice_means = outputs->elements().at(0).toTensor().contiguous();
  *slice_indexes = outputs->elements().at(1).toTensor().contiguous();
}

double ImageModel::DistortionWeight(double quality) const {
  // Geometric interpolation between the two nearest levels, as
  // models/lcodec/architectures.py interpolate_gain does.
  const double position = std::clamp(quality - quality_min(), 0.0, static_cast<double>(log_lambdas_.size() - 1));
  const size_t lower = std::min(static_cast<size_t>(position), log_lambdas_.size() - 2);
  const double t = position - static_cast<double>(lower);
  const double lambda = std::exp((1 - t) * log_lambdas_[lower] + t * log_lambdas_[lower + 1]);
  return lambda * 255.0 * 255.0 / 3.0;
}

torch::Tensor ImageModel::QuantizationWeights(double quality) {
  return RunMethod("quantization_weights", {quality}).toTensor().to(torch::kFloat64).contiguous();
}

}  // namespace lcodec::runtime
