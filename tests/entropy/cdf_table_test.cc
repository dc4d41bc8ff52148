#include "entropy/cdf_table.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace lcodec::entropy {
namespace {

using Cdf = std::vector<uint32_t>;

Status CreateOne(Cdf cdf, int32_t offset) {
  CdfTable table;
  return CdfTable::Create({std::move(cdf)}, {offset}, &table);
}

Cdf CdfOf(const CdfTable& table, size_t i) {
  const uint32_t* c = table.cdf(i);
  return Cdf(c, c + table.symbol_count(i) + 2);
}

// Checks the invariants every CDF must keep and returns the frequencies.
std::vector<uint32_t> CheckedFrequencies(const CdfTable& table, size_t i) {
  const Cdf cdf = CdfOf(table, i);
  EXPECT_EQ(cdf.front(), 0u);
  EXPECT_EQ(cdf.back(), kCdfTotal);
  std::vector<uint32_t> freq;
  for (size_t k = 1; k < cdf.size(); ++k) {
    EXPECT_GE(cdf[k], cdf[k - 1] + 1) << "zero frequency for symbol " << k - 1 << " of CDF " << i;
    freq.push_back(cdf[k] - cdf[k - 1]);
  }
  return freq;
}

TEST(CdfTableTest, CreateKeepsTheTableAsGiven) {
  CdfTable table;
  const Cdf a = {0, 100, 65000, 65536};
  const Cdf b = {0, 1, 65536};
  ASSERT_TRUE(CdfTable::Create({a, b}, {-1, 7}, &table).ok());
  ASSERT_EQ(table.size(), 2u);
  EXPECT_EQ(table.offset(0), -1);
  EXPECT_EQ(table.offset(1), 7);
  EXPECT_EQ(table.symbol_count(0), 2u);
  EXPECT_EQ(table.symbol_count(1), 1u);
  EXPECT_EQ(CdfOf(table, 0), a);
  EXPECT_EQ(CdfOf(table, 1), b);
}

TEST(CdfTableTest, IntervalsOfValuesAndEscapes) {
  CdfTable table;
  ASSERT_TRUE(CdfTable::Create({{0, 100, 65000, 65536}}, {-1}, &table).ok());
  const CdfTable::Interval first = table.IntervalOf(0, -1);
  EXPECT_EQ(first.start, 0u);
  EXPECT_EQ(first.freq, 100u);
  EXPECT_FALSE(first.escape);
  const CdfTable::Interval last = table.IntervalOf(0, 0);
  EXPECT_EQ(last.start, 100u);
  EXPECT_EQ(last.freq, 64900u);
  EXPECT_FALSE(last.escape);
  for (int32_t v : {-2, 1, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()}) {
    const CdfTable::Interval escape = table.IntervalOf(0, v);
    EXPECT_TRUE(escape.escape) << v;
    EXPECT_EQ(escape.start, 65000u);
    EXPECT_EQ(escape.freq, 536u);
  }
}

TEST(CdfTableTest, IntervalAtFindsTheSymbolOfEverySlot) {
  std::mt19937_64 rng(7);
  // Sizes from 1 symbol to past the lookup table's cap of 1024 buckets.
  for (int n : {1, 2, 3, 17, 200, 511, 513, 3000, 65535}) {
    std::vector<double> pmf(n);
    for (double& p : pmf) p = std::uniform_real_distribution<double>(0, 1)(rng);
    CdfTable table;
    ASSERT_TRUE(CdfTable::FromPmfs({pmf}, {0.01}, {-5}, &table).ok());
    const Cdf cdf = CdfOf(table, 0);
    uint32_t s = 0;
    for (uint32_t slot = 0; slot < kCdfTotal; ++slot) {
      while (cdf[s + 1] <= slot) ++s;
      const CdfTable::Interval in = table.IntervalAt(0, slot);
      ASSERT_EQ(in.start, cdf[s]) << "n=" << n << " slot=" << slot;
      ASSERT_EQ(in.freq, cdf[s + 1] - cdf[s]);
      ASSERT_EQ(in.escape, s == static_cast<uint32_t>(n));
      if (!in.escape) {
        ASSERT_EQ(in.value, -5 + static_cast<int32_t>(s));
      }
    }
  }
}

TEST(CdfTableTest, CreateRejectsBadTables) {
  CdfTable table;
  EXPECT_FALSE(CdfTable::Create({}, {}, &table).ok());
  EXPECT_FALSE(CdfTable::Create({{0, 1, 65536}}, {}, &table).ok());
  EXPECT_FALSE(CdfTable::Create({{0, 1, 65536}}, {0, 0}, &table).ok());
  EXPECT_FALSE(CreateOne({}, 0).ok());
  EXPECT_FALSE(CreateOne({0, 65536}, 0).ok()) << "an escape alone codes no value";
  EXPECT_FALSE(CreateOne({1, 2, 65536}, 0).ok()) << "must start at 0";
  EXPECT_FALSE(CreateOne({0, 2, 65535}, 0).ok()) << "must end at 65536";
  EXPECT_FALSE(CreateOne({0, 2, 65537}, 0).ok()) << "must end at 65536";
  EXPECT_FALSE(CreateOne({0, 0, 65536}, 0).ok()) << "zero frequency";
  EXPECT_FALSE(CreateOne({0, 5, 5, 65536}, 0).ok()) << "zero frequency";
  EXPECT_FALSE(CreateOne({0, 7, 5, 65536}, 0).ok()) << "decreasing";
  const int32_t max = std::numeric_limits<int32_t>::max();
  EXPECT_TRUE(CreateOne({0, 1, 2, 65536}, max - 2).ok());
  EXPECT_FALSE(CreateOne({0, 1, 2, 65536}, max - 1).ok()) << "offset + n overflows";
  EXPECT_TRUE(CreateOne({0, 1, 2, 65536}, std::numeric_limits<int32_t>::min()).ok());

  Cdf widest(kCdfTotal + 1);
  for (uint32_t k = 0; k <= kCdfTotal; ++k) widest[k] = k;
  EXPECT_TRUE(CreateOne(widest, 0).ok()) << "65535 values of frequency 1 plus the escape";
  widest.push_back(kCdfTotal + 1);
  EXPECT_FALSE(CreateOne(widest, 0).ok());

  std::vector<Cdf> many(kMaxCdfs + 1, Cdf{0, 1, 65536});
  std::vector<int32_t> offsets(kMaxCdfs + 1, 0);
  EXPECT_FALSE(CdfTable::Create(many, offsets, &table).ok());
  many.pop_back();
  offsets.pop_back();
  EXPECT_TRUE(CdfTable::Create(many, offsets, &table).ok());
}

TEST(CdfTableTest, FailedCreateLeavesTheTableAlone) {
  CdfTable table;
  ASSERT_TRUE(CdfTable::Create({{0, 1, 65536}}, {3}, &table).ok());
  EXPECT_FALSE(CdfTable::Create({{0, 0, 65536}}, {4}, &table).ok());
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.offset(0), 3);
}

// Worked examples of the algorithm documented in cdf_table.h, which the
// Python exporter must reproduce.
TEST(CdfTableTest, FromPmfsFollowsTheDocumentedAlgorithm) {
  CdfTable table;
  // No remainder: 1 + floor({.5, .25, .25, 0} * 65532).
  ASSERT_TRUE(CdfTable::FromPmfs({{0.5, 0.25, 0.25}}, {0.0}, {0}, &table).ok());
  EXPECT_EQ(CdfOf(table, 0), (Cdf{0, 32767, 49151, 65535, 65536}));
  // 1 + floor({.75, .25, 0} * 65533) = {49150, 16384, 1}: one unit left, for
  // the most probable symbol.
  ASSERT_TRUE(CdfTable::FromPmfs({{3, 1}}, {0.0}, {0}, &table).ok());
  EXPECT_EQ(CdfOf(table, 0), (Cdf{0, 49151, 65535, 65536}));
  // A tie for the leftover unit goes to the lower index.
  ASSERT_TRUE(CdfTable::FromPmfs({{1, 1}}, {0.0}, {0}, &table).ok());
  EXPECT_EQ(CdfOf(table, 0), (Cdf{0, 32768, 65535, 65536}));
  // The tail mass is the escape's probability.
  ASSERT_TRUE(CdfTable::FromPmfs({{1}}, {1}, {0}, &table).ok());
  EXPECT_EQ(CdfOf(table, 0), (Cdf{0, 32768, 65536}));
}

TEST(CdfTableTest, FromPmfsNeverGivesZeroFrequency) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> unit(0, 1);
  const double tiny = std::numeric_limits<double>::denorm_min();
  std::vector<std::vector<double>> pmfs = {
      {1.0},
      {0.0},                      // all mass on the escape
      {1.0, 0.0, 0.0, 0.0},       // zeros get the minimum
      {tiny, 1.0, tiny},
      {1e300, 1e-300, 1e300},     // extreme dynamic range
      std::vector<double>(65534, 1.0),  // widest: every frequency 1 or 2
  };
  std::vector<double> tails = {0.0, 1.0, 0.0, tiny, 0.0, 0.0};
  for (int r = 0; r < 200; ++r) {
    std::vector<double> pmf(1 + rng() % 2000);
    for (double& p : pmf) {
      const double u = unit(rng);
      p = u < 0.3 ? 0.0 : std::pow(u, 40);
    }
    pmfs.push_back(pmf);
    tails.push_back(unit(rng) < 0.5 ? 0.0 : std::pow(unit(rng), 20));
  }
  CdfTable table;
  const Status status = CdfTable::FromPmfs(pmfs, tails, std::vector<int32_t>(pmfs.size(), -3), &table);
  ASSERT_TRUE(status.ok()) << status.ToString();
  for (size_t i = 0; i < table.size(); ++i) {
    const std::vector<uint32_t> freq = CheckedFrequencies(table, i);
    ASSERT_EQ(freq.size(), pmfs[i].size() + 1);
  }
}

TEST(CdfTableTest, FromPmfsIsCloseToThePmf) {
  const std::vector<double> pmf = {0.1, 0.2, 0.3, 0.4};
  CdfTable table;
  ASSERT_TRUE(CdfTable::FromPmfs({pmf}, {0.0}, {0}, &table).ok());
  const std::vector<uint32_t> freq = CheckedFrequencies(table, 0);
  for (size_t k = 0; k < pmf.size(); ++k) EXPECT_NEAR(freq[k] / 65536.0, pmf[k], 1e-4);
  EXPECT_EQ(freq.back(), 1u);
}

TEST(CdfTableTest, FromPmfsRejectsBadPmfs) {
  CdfTable table;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_FALSE(CdfTable::FromPmfs({}, {}, {}, &table).ok());
  EXPECT_FALSE(CdfTable::FromPmfs({{1.0}}, {}, {0}, &table).ok());
  EXPECT_FALSE(CdfTable::FromPmfs({{}}, {0.5}, {0}, &table).ok());
  EXPECT_FALSE(CdfTable::FromPmfs({{0.5, -0.1}}, {0.0}, {0}, &table).ok());
  EXPECT_FALSE(CdfTable::FromPmfs({{0.5, nan}}, {0.0}, {0}, &table).ok());
  EXPECT_FALSE(CdfTable::FromPmfs({{0.5, inf}}, {0.0}, {0}, &table).ok());
  EXPECT_FALSE(CdfTable::FromPmfs({{0.5}}, {nan}, {0}, &table).ok());
  EXPECT_FALSE(CdfTable::FromPmfs({{0.0, 0.0}}, {0.0}, {0}, &table).ok());
  EXPECT_FALSE(CdfTable::FromPmfs({{1e308, 1e308}}, {0.0}, {0}, &table).ok()) << "total overflows";
  EXPECT_FALSE(CdfTable::FromPmfs({std::vector<double>(65536, 1.0)}, {0.0}, {0}, &table).ok());
  EXPECT_FALSE(CdfTable::FromPmfs({{1.0}}, {0.0}, {std::numeric_limits<int32_t>::max()}, &table).ok());
}

TEST(CdfTableTest, ChannelIndexes) {
  std::vector<uint16_t> indexes;
  ASSERT_TRUE(ChannelIndexes(3, 2, &indexes).ok());
  EXPECT_EQ(indexes, (std::vector<uint16_t>{0, 0, 1, 1, 2, 2}));
  ASSERT_TRUE(ChannelIndexes(0, 5, &indexes).ok());
  EXPECT_TRUE(indexes.empty());
  ASSERT_TRUE(ChannelIndexes(65536, 1, &indexes).ok());
  EXPECT_EQ(indexes.back(), 65535);
  EXPECT_FALSE(ChannelIndexes(-1, 5, &indexes).ok());
  EXPECT_FALSE(ChannelIndexes(65537, 1, &indexes).ok());
  EXPECT_FALSE(ChannelIndexes(2, std::numeric_limits<size_t>::max(), &indexes).ok());
}

}  // namespace
}  // namespace lcodec::entropy
