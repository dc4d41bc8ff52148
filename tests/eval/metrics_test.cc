// Metrics against values computed independently: closed forms for PSNR and
// for MS-SSIM of flat images, and for a textured pair the value of a separate
// implementation (pytorch_msssim's algorithm in PyTorch, float64: conv2d for
// the window, avg_pool2d between scales, which agrees with Wang's
// downsampling on even sides).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "eval/metrics.h"

namespace lcodec::eval {
namespace {

Image Flat(int width, int height, int r, int g, int b) {
  Image image{width, height, 3, 8, {}};
  for (int i = 0; i < width * height; ++i)
    image.samples.insert(image.samples.end(), {uint16_t(r), uint16_t(g), uint16_t(b)});
  return image;
}

// The textured pair of the reference computation (see the file comment):
// reference(x, y, c) = (7x + 13y + 50c + (xy mod 31)) mod 256 and the test
// image adds ((3x + 5y + c) mod 41) - 20, clamped to 0..255.
void TexturedPair(Image* reference, Image* test) {
  const int w = 256, h = 192;
  *reference = Image{w, h, 3, 8, {}};
  *test = Image{w, h, 3, 8, {}};
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c) {
        const int r = (x * 7 + y * 13 + c * 50 + (x * y) % 31) % 256;
        reference->samples.push_back(r);
        test->samples.push_back(std::clamp(r + (x * 3 + y * 5 + c) % 41 - 20, 0, 255));
      }
}

TEST(MetricsTest, PsnrOfAKnownError) {
  // Every sample off by 5: MSE 25, PSNR 20 log10(255 / 5) = 34.1514 dB.
  double psnr = 0, psnr_y = 0;
  ASSERT_TRUE(PsnrRgb(Flat(200, 200, 100, 100, 100), Flat(200, 200, 105, 105, 105), &psnr).ok());
  EXPECT_NEAR(psnr, 20 * std::log10(255.0 / 5), 1e-9);
  EXPECT_NEAR(psnr, 34.15140352195873, 1e-9);
  // The same error in every channel is the same error in luma.
  ASSERT_TRUE(PsnrY(Flat(200, 200, 100, 100, 100), Flat(200, 200, 105, 105, 105), &psnr_y).ok());
  EXPECT_NEAR(psnr_y, psnr, 1e-9);
}

TEST(MetricsTest, PsnrYWeighsChannelsByBt601) {
  // An error of 10 in blue only: RGB MSE 100/3, luma error 0.114 * 10.
  double psnr = 0, psnr_y = 0;
  ASSERT_TRUE(PsnrRgb(Flat(170, 170, 50, 60, 70), Flat(170, 170, 50, 60, 80), &psnr).ok());
  ASSERT_TRUE(PsnrY(Flat(170, 170, 50, 60, 70), Flat(170, 170, 50, 60, 80), &psnr_y).ok());
  EXPECT_NEAR(psnr, 10 * std::log10(255.0 * 255 / (100.0 / 3)), 1e-9);
  EXPECT_NEAR(psnr_y, 20 * std::log10(255.0 / 1.14), 1e-9);
}

TEST(MetricsTest, IdenticalImagesGetTheCeiling) {
  Image a, b;
  TexturedPair(&a, &b);
  Distortion d;
  ASSERT_TRUE(MeasureDistortion(a, a, &d).ok());
  EXPECT_EQ(d.psnr_rgb, kMaxPsnr);
  EXPECT_EQ(d.psnr_y, kMaxPsnr);
  EXPECT_NEAR(d.ms_ssim, 1.0, 1e-12);
  EXPECT_EQ(MsSsimDb(1.0), kMaxPsnr);
}

TEST(MetricsTest, TexturedPairMatchesTheReferenceImplementation) {
  Image a, b;
  TexturedPair(&a, &b);
  Distortion d;
  ASSERT_TRUE(MeasureDistortion(a, b, &d).ok());
  EXPECT_NEAR(d.psnr_rgb, 26.8533276551, 1e-8);
  EXPECT_NEAR(d.psnr_y, 27.2987497587, 1e-8);
  EXPECT_NEAR(d.ms_ssim, 0.9914001618, 1e-9);
}

TEST(MetricsTest, MsSsimIsSymmetric) {
  Image a, b;
  TexturedPair(&a, &b);
  double ab = 0, ba = 0;
  ASSERT_TRUE(MsSsim(a, b, &ab).ok());
  ASSERT_TRUE(MsSsim(b, a, &ba).ok());
  EXPECT_NEAR(ab, ba, 1e-12);
  EXPECT_LT(ab, 1.0);
}

TEST(MetricsTest, MsSsimOfFlatImagesIsTheLuminanceTerm) {
  // No variance anywhere: every contrast-structure term is C2 / C2 = 1 and
  // only the coarsest scale's luminance term remains, to the power 0.1333.
  // Odd sides exercise the mirrored downsampling, which keeps flat images flat.
  const double m1 = 100, m2 = 120, c1 = (0.01 * 255) * (0.01 * 255);
  const double expected = std::pow((2 * m1 * m2 + c1) / (m1 * m1 + m2 * m2 + c1), 0.1333);
  double v = 0;
  ASSERT_TRUE(MsSsim(Flat(181, 173, 100, 100, 100), Flat(181, 173, 120, 120, 120), &v).ok());
  EXPECT_NEAR(v, expected, 1e-12);
}

TEST(MetricsTest, MsSsimDbIsMinusTenLogOfTheComplement) {
  EXPECT_NEAR(MsSsimDb(0.99), 20.0, 1e-9);
  EXPECT_NEAR(MsSsimDb(0.9), 10.0, 1e-9);
}

TEST(MetricsTest, RefusesMismatchedOrTooSmallImages) {
  double v = 0;
  EXPECT_FALSE(PsnrRgb(Flat(200, 200, 0, 0, 0), Flat(200, 199, 0, 0, 0), &v).ok());
  const Status small = MsSsim(Flat(160, 300, 0, 0, 0), Flat(160, 300, 0, 0, 0), &v);
  EXPECT_FALSE(small.ok());
  EXPECT_NE(small.message().find("at least 161"), std::string::npos) << small.message();
  Image gray{200, 200, 1, 8, std::vector<uint16_t>(200 * 200)};
  EXPECT_FALSE(PsnrRgb(gray, gray, &v).ok());
}

}  // namespace
}  // namespace lcodec::eval
