#include "tests/entropy/test_util.h"

#include <gtest/gtest.h>

#include <limits>

namespace lcodec::entropy {

CdfTable RandomTable(std::mt19937_64* rng, int count, int max_symbols) {
  std::uniform_int_distribution<int> size(1, max_symbols);
  std::uniform_int_distribution<int32_t> offset(-1000, 1000);
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<std::vector<double>> pmfs(count);
  std::vector<double> tails(count);
  std::vector<int32_t> offsets(count);
  for (int i = 0; i < count; ++i) {
    const int n = size(*rng);
    for (int k = 0; k < n; ++k) {
      const double u = unit(*rng);
      pmfs[i].push_back(u < 0.1 ? 0.0 : u < 0.2 ? 1e-12 * u : u * u);
    }
    tails[i] = unit(*rng) < 0.5 ? 0.0 : 1e-3 * unit(*rng);
    offsets[i] = offset(*rng) - n / 2;
  }
  CdfTable table;
  const Status status = CdfTable::FromPmfs(pmfs, tails, offsets, &table);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return table;
}

int32_t RandomEscape(const CdfTable& table, size_t i, std::mt19937_64* rng) {
  const int64_t low = table.offset(i);
  const int64_t high = low + table.symbol_count(i) - 1;
  // Magnitudes spread over all bit lengths, so every raw-bit chunking occurs.
  const int64_t distance = static_cast<int64_t>((*rng)() >> ((*rng)() % 64));
  const bool above = (*rng)() & 1;
  const int64_t value = above ? high + 1 + distance : low - 1 - distance;
  if (value > std::numeric_limits<int32_t>::max()) return std::numeric_limits<int32_t>::max();
  if (value < std::numeric_limits<int32_t>::min()) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(value);
}

Symbols RandomSymbols(const CdfTable& table, size_t count, int escape_every, std::mt19937_64* rng) {
  Symbols s;
  s.values.resize(count);
  s.indexes.resize(count);
  std::uniform_int_distribution<size_t> index(0, table.size() - 1);
  std::uniform_int_distribution<uint32_t> slot(0, kCdfTotal - 1);
  std::uniform_int_distribution<int> escape(0, escape_every - 1);
  for (size_t k = 0; k < count; ++k) {
    const size_t i = index(*rng);
    const CdfTable::Interval in = table.IntervalAt(i, slot(*rng));
    s.indexes[k] = static_cast<uint16_t>(i);
    s.values[k] = in.escape || escape(*rng) == 0 ? RandomEscape(table, i, rng) : in.value;
  }
  return s;
}

}  // namespace lcodec::entropy
