#include "eval/bd_rate.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

namespace lcodec::eval {
namespace {

// log(rate) ~ c0 + c1 t + c2 t^2 + c3 t^3 with t = (quality - center) / scale:
// centring and scaling keep the normal equations well conditioned when
// qualities are 30..45 dB.
struct CubicFit {
  double center = 0, scale = 1;
  std::array<double, 4> c{};

  // The integral of the fit over quality in [lo, hi].
  double Integral(double lo, double hi) const {
    auto antiderivative = [&](double q) {
      const double t = (q - center) / scale;
      return scale * (c[0] * t + c[1] * t * t / 2 + c[2] * t * t * t / 3 + c[3] * t * t * t * t / 4);
    };
    return antiderivative(hi) - antiderivative(lo);
  }
};

Status Fit(const std::vector<RdPoint>& points, const char* which, CubicFit* fit) {
  std::set<double> qualities;
  for (const RdPoint& p : points) {
    if (!(p.rate > 0) || !std::isfinite(p.rate) || !std::isfinite(p.quality))
      return Status::InvalidArgument(std::string("BD-rate: the ") + which + " curve has a point with a non-positive or non-finite value");
    qualities.insert(p.quality);
  }
  if (qualities.size() < 4)
    return Status::InvalidArgument(std::string("BD-rate: the ") + which + " curve needs at least 4 points of distinct quality");
  double mean = 0;
  for (const RdPoint& p : points) mean += p.quality;
  mean /= points.size();
  double var = 0;
  for (const RdPoint& p : points) var += (p.quality - mean) * (p.quality - mean);
  fit->center = mean;
  fit->scale = std::sqrt(var / points.size());
  // Normal equations A^T A c = A^T y, solved by Gaussian elimination with
  // partial pivoting (4x4).
  double m[4][5] = {};
  for (const RdPoint& p : points) {
    const double t = (p.quality - fit->center) / fit->scale;
    const double powers[4] = {1, t, t * t, t * t * t};
    for (int i = 0; i < 4; ++i) {
      for (int j = 0; j < 4; ++j) m[i][j] += powers[i] * powers[j];
      m[i][4] += powers[i] * std::log(p.rate);
    }
  }
  for (int col = 0; col < 4; ++col) {
    int pivot = col;
    for (int r = col + 1; r < 4; ++r)
      if (std::fabs(m[r][col]) > std::fabs(m[pivot][col])) pivot = r;
    std::swap(m[col], m[pivot]);
    for (int r = 0; r < 4; ++r) {
      if (r == col) continue;
      const double f = m[r][col] / m[col][col];
      for (int k = col; k < 5; ++k) m[r][k] -= f * m[col][k];
    }
  }
  for (int i = 0; i < 4; ++i) fit->c[i] = m[i][4] / m[i][i];
  return Status::Ok();
}

std::pair<double, double> Range(const std::vector<RdPoint>& points) {
  const auto [lo, hi] = std::minmax_element(points.begin(), points.end(),
                                            [](const RdPoint& a, const RdPoint& b) { return a.quality < b.quality; });
  return {lo->quality, hi->quality};
}

}  // namespace

Status BdRate(const std::vector<RdPoint>& anchor, const std::vector<RdPoint>& test, double* percent) {
  CubicFit fit_anchor, fit_test;
  LCODEC_RETURN_IF_ERROR(Fit(anchor, "anchor", &fit_anchor));
  LCODEC_RETURN_IF_ERROR(Fit(test, "test", &fit_test));
  const auto [anchor_lo, anchor_hi] = Range(anchor);
  const auto [test_lo, test_hi] = Range(test);
  const double lo = std::max(anchor_lo, test_lo), hi = std::min(anchor_hi, test_hi);
  if (!(hi > lo)) return Status::InvalidArgument("BD-rate: the curves' quality ranges do not overlap");
  const double mean_difference = (fit_test.Integral(lo, hi) - fit_anchor.Integral(lo, hi)) / (hi - lo);
  *percent = 100 * (std::exp(mean_difference) - 1);
  return Status::Ok();
}

}  // namespace lcodec::eval
