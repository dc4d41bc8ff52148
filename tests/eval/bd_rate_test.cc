// BD-rate identities: a curve against itself is 0; a curve whose rates are a
// known factor of the anchor's is that factor; and a case worked out by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "eval/bd_rate.h"

namespace lcodec::eval {
namespace {

// A photo-like curve: PSNR rising with log rate, slightly curved.
std::vector<RdPoint> Anchor() {
  std::vector<RdPoint> points;
  for (const double bpp : {0.12, 0.25, 0.4, 0.6, 0.9, 1.3, 1.9})
    points.push_back({bpp, 32 + 5.5 * std::log2(bpp / 0.5) - 0.4 * std::pow(std::log2(bpp / 0.5), 2)});
  return points;
}

std::vector<RdPoint> ScaleRates(std::vector<RdPoint> points, double factor) {
  for (RdPoint& p : points) p.rate *= factor;
  return points;
}

TEST(BdRateTest, CurveAgainstItselfIsZero) {
  double percent = 1;
  ASSERT_TRUE(BdRate(Anchor(), Anchor(), &percent).ok());
  EXPECT_NEAR(percent, 0, 1e-9);
}

TEST(BdRateTest, ScaledRatesGiveTheFactor) {
  for (const double factor : {0.7, 0.9, 1.1, 1.5}) {
    double percent = 0;
    ASSERT_TRUE(BdRate(Anchor(), ScaleRates(Anchor(), factor), &percent).ok());
    EXPECT_NEAR(percent, 100 * (factor - 1), 1e-7) << factor;
    // And the other way round.
    ASSERT_TRUE(BdRate(ScaleRates(Anchor(), factor), Anchor(), &percent).ok());
    EXPECT_NEAR(percent, 100 * (1 / factor - 1), 1e-7) << factor;
  }
}

TEST(BdRateTest, OnlyTheOverlapCounts) {
  // Log rates exactly cubic in quality, so fits are exact whatever the
  // points: the test curve reaches further than the anchor, which must not
  // matter.
  auto log_rate = [](double q) { return 0.1 * q + 1e-3 * std::pow(q - 35, 3); };
  std::vector<RdPoint> anchor, test;
  for (double q = 30; q <= 40; q += 2) anchor.push_back({std::exp(log_rate(q)), q});
  for (double q = 24; q <= 46; q += 2) test.push_back({0.8 * std::exp(log_rate(q)), q});
  double percent = 0;
  ASSERT_TRUE(BdRate(anchor, test, &percent).ok());
  EXPECT_NEAR(percent, -20, 1e-7);
}

TEST(BdRateTest, WorkedExample) {
  // log r = q / 10 for the anchor, log r = q / 10 + (q - 30) / 50 for the
  // test, q from 30 to 40: the mean log difference is (35 - 30) / 50 = 0.1,
  // so BD-rate = e^0.1 - 1 = 10.517 %.
  std::vector<RdPoint> anchor, test;
  for (double q = 30; q <= 40; q += 2) {
    anchor.push_back({std::exp(q / 10), q});
    test.push_back({std::exp(q / 10 + (q - 30) / 50), q});
  }
  double percent = 0;
  ASSERT_TRUE(BdRate(anchor, test, &percent).ok());
  EXPECT_NEAR(percent, 100 * (std::exp(0.1) - 1), 1e-7);
}

TEST(BdRateTest, RefusesWhatItCannotFit) {
  double percent = 0;
  const std::vector<RdPoint> anchor = Anchor();
  const std::vector<RdPoint> three(anchor.begin(), anchor.begin() + 3);
  EXPECT_FALSE(BdRate(Anchor(), three, &percent).ok());
  std::vector<RdPoint> far = Anchor();
  for (RdPoint& p : far) p.quality += 100;
  EXPECT_NE(BdRate(Anchor(), far, &percent).message().find("do not overlap"), std::string::npos);
  std::vector<RdPoint> zero = Anchor();
  zero[0].rate = 0;
  EXPECT_FALSE(BdRate(Anchor(), zero, &percent).ok());
}

}  // namespace
}  // namespace lcodec::eval
