// Bjøntegaard delta rate (VCEG-M33): the average rate difference between two
// rate-distortion curves at equal quality.
//
// Each curve's log-rate is fitted as a cubic polynomial of quality (least
// squares, so more than four points are fine); the two fits are integrated
// over the quality range both curves cover and their mean difference d gives
// BD-rate = exp(d) - 1. Negative means the test curve needs fewer bits than
// the anchor for the same quality.
#ifndef LCODEC_EVAL_BD_RATE_H_
#define LCODEC_EVAL_BD_RATE_H_

#include <vector>

#include "common/status.h"

namespace lcodec::eval {

struct RdPoint {
  double rate = 0;     // e.g. bits per pixel; must be positive
  double quality = 0;  // e.g. PSNR in dB or MS-SSIM in dB; higher is better
};

// *percent is 100 (exp(d) - 1). Needs at least 4 points with distinct
// qualities on each curve and overlapping quality ranges.
Status BdRate(const std::vector<RdPoint>& anchor, const std::vector<RdPoint>& test, double* percent);

}  // namespace lcodec::eval

#endif  // LCODEC_EVAL_BD_RATE_H_
