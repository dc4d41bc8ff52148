// Rate-distortion plot as an SVG image: one panel per plotted quality axis
// (report.h: PSNR-RGB and MS-SSIM (dB) against bpp for images; SNR, negated
// mel distance and STOI against kbps for audio), one line per curve, side by
// side. SVG needs no library and opens in any browser.
#ifndef LCODEC_EVAL_RD_PLOT_H_
#define LCODEC_EVAL_RD_PLOT_H_

#include <string>
#include <vector>

#include "eval/results.h"

namespace lcodec::eval {

std::string RdPlotSvg(const std::vector<Curve>& curves, const std::string& title);

}  // namespace lcodec::eval

#endif  // LCODEC_EVAL_RD_PLOT_H_
