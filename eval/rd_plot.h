// Rate-distortion plot as an SVG image: PSNR-RGB and MS-SSIM (dB) against
// bpp, one line per curve, side by side. SVG needs no library and opens in
// any browser.
#ifndef LCODEC_EVAL_RD_PLOT_H_
#define LCODEC_EVAL_RD_PLOT_H_

#include <string>
#include <vector>

#include "eval/results.h"

namespace lcodec::eval {

std::string RdPlotSvg(const std::vector<Curve>& curves, const std::string& title);

}  // namespace lcodec::eval

#endif  // LCODEC_EVAL_RD_PLOT_H_
