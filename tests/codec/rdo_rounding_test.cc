// The encoder's rate-distortion rounding (encoder/rdo_rounding.h) on
// hand-made residuals and a table whose costs are known.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <limits>
#include <vector>

#include "encoder/rdo_rounding.h"
#include "tests/codec/laplacian_table.h"

namespace lcodec {
namespace {

// 8 CDFs over -20..20, the scale doubling from one to the next.
entropy::CdfTable NarrowToWideTable() { return LaplacianTable(8, 0.2, 2.0, 20); }

double Bits(const entropy::CdfTable& table, uint16_t index, int32_t value) {
  return entropy::kCdfPrecision - std::log2(double(table.IntervalOf(index, value).freq));
}

struct Latent {
  torch::Tensor residuals;  // (1, 3, 8, 8)
  std::vector<uint16_t> indexes;
};

Latent RandomLatent() {
  torch::manual_seed(3);
  Latent latent{torch::randn({1, 3, 8, 8}) * 3, {}};
  for (int64_t i = 0; i < latent.residuals.numel(); ++i) latent.indexes.push_back(static_cast<uint16_t>(i * 5 % 8));
  return latent;
}

TEST(RdoRounding, WithoutWeightsRoundsToNearest) {
  const entropy::CdfTable table = NarrowToWideTable();
  const Latent latent = RandomLatent();
  std::vector<int32_t> symbols;
  ASSERT_TRUE(encoder::RoundResiduals(latent.residuals, torch::Tensor(), table, latent.indexes, &symbols).ok());
  const torch::Tensor nearest = latent.residuals.round().to(torch::kInt32).flatten();
  ASSERT_EQ(symbols.size(), static_cast<size_t>(nearest.numel()));
  for (size_t i = 0; i < symbols.size(); ++i) EXPECT_EQ(symbols[i], nearest[i].item<int32_t>());
}

// Each residual ends at the cheaper of its nearest integer and the one next
// to it toward zero, under the weight of its own channel.
TEST(RdoRounding, KeepsTheCheaperOfNearestAndCloserToZero) {
  const entropy::CdfTable table = NarrowToWideTable();
  const Latent latent = RandomLatent();
  const torch::Tensor weights = torch::tensor({0.3, 3.0, 30.0}, torch::kFloat64);
  std::vector<int32_t> symbols;
  ASSERT_TRUE(encoder::RoundResiduals(latent.residuals, weights, table, latent.indexes, &symbols).ok());
  const torch::Tensor flat = latent.residuals.flatten().to(torch::kFloat64);
  int moved = 0, kept = 0;
  for (size_t i = 0; i < symbols.size(); ++i) {
    const double e = flat[i].item<double>(), w = weights[i / 64].item<double>();
    const auto nearest = static_cast<int32_t>(std::nearbyint(e));
    const int32_t closer = nearest > 0 ? nearest - 1 : nearest < 0 ? nearest + 1 : 0;
    auto cost = [&](int32_t r) { return w * (e - r) * (e - r) + Bits(table, latent.indexes[i], r); };
    ASSERT_TRUE(symbols[i] == nearest || symbols[i] == closer) << i;
    EXPECT_LE(cost(symbols[i]), std::min(cost(nearest), cost(closer)) + 1e-9) << i;
    moved += symbols[i] != nearest;
    kept += symbols[i] == nearest && nearest != 0;
  }
  EXPECT_GT(moved, 10);  // the rounding does something
  EXPECT_GT(kept, 10);   // and not everything
}

TEST(RdoRounding, HeavyWeightsRoundToNearestAndNoWeightPullsTowardZero) {
  const entropy::CdfTable table = NarrowToWideTable();
  const Latent latent = RandomLatent();
  std::vector<int32_t> heavy, plain, free_rate;
  ASSERT_TRUE(encoder::RoundResiduals(latent.residuals, torch::full({3}, 1e9, torch::kFloat64), table, latent.indexes,
                                      &heavy)
                  .ok());
  ASSERT_TRUE(encoder::RoundResiduals(latent.residuals, torch::Tensor(), table, latent.indexes, &plain).ok());
  EXPECT_EQ(heavy, plain);
  ASSERT_TRUE(encoder::RoundResiduals(latent.residuals, torch::zeros({3}, torch::kFloat64), table, latent.indexes,
                                      &free_rate)
                  .ok());
  // With distortion free, a step toward zero is taken wherever it saves bits
  // (not in the flat far tails, where both cost the same).
  int steps = 0;
  for (size_t i = 0; i < plain.size(); ++i) {
    const int32_t closer = plain[i] > 0 ? plain[i] - 1 : plain[i] < 0 ? plain[i] + 1 : 0;
    const bool saves = Bits(table, latent.indexes[i], closer) < Bits(table, latent.indexes[i], plain[i]);
    EXPECT_EQ(free_rate[i], saves ? closer : plain[i]) << i;
    steps += saves;
  }
  EXPECT_GT(steps, 50);
}

TEST(RdoRounding, RefusesWhatDoesNotMatch) {
  const entropy::CdfTable table = NarrowToWideTable();
  Latent latent = RandomLatent();
  std::vector<int32_t> symbols;
  const torch::Tensor weights = torch::ones({3}, torch::kFloat64);
  EXPECT_EQ(encoder::RoundResiduals(latent.residuals, torch::ones({2}, torch::kFloat64), table, latent.indexes,
                                    &symbols)
                .code(),
            Status::Code::kInvalidArgument);
  std::vector<uint16_t> short_indexes(latent.indexes.begin(), latent.indexes.end() - 1);
  EXPECT_EQ(encoder::RoundResiduals(latent.residuals, weights, table, short_indexes, &symbols).code(),
            Status::Code::kInvalidArgument);
  latent.indexes[7] = 8;  // outside the table
  EXPECT_EQ(encoder::RoundResiduals(latent.residuals, weights, table, latent.indexes, &symbols).code(),
            Status::Code::kInvalidArgument);
  latent.indexes[7] = 0;
  latent.residuals[0][1][2][3] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_FALSE(encoder::RoundResiduals(latent.residuals, weights, table, latent.indexes, &symbols).ok());
}

}  // namespace
}  // namespace lcodec
