#include "entropy/cdf_table.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <utility>

namespace lcodec::entropy {
namespace {

// Lookup buckets per CDF: about two per symbol, so the forward scan in
// IntervalAt rarely takes more than a step, but at most 1 << 10 so that 64
// CDFs of wide Gaussians cost ~128 KiB rather than megabytes.
constexpr int kMaxLutBits = 10;

int LutBits(uint32_t symbols) {
  int bits = 1;
  while (bits < kMaxLutBits && (uint32_t{1} << bits) < 2 * symbols) ++bits;
  return bits;
}

Status CheckCdf(const std::vector<uint32_t>& cdf, int32_t offset, size_t i) {
  const std::string where = "CDF " + std::to_string(i) + ": ";
  if (cdf.size() < 3) return Status::InvalidArgument(where + "needs at least one value and the escape");
  if (cdf.size() - 2 > kMaxCdfSymbols) return Status::InvalidArgument(where + "too many symbols");
  if (cdf.front() != 0) return Status::InvalidArgument(where + "does not start at 0");
  if (cdf.back() != kCdfTotal) return Status::InvalidArgument(where + "does not end at 65536");
  for (size_t k = 1; k < cdf.size(); ++k) {
    if (cdf[k] <= cdf[k - 1]) {
      return Status::InvalidArgument(where + "not strictly increasing at entry " + std::to_string(k));
    }
  }
  const int64_t end = int64_t{offset} + static_cast<int64_t>(cdf.size() - 2);
  if (end > std::numeric_limits<int32_t>::max()) return Status::InvalidArgument(where + "offset + size overflows int32");
  return Status::Ok();
}

// The quantization documented in cdf_table.h, for one pmf plus its tail.
Status QuantizePmf(const std::vector<double>& pmf, double tail_mass, size_t i, std::vector<uint32_t>* cdf) {
  const std::string where = "pmf " + std::to_string(i) + ": ";
  // Checked before Create sees the result, because a huge pmf would make the
  // arithmetic below meaningless (65536 - n' < 0).
  if (pmf.empty() || pmf.size() > kMaxCdfSymbols) return Status::InvalidArgument(where + "bad number of entries");
  std::vector<double> p(pmf);
  p.push_back(tail_mass);
  double total = 0;
  for (double v : p) {
    if (!std::isfinite(v) || v < 0) return Status::InvalidArgument(where + "negative, NaN or infinite probability");
    total += v;
  }
  if (!(total > 0) || !std::isfinite(total)) return Status::InvalidArgument(where + "total probability is not positive");

  const size_t n = p.size();
  const double spread = static_cast<double>(kCdfTotal - n);
  std::vector<uint32_t> freq(n);
  int64_t remaining = kCdfTotal;
  for (size_t k = 0; k < n; ++k) {
    freq[k] = 1 + static_cast<uint32_t>(std::floor(p[k] / total * spread));
    remaining -= freq[k];
  }
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&p](size_t a, size_t b) { return p[a] > p[b]; });
  for (int64_t r = 0; r < remaining; ++r) ++freq[order[static_cast<size_t>(r) % n]];

  cdf->assign(n + 1, 0);
  for (size_t k = 0; k < n; ++k) (*cdf)[k + 1] = (*cdf)[k] + freq[k];
  return Status::Ok();
}

}  // namespace

Status CdfTable::Create(std::vector<std::vector<uint32_t>> cdfs, std::vector<int32_t> offsets, CdfTable* out) {
  if (cdfs.empty()) return Status::InvalidArgument("CDF table is empty");
  if (cdfs.size() > kMaxCdfs) return Status::InvalidArgument("CDF table has more than 65536 CDFs");
  if (offsets.size() != cdfs.size()) return Status::InvalidArgument("CDF table needs one offset per CDF");
  size_t total_values = 0;
  for (size_t i = 0; i < cdfs.size(); ++i) {
    LCODEC_RETURN_IF_ERROR(CheckCdf(cdfs[i], offsets[i], i));
    total_values += cdfs[i].size();
  }
  // CdfInfo locates each CDF with 32-bit positions; lut_ has < 4 entries per value.
  if (total_values > std::numeric_limits<uint32_t>::max() / 4) return Status::InvalidArgument("CDF table too large");

  CdfTable table;
  table.infos_.resize(cdfs.size());
  for (size_t i = 0; i < cdfs.size(); ++i) {
    const std::vector<uint32_t>& cdf = cdfs[i];
    const uint32_t escape = static_cast<uint32_t>(cdf.size() - 2);
    const int lut_bits = LutBits(escape + 1);
    CdfInfo& info = table.infos_[i];
    info.cdf_begin = static_cast<uint32_t>(table.cdf_values_.size());
    info.lut_begin = static_cast<uint32_t>(table.lut_.size());
    info.offset = offsets[i];
    info.escape = static_cast<uint16_t>(escape);
    info.lut_shift = static_cast<uint8_t>(kCdfPrecision - lut_bits);

    table.cdf_values_.insert(table.cdf_values_.end(), cdf.begin(), cdf.end());
    uint32_t s = 0;
    for (uint32_t bucket = 0; bucket < (uint32_t{1} << lut_bits); ++bucket) {
      const uint32_t first_slot = bucket << info.lut_shift;
      while (cdf[s + 1] <= first_slot) ++s;
      table.lut_.push_back(static_cast<uint16_t>(s));
    }
  }
  *out = std::move(table);
  return Status::Ok();
}

Status CdfTable::FromPmfs(const std::vector<std::vector<double>>& pmfs, const std::vector<double>& tail_masses,
                          std::vector<int32_t> offsets, CdfTable* out) {
  if (tail_masses.size() != pmfs.size()) return Status::InvalidArgument("need one tail mass per pmf");
  std::vector<std::vector<uint32_t>> cdfs(pmfs.size());
  for (size_t i = 0; i < pmfs.size(); ++i) LCODEC_RETURN_IF_ERROR(QuantizePmf(pmfs[i], tail_masses[i], i, &cdfs[i]));
  return Create(std::move(cdfs), std::move(offsets), out);
}

Status ChannelIndexes(int channels, size_t plane_size, std::vector<uint16_t>* out) {
  if (channels < 0 || static_cast<size_t>(channels) > kMaxCdfs) {
    return Status::InvalidArgument("channel count must be in [0, 65536]");
  }
  if (channels > 0 && plane_size > std::numeric_limits<size_t>::max() / static_cast<size_t>(channels)) {
    return Status::InvalidArgument("channels x plane size overflows");
  }
  out->clear();
  out->reserve(static_cast<size_t>(channels) * plane_size);
  for (int c = 0; c < channels; ++c) out->insert(out->end(), plane_size, static_cast<uint16_t>(c));
  return Status::Ok();
}

}  // namespace lcodec::entropy
