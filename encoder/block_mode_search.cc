#include "encoder/block_mode_search.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace lcodec::encoder {
namespace {

using runtime::kBlockModeCount;
using runtime::kIntraBlock;
using runtime::kSkipBlock;
using runtime::kTemporalBlock;
using ModeCosts = std::array<double, kBlockModeCount>;

// Bits of coding a value with a CDF, by table lookup: the search prices
// every latent value once per scale shift. Escaped values are priced at
// the escape's bits plus the 6-bit escape header (their raw bits, rare, are
// left out).
class SymbolCosts {
 public:
  explicit SymbolCosts(const entropy::CdfTable& table) : table_(table), log2_(Log2Table()) {}
  float Bits(uint16_t index, int32_t value) const {
    const entropy::CdfTable::Interval in = table_.IntervalOf(index, value);
    return static_cast<float>(entropy::kCdfPrecision) - log2_[in.freq] + (in.escape ? 6.0f : 0.0f);
  }

 private:
  // log2 of every frequency, computed once per process.
  static const std::vector<float>& Log2Table() {
    static const std::vector<float> table = [] {
      std::vector<float> log2(entropy::kCdfTotal + 1);
      for (size_t freq = 1; freq < log2.size(); ++freq) log2[freq] = static_cast<float>(std::log2(double(freq)));
      return log2;
    }();
    return table;
  }

  const entropy::CdfTable& table_;
  const std::vector<float>& log2_;
};

// The mode map's frequencies for these mode counts, as the coder will use them.
Status Frequencies(const std::array<size_t, kBlockModeCount>& counts,
                   std::array<uint16_t, kBlockModeCount>* out) {
  entropy::CdfTable table;
  LCODEC_RETURN_IF_ERROR(entropy::CdfTable::FromPmfs({{double(counts[0]), double(counts[1]), double(counts[2])}},
                                                     {0.0}, {0}, &table));
  const uint32_t* cdf = table.cdf(0);
  for (int mode = 0; mode < kBlockModeCount; ++mode) (*out)[mode] = static_cast<uint16_t>(cdf[mode + 1] - cdf[mode]);
  return Status::Ok();
}

// Picks each position's cheapest mode with `extra[mode]` bits added; returns the counts.
std::array<size_t, kBlockModeCount> PickModes(const std::vector<ModeCosts>& costs, const ModeCosts& extra,
                                              std::vector<int32_t>* modes) {
  std::array<size_t, kBlockModeCount> counts{};
  for (size_t p = 0; p < costs.size(); ++p) {
    int best = kIntraBlock;
    for (int mode = 1; mode < kBlockModeCount; ++mode)
      if (costs[p][mode] + extra[mode] < costs[p][best] + extra[best]) best = mode;
    (*modes)[p] = best;
    ++counts[best];
  }
  return counts;
}

}  // namespace

Status ChooseBlockModes(const entropy::CdfTable& y_table, const std::vector<uint16_t>& scale_indexes,
                        const std::vector<int32_t>& intra_symbols, const std::vector<int32_t>& temporal_symbols,
                        size_t positions, const ModeDistortions* distortions, BlockModeChoice* out) {
  if (positions == 0 || scale_indexes.size() % positions != 0 || intra_symbols.size() != scale_indexes.size() ||
      temporal_symbols.size() != scale_indexes.size())
    return Status::InvalidArgument("block mode search: latent sizes do not match");
  if (distortions && (distortions->intra.size() != positions || distortions->temporal.size() != positions ||
                      distortions->skip.size() != positions))
    return Status::InvalidArgument("block mode search: distortions do not match the latent");
  const SymbolCosts bits(y_table);
  // bits[p] and distortion[p]: each mode's symbol bits (temporal ones for
  // the current k) and distortion at position p.
  std::vector<ModeCosts> symbol_bits(positions, ModeCosts{0, 0, 0}), distortion(positions, ModeCosts{0, 0, 0});
  for (size_t p = 0; distortions && p < positions; ++p)
    distortion[p] = {distortions->intra[p], distortions->temporal[p], distortions->skip[p]};
  for (size_t value = 0; value < scale_indexes.size(); ++value) {
    const size_t p = value % positions;
    symbol_bits[p][kIntraBlock] += bits.Bits(scale_indexes[value], intra_symbols[value]);
    if (!distortions && temporal_symbols[value] != 0) distortion[p][kSkipBlock] = std::numeric_limits<double>::infinity();
  }
  std::vector<ModeCosts> costs(positions);
  std::vector<int32_t> modes(positions);
  double best_cost = std::numeric_limits<double>::infinity();
  for (int shift = 0; shift <= kMaxScaleShift; shift += 2) {
    for (ModeCosts& cost : symbol_bits) cost[kTemporalBlock] = 0;
    for (size_t value = 0; value < scale_indexes.size(); ++value) {
      const uint16_t index = static_cast<uint16_t>(std::max(int{scale_indexes[value]} - shift, 0));
      symbol_bits[value % positions][kTemporalBlock] += bits.Bits(index, temporal_symbols[value]);
    }
    for (size_t p = 0; p < positions; ++p)
      for (int mode = 0; mode < kBlockModeCount; ++mode) costs[p][mode] = symbol_bits[p][mode] + distortion[p][mode];
    std::array<size_t, kBlockModeCount> counts = PickModes(costs, ModeCosts{0, 0, 0}, &modes);
    ModeCosts map_bits;
    for (int mode = 0; mode < kBlockModeCount; ++mode)
      map_bits[mode] = -std::log2((counts[mode] + 0.5) / (positions + 1.5));
    counts = PickModes(costs, map_bits, &modes);
    std::array<uint16_t, kBlockModeCount> frequencies;
    LCODEC_RETURN_IF_ERROR(Frequencies(counts, &frequencies));
    double total_cost = 0, total_bits = 0, total_map_bits = 0;
    for (size_t p = 0; p < positions; ++p) {
      const int mode = modes[p];
      const double mode_bits = entropy::kCdfPrecision - std::log2(double(frequencies[mode]));
      total_cost += costs[p][mode] + mode_bits;
      total_bits += symbol_bits[p][mode] + mode_bits;
      total_map_bits += mode_bits;
    }
    if (total_cost < best_cost) {
      best_cost = total_cost;
      out->estimated_bits = total_bits;
      out->mode_map_bits = total_map_bits;
      out->scale_shift = shift;
      out->modes = modes;
      out->mode_frequencies = frequencies;
    }
  }
  return Status::Ok();
}

torch::Tensor CodedResiduals(const torch::Tensor& intra_residuals, const torch::Tensor& temporal_residuals,
                             const std::vector<int32_t>& modes) {
  const int64_t channels = intra_residuals.size(1), positions = static_cast<int64_t>(modes.size());
  const torch::Tensor mode_map =
      torch::tensor(torch::ArrayRef<int32_t>(modes.data(), modes.size()), torch::kInt32).reshape({1, 1, positions});
  const torch::Tensor chosen = torch::where(mode_map == kIntraBlock, intra_residuals.reshape({1, channels, -1}),
                                            temporal_residuals.reshape({1, channels, -1}));
  return chosen.index_select(2, torch::nonzero(mode_map.reshape({-1}) != kSkipBlock).reshape({-1})).contiguous();
}

}  // namespace lcodec::encoder
