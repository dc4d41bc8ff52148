#include "runtime/block_modes.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace lcodec::runtime {

Status ModeTable(const std::array<uint16_t, kBlockModeCount>& frequencies, entropy::CdfTable* out) {
  std::vector<uint32_t> cdf = {0};
  for (const uint16_t frequency : frequencies) {
    if (frequency == 0) return Status::Corrupt("a block mode has frequency 0");
    cdf.push_back(cdf.back() + frequency);
  }
  if (cdf.back() >= entropy::kCdfTotal)
    return Status::Corrupt("block mode frequencies sum to " + std::to_string(cdf.back()) + ", more than " +
                           std::to_string(entropy::kCdfTotal - 1));
  cdf.push_back(entropy::kCdfTotal);
  return entropy::CdfTable::Create({cdf}, {0}, out);
}

Status CheckModes(const std::vector<int32_t>& modes) {
  for (const int32_t mode : modes)
    if (mode < 0 || mode >= kBlockModeCount) return Status::Corrupt("block mode map holds an invalid mode");
  return Status::Ok();
}

void CodedSymbolIndexes(const std::vector<uint16_t>& scale_indexes, const std::vector<int32_t>& modes,
                        int scale_shift, std::vector<uint16_t>* out) {
  out->clear();
  const size_t positions = modes.size();
  for (size_t value = 0; value < scale_indexes.size(); ++value) {
    const int32_t mode = modes[value % positions];
    if (mode == kSkipBlock) continue;
    const int index = scale_indexes[value];
    out->push_back(static_cast<uint16_t>(mode == kTemporalBlock ? std::max(index - scale_shift, 0) : index));
  }
}

torch::Tensor ReconstructLatent(const std::vector<int32_t>& symbols, const torch::Tensor& means,
                                const torch::Tensor& reference, const std::vector<int32_t>& modes) {
  const torch::Tensor mu = means.contiguous(), ref = reference.contiguous();
  torch::Tensor y_hat = torch::empty_like(mu);
  const float* mean = mu.data_ptr<float>();
  const float* previous = ref.data_ptr<float>();
  float* out = y_hat.data_ptr<float>();
  const size_t positions = modes.size();
  size_t coded = 0;
  for (int64_t value = 0; value < mu.numel(); ++value) coded += modes[value % positions] != kSkipBlock;
  if (coded != symbols.size() || ref.numel() != mu.numel())
    throw std::invalid_argument("block modes: the symbols or the reference do not match the mode map");
  size_t next = 0;  // the next coded symbol
  for (int64_t value = 0; value < mu.numel(); ++value) {
    switch (modes[value % positions]) {
      case kIntraBlock: out[value] = static_cast<float>(symbols[next++]) + mean[value]; break;
      case kTemporalBlock: out[value] = static_cast<float>(symbols[next++]) + previous[value]; break;
      default: out[value] = previous[value]; break;
    }
  }
  return y_hat;
}

}  // namespace lcodec::runtime
