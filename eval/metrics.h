// Distortion between an original and a decoded 8-bit RGB image.
//
// The definitions follow what learned-compression papers and CompressAI
// report, so our curves can be overlaid on theirs:
//   PSNR-RGB  10 log10(255^2 / MSE), MSE over all three channels;
//   PSNR-Y    the same on BT.601 full-range luma Y = 0.299 R + 0.587 G + 0.114 B,
//             kept in floating point (no rounding to 8 bits);
//   MS-SSIM   Wang, Simoncelli, Bovik 2003: 5 scales with weights
//             (0.0448, 0.2856, 0.3001, 0.2363, 0.1333), 11x11 Gaussian window
//             with sigma 1.5, K1 = 0.01, K2 = 0.03, L = 255, contrast-structure
//             at every scale and luminance at the coarsest; computed per RGB
//             channel and averaged, negative terms clamped to 0 (as
//             pytorch_msssim, which CompressAI uses, does).
#ifndef LCODEC_EVAL_METRICS_H_
#define LCODEC_EVAL_METRICS_H_

#include "common/image.h"
#include "common/status.h"

namespace lcodec::eval {

// PSNR of identical images is infinite; we report this ceiling instead so
// that averages over images and the JSON files stay finite.
constexpr double kMaxPsnr = 100.0;

// MS-SSIM's coarsest scale is 1/16 of the image and must still hold the 11x11
// window: smaller images are refused.
constexpr int kMsSsimMinSide = 161;

struct Distortion {
  double psnr_rgb = 0;
  double psnr_y = 0;
  double ms_ssim = 0;
};

// Both images must be 8-bit RGB of the same size.
Status PsnrRgb(const Image& reference, const Image& test, double* out);
Status PsnrY(const Image& reference, const Image& test, double* out);
Status MsSsim(const Image& reference, const Image& test, double* out);
Status MeasureDistortion(const Image& reference, const Image& test, Distortion* out);

// MS-SSIM on a decibel scale, -10 log10(1 - ms_ssim): spreads out the values
// near 1 where codecs differ, and is the quality axis of MS-SSIM BD-rates.
double MsSsimDb(double ms_ssim);

}  // namespace lcodec::eval

#endif  // LCODEC_EVAL_METRICS_H_
