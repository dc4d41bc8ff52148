#include "encoder/latent_symbols.h"

#include <climits>
#include <cmath>

namespace lcodec::encoder {

Status ToSymbols(const torch::Tensor& values, std::vector<int32_t>* out) {
  torch::Tensor rounded = values.round().contiguous();
  if (!torch::isfinite(rounded).all().item<bool>()) return Status::InvalidArgument("model produced a non-finite latent");
  rounded = rounded.clamp(INT32_MIN, INT32_MAX).to(torch::kInt32).contiguous();
  out->assign(rounded.data_ptr<int32_t>(), rounded.data_ptr<int32_t>() + rounded.numel());
  return Status::Ok();
}

double SymbolBits(const entropy::CdfTable& table, uint16_t index, int32_t value) {
  return entropy::kCdfPrecision - std::log2(static_cast<double>(table.IntervalOf(index, value).freq));
}

double EstimatedBits(const entropy::CdfTable& table, const std::vector<int32_t>& values,
                     const std::vector<uint16_t>& indexes) {
  double bits = 0;
  for (size_t i = 0; i < values.size(); ++i) bits += SymbolBits(table, indexes[i], values[i]);
  return bits;
}

}  // namespace lcodec::encoder
