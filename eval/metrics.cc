#include "eval/metrics.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

namespace lcodec::eval {
namespace {

constexpr double kPeak = 255.0;

Status CheckPair(const Image& reference, const Image& test) {
  for (const Image* image : {&reference, &test}) {
    if (image->channels != 3 || image->bit_depth != 8)
      return Status::InvalidArgument("metrics compare 8-bit RGB images");
    if (image->samples.size() != static_cast<size_t>(image->width) * image->height * 3)
      return Status::InvalidArgument("image samples do not match its size");
  }
  if (reference.width != test.width || reference.height != test.height)
    return Status::InvalidArgument("images differ in size: " + std::to_string(reference.width) + "x" +
                                   std::to_string(reference.height) + " and " + std::to_string(test.width) + "x" +
                                   std::to_string(test.height));
  return Status::Ok();
}

double PsnrFromMse(double mse) { return mse > 0 ? std::min(kMaxPsnr, 10 * std::log10(kPeak * kPeak / mse)) : kMaxPsnr; }

// One channel as doubles, row-major.
struct Plane {
  int width = 0, height = 0;
  std::vector<double> v;
  double at(int x, int y) const { return v[static_cast<size_t>(y) * width + x]; }
};

Plane Channel(const Image& image, int c) {
  Plane p{image.width, image.height, std::vector<double>(static_cast<size_t>(image.width) * image.height)};
  for (size_t i = 0; i < p.v.size(); ++i) p.v[i] = image.samples[3 * i + c];
  return p;
}

std::array<double, 11> GaussianWindow() {
  std::array<double, 11> w;
  double sum = 0;
  for (int i = 0; i < 11; ++i) sum += w[i] = std::exp(-(i - 5) * (i - 5) / (2 * 1.5 * 1.5));
  for (double& x : w) x /= sum;
  return w;
}

// Mean SSIM and mean contrast-structure term of one scale. The 11x11
// Gaussian window is separable and applied to the 'valid' region only (no
// padding), as in Wang's reference code; one pass over rows, then one over
// columns, carry the five windowed moments together.
void SsimAndCs(const Plane& a, const Plane& b, double* ssim, double* cs) {
  static const std::array<double, 11> w = GaussianWindow();
  const double c1 = (0.01 * kPeak) * (0.01 * kPeak), c2 = (0.03 * kPeak) * (0.03 * kPeak);
  const int ow = a.width - 10, oh = a.height - 10;
  using Moments = std::array<double, 5>;  // a, b, a^2, b^2, ab
  std::vector<Moments> rows(static_cast<size_t>(ow) * a.height);
  for (int y = 0; y < a.height; ++y)
    for (int x = 0; x < ow; ++x) {
      Moments m{};
      for (int k = 0; k < 11; ++k) {
        const double va = a.at(x + k, y), vb = b.at(x + k, y);
        m[0] += w[k] * va;
        m[1] += w[k] * vb;
        m[2] += w[k] * va * va;
        m[3] += w[k] * vb * vb;
        m[4] += w[k] * va * vb;
      }
      rows[static_cast<size_t>(y) * ow + x] = m;
    }
  double ssim_sum = 0, cs_sum = 0;
  for (int y = 0; y < oh; ++y)
    for (int x = 0; x < ow; ++x) {
      Moments m{};
      for (int k = 0; k < 11; ++k) {
        const Moments& r = rows[static_cast<size_t>(y + k) * ow + x];
        for (int i = 0; i < 5; ++i) m[i] += w[k] * r[i];
      }
      const double var_a = m[2] - m[0] * m[0], var_b = m[3] - m[1] * m[1], cov = m[4] - m[0] * m[1];
      const double cs_i = (2 * cov + c2) / (var_a + var_b + c2);
      cs_sum += cs_i;
      ssim_sum += (2 * m[0] * m[1] + c1) / (m[0] * m[0] + m[1] * m[1] + c1) * cs_i;
    }
  const double n = static_cast<double>(ow) * oh;
  *ssim = ssim_sum / n;
  *cs = cs_sum / n;
}

// Halves each side as Wang's msssim.m does: a 2x2 mean with the last row and
// column mirrored, then every other sample (odd sides round up).
Plane Downsample(const Plane& in) {
  const int ow = (in.width + 1) / 2, oh = (in.height + 1) / 2;
  Plane out{ow, oh, std::vector<double>(static_cast<size_t>(ow) * oh)};
  for (int y = 0; y < oh; ++y)
    for (int x = 0; x < ow; ++x) {
      const int x0 = 2 * x, y0 = 2 * y;
      const int x1 = std::min(x0 + 1, in.width - 1), y1 = std::min(y0 + 1, in.height - 1);
      out.v[static_cast<size_t>(y) * ow + x] = 0.25 * (in.at(x0, y0) + in.at(x1, y0) + in.at(x0, y1) + in.at(x1, y1));
    }
  return out;
}

double MsSsimPlane(Plane a, Plane b) {
  static constexpr double kWeights[5] = {0.0448, 0.2856, 0.3001, 0.2363, 0.1333};
  double result = 1;
  for (int scale = 0; scale < 5; ++scale) {
    double ssim = 0, cs = 0;
    SsimAndCs(a, b, &ssim, &cs);
    result *= std::pow(std::max(0.0, scale == 4 ? ssim : cs), kWeights[scale]);
    if (scale < 4) {
      a = Downsample(a);
      b = Downsample(b);
    }
  }
  return result;
}

}  // namespace

Status PsnrRgb(const Image& reference, const Image& test, double* out) {
  LCODEC_RETURN_IF_ERROR(CheckPair(reference, test));
  double sse = 0;
  for (size_t i = 0; i < reference.samples.size(); ++i) {
    const double d = static_cast<double>(reference.samples[i]) - test.samples[i];
    sse += d * d;
  }
  *out = PsnrFromMse(sse / reference.samples.size());
  return Status::Ok();
}

Status PsnrY(const Image& reference, const Image& test, double* out) {
  LCODEC_RETURN_IF_ERROR(CheckPair(reference, test));
  double sse = 0;
  const size_t pixels = reference.samples.size() / 3;
  for (size_t i = 0; i < pixels; ++i) {
    const uint16_t* r = &reference.samples[3 * i];
    const uint16_t* t = &test.samples[3 * i];
    const double d = 0.299 * (r[0] - t[0]) + 0.587 * (r[1] - t[1]) + 0.114 * (r[2] - t[2]);
    sse += d * d;
  }
  *out = PsnrFromMse(sse / pixels);
  return Status::Ok();
}

Status MsSsim(const Image& reference, const Image& test, double* out) {
  LCODEC_RETURN_IF_ERROR(CheckPair(reference, test));
  if (std::min(reference.width, reference.height) < kMsSsimMinSide)
    return Status::InvalidArgument("MS-SSIM needs images of at least " + std::to_string(kMsSsimMinSide) +
                                   " pixels on each side, not " + std::to_string(reference.width) + "x" +
                                   std::to_string(reference.height));
  double sum = 0;
  for (int c = 0; c < 3; ++c) sum += MsSsimPlane(Channel(reference, c), Channel(test, c));
  *out = sum / 3;
  return Status::Ok();
}

Status MeasureDistortion(const Image& reference, const Image& test, Distortion* out) {
  LCODEC_RETURN_IF_ERROR(PsnrRgb(reference, test, &out->psnr_rgb));
  LCODEC_RETURN_IF_ERROR(PsnrY(reference, test, &out->psnr_y));
  return MsSsim(reference, test, &out->ms_ssim);
}

double MsSsimDb(double ms_ssim) { return ms_ssim < 1 ? std::min(kMaxPsnr, -10 * std::log10(1 - ms_ssim)) : kMaxPsnr; }

}  // namespace lcodec::eval
