// CdfTable: the quantized cumulative distributions the range coder codes with.
//
// A learned codec predicts, for every latent symbol, which distribution it
// follows (a Gaussian of some scale, or a channel's factorized prior). The
// model file carries those distributions as integer CDFs written by Python at
// export time; the encoder and the decoder both use them exactly as stored,
// so they agree bit for bit by construction. Nothing here recomputes floats
// for real coding: FromPmfs serves tests, the benchmark and the video
// encoder's mode maps (whose frequencies the stream then carries), and the
// exporter mirrors it in numpy.
//
// CDF i codes the integer values offset[i] .. offset[i] + n_i - 1 as symbols
// 0 .. n_i - 1, plus one escape symbol n_i that stands for every value
// outside that range (the escaped value itself follows as raw bits; see
// entropy/rans.h). Its stored form is n_i + 2 values
//   0 = c_0 < c_1 < ... < c_{n_i + 1} = kCdfTotal,
// symbol k having frequency c_{k+1} - c_k >= 1: no symbol is impossible, so
// any int32 value can be coded with any CDF.
#ifndef LCODEC_ENTROPY_CDF_TABLE_H_
#define LCODEC_ENTROPY_CDF_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/status.h"

namespace lcodec::entropy {

// Frequencies are out of 1 << 16: fine enough that quantizing probabilities
// costs well under 0.1% on real latents, coarse enough that a symbol start
// and frequency each fit 16 bits.
inline constexpr int kCdfPrecision = 16;
inline constexpr uint32_t kCdfTotal = 1u << kCdfPrecision;

// n_i + 1 symbols of frequency >= 1 must fit in kCdfTotal.
inline constexpr uint32_t kMaxCdfSymbols = kCdfTotal - 1;

// Symbols pick their CDF by a uint16_t index.
inline constexpr size_t kMaxCdfs = size_t{1} << 16;

class CdfTable {
 public:
  // Validates `cdfs` and `offsets` (one per CDF) against the rules above,
  // plus: 1 <= n_i <= kMaxCdfSymbols, offsets[i] + n_i <= INT32_MAX, and at
  // most kMaxCdfs CDFs. Builds the decoder's lookup tables. On failure
  // returns InvalidArgument and leaves `out` untouched.
  static Status Create(std::vector<std::vector<uint32_t>> cdfs, std::vector<int32_t> offsets, CdfTable* out);

  // Quantizes probability mass functions into a table. pmfs[i][k] is the
  // (unnormalized) probability of value offsets[i] + k; tail_masses[i] that
  // of the escape. The algorithm, which the Python exporter reproduces
  // exactly in IEEE double arithmetic, is, for each CDF:
  //
  //   p   = pmf followed by tail_mass                 (n' = n + 1 entries)
  //   T   = p[0] + p[1] + ... + p[n'-1], summed left to right
  //         (numpy: np.cumsum(p)[-1]; np.sum adds pairwise and can differ)
  //   freq[k] = 1 + floor(p[k] / T * (65536 - n'))    (divide, then multiply)
  //   R   = 65536 - sum(freq)                          (0 <= R <= n')
  //   order = symbols by decreasing p, ties by lower index first
  //         (numpy: np.argsort(-p, kind="stable"))
  //   freq[order[r % n']] += 1 for r = 0 .. R-1       (np.add.at)
  //   cdf = [0, freq[0], freq[0] + freq[1], ...]     (n' + 1 entries)
  //
  // Every frequency is >= 1 and they sum to 65536. Rejects (InvalidArgument)
  // negative, NaN or infinite probabilities, an all-zero p, and anything
  // Create rejects.
  static Status FromPmfs(const std::vector<std::vector<double>>& pmfs, const std::vector<double>& tail_masses,
                         std::vector<int32_t> offsets, CdfTable* out);

  size_t size() const { return infos_.size(); }
  int32_t offset(size_t i) const { return infos_[i].offset; }
  // n_i: the number of values coded without escape, which is also the
  // escape's symbol number.
  uint32_t symbol_count(size_t i) const { return infos_[i].escape; }
  // The n_i + 2 stored CDF values.
  const uint32_t* cdf(size_t i) const { return cdf_values_.data() + infos_[i].cdf_begin; }

  // What the coder needs of one symbol: its interval [start, start + freq)
  // out of kCdfTotal, and the value it stands for unless it is the escape.
  struct Interval {
    uint32_t start;
    uint32_t freq;
    int32_t value;  // meaningless when escape
    bool escape;
  };

  // The interval that codes `value` with CDF i: the value's own, or the
  // escape's when the value is outside the CDF's range. i < size().
  Interval IntervalOf(size_t i, int32_t value) const {
    const CdfInfo& info = infos_[i];
    const uint32_t* c = cdf_values_.data() + info.cdf_begin;
    // Unsigned wrap-around folds "below offset" into "too large".
    uint32_t s = static_cast<uint32_t>(value) - static_cast<uint32_t>(info.offset);
    const bool escape = s >= info.escape;
    if (escape) s = info.escape;
    return {c[s], c[s + 1] - c[s], value, escape};
  }

  // The interval of CDF i that holds `slot` (< kCdfTotal). i < size().
  // Inline because the decoder calls it for every symbol.
  Interval IntervalAt(size_t i, uint32_t slot) const {
    const CdfInfo& info = infos_[i];
    const uint32_t* c = cdf_values_.data() + info.cdf_begin;
    uint32_t s = lut_[info.lut_begin + (slot >> info.lut_shift)];
    while (c[s + 1] <= slot) ++s;
    // offset + s cannot overflow: Create checked offset + n_i <= INT32_MAX.
    return {c[s], c[s + 1] - c[s], info.offset + static_cast<int32_t>(s), s == info.escape};
  }

 private:
  struct CdfInfo {
    uint32_t cdf_begin;  // first value in cdf_values_
    uint32_t lut_begin;  // first entry in lut_
    int32_t offset;
    uint16_t escape;     // n_i
    uint8_t lut_shift;   // slot >> lut_shift is the bucket
  };

  // All CDFs back to back, so lookups touch one array, not one per CDF.
  std::vector<uint32_t> cdf_values_;
  // Decode acceleration: CDF i splits [0, kCdfTotal) into buckets of
  // 1 << lut_shift slots, and lut_ holds, per bucket, the symbol covering its
  // first slot. IntervalAt starts there and scans forward, which is short
  // because a bucket is sized to hold about half a symbol on average. Sizes
  // are capped so that a table of ~64 Gaussian CDFs stays in L2.
  std::vector<uint16_t> lut_;
  std::vector<CdfInfo> infos_;
};

// Indexes for a factorized prior over a channel-major (C x H x W) tensor:
// every symbol of channel c uses CDF c. Fills `out` with channels *
// plane_size entries; InvalidArgument unless 0 <= channels <= kMaxCdfs.
Status ChannelIndexes(int channels, size_t plane_size, std::vector<uint16_t>* out);

}  // namespace lcodec::entropy

#endif  // LCODEC_ENTROPY_CDF_TABLE_H_
