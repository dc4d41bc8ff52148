#include "encoder/rdo_rounding.h"

#include <cmath>

#include "encoder/latent_symbols.h"

namespace lcodec::encoder {

Status RoundResiduals(const torch::Tensor& residuals, const torch::Tensor& weights, const entropy::CdfTable& table,
                      const std::vector<uint16_t>& indexes, std::vector<int32_t>* symbols) {
  LCODEC_RETURN_IF_ERROR(ToSymbols(residuals, symbols));
  // Empty: a predicted video frame whose every position skips.
  if (!weights.defined() || symbols->empty()) return Status::Ok();
  if (residuals.dim() < 2 || weights.numel() != residuals.size(1) || indexes.size() != symbols->size())
    return Status::InvalidArgument("rate-distortion rounding weights or indexes do not match the latent");
  for (const uint16_t index : indexes)
    if (index >= table.size()) return Status::InvalidArgument("scale index outside the model's table");
  const int64_t channels = residuals.size(1);
  // float32 as given: a float64 copy of a 24-megapixel photo's latent would
  // add ~0.6 GB to the encoder's peak.
  const torch::Tensor values = residuals.to(torch::kFloat32).contiguous();
  const torch::Tensor weight = weights.to(torch::kFloat64).contiguous();
  const float* e = values.data_ptr<float>();
  const double* w = weight.data_ptr<double>();
  const int64_t plane = residuals.numel() / (residuals.size(0) * channels);
  for (size_t i = 0; i < symbols->size(); ++i) {
    const int32_t nearest = (*symbols)[i];
    if (nearest == 0) continue;
    const int32_t closer = nearest > 0 ? nearest - 1 : nearest + 1;
    const double channel_weight = w[(static_cast<int64_t>(i) / plane) % channels];
    const double nearest_error = double{e[i]} - nearest, closer_error = double{e[i]} - closer;
    const double nearest_cost = channel_weight * nearest_error * nearest_error + SymbolBits(table, indexes[i], nearest);
    const double closer_cost = channel_weight * closer_error * closer_error + SymbolBits(table, indexes[i], closer);
    if (closer_cost < nearest_cost) (*symbols)[i] = closer;
  }
  return Status::Ok();
}

}  // namespace lcodec::encoder
