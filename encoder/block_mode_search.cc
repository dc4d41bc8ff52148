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
                        size_t positions, BlockModeChoice* out) {
  if (positions == 0 || scale_indexes.size() % positions != 0 || intra_symbols.size() != scale_indexes.size() ||
      temporal_symbols.size() != scale_indexes.size())
    return Status::InvalidArgument("block mode search: latent sizes do not match");
  const SymbolCosts bits(y_table);
  // costs[p]: intra, temporal (for the current k) and skip bits of position p.
  std::vector<ModeCosts> costs(positions, ModeCosts{0, 0, 0});
  for (size_t value = 0; value < scale_indexes.size(); ++value) {
    ModeCosts& cost = costs[value % positions];
    cost[kIntraBlock] += bits.Bits(scale_indexes[value], intra_symbols[value]);
    if (temporal_symbols[value] != 0) cost[kSkipBlock] = std::numeric_limits<double>::infinity();
  }
  std::vector<int32_t> modes(positions);
  out->estimated_bits = std::numeric_limits<double>::infinity();
  for (int shift = 0; shift <= kMaxScaleShift; shift += 2) {
    for (ModeCosts& cost : costs) cost[kTemporalBlock] = 0;
    for (size_t value = 0; value < scale_indexes.size(); ++value) {
      const uint16_t index = static_cast<uint16_t>(std::max(int{scale_indexes[value]} - shift, 0));
      costs[value % positions][kTemporalBlock] += bits.Bits(index, temporal_symbols[value]);
    }
    std::array<size_t, kBlockModeCount> counts = PickModes(costs, ModeCosts{0, 0, 0}, &modes);
    ModeCosts map_bits;
    for (int mode = 0; mode < kBlockModeCount; ++mode)
      map_bits[mode] = -std::log2((counts[mode] + 0.5) / (positions + 1.5));
    counts = PickModes(costs, map_bits, &modes);
    std::array<uint16_t, kBlockModeCount> frequencies;
    LCODEC_RETURN_IF_ERROR(Frequencies(counts, &frequencies));
    double total = 0;
    for (size_t p = 0; p < positions; ++p)
      total += costs[p][modes[p]] + entropy::kCdfPrecision - std::log2(double(frequencies[modes[p]]));
    if (total < out->estimated_bits) {
      out->estimated_bits = total;
      out->scale_shift = shift;
      out->modes = modes;
      out->mode_frequencies = frequencies;
    }
  }
  return Status::Ok();
}

void CodedSymbols(const std::vector<int32_t>& intra_symbols, const std::vector<int32_t>& temporal_symbols,
                  const std::vector<int32_t>& modes, std::vector<int32_t>* out) {
  out->clear();
  for (size_t value = 0; value < intra_symbols.size(); ++value) {
    const int32_t mode = modes[value % modes.size()];
    if (mode == kIntraBlock) out->push_back(intra_symbols[value]);
    if (mode == kTemporalBlock) out->push_back(temporal_symbols[value]);
  }
}

}  // namespace lcodec::encoder
