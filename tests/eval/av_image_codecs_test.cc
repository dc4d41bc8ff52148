// The classical codecs through libavcodec: each one's round trip keeps the
// size, its best setting is close to the original (a wrong colour range or
// matrix alone costs more than that), and its sweep goes from low to high
// rate.
#include <gtest/gtest.h>

#include "apps/image_io.h"
#include "eval/av_image_codecs.h"
#include "eval/metrics.h"

namespace lcodec::eval {
namespace {

// A photo from the bundled test images.
Image TestImage() {
  Image image;
  const Status status = apps::ReadImage(std::string(LCODEC_TEST_IMAGES) + "/coffee_300x200.png", &image);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return image;
}

class AvImageCodecsTest : public ::testing::TestWithParam<std::string> {};

TEST_P(AvImageCodecsTest, RoundTripAndSweep) {
  std::unique_ptr<ImageCodec> codec;
  const Status made = MakeAvImageCodec(GetParam(), &codec);
  ASSERT_TRUE(made.ok()) << made.ToString();
  const Image image = TestImage();
  const std::vector<double> settings = codec->Settings();
  ASSERT_GE(settings.size(), 6u);
  RoundTripResult low, high;
  ASSERT_TRUE(codec->RoundTrip(image, settings.front(), &low).ok());
  const Status status = codec->RoundTrip(image, settings.back(), &high);
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_EQ(high.decoded.width, image.width);
  ASSERT_EQ(high.decoded.height, image.height);
  EXPECT_GT(low.bytes, 0u);
  EXPECT_LT(low.bytes, high.bytes);
  double psnr = 0;
  ASSERT_TRUE(PsnrRgb(image, high.decoded, &psnr).ok());
  EXPECT_GT(psnr, 32) << GetParam();
  EXPECT_FALSE(codec->Config().empty());
}

INSTANTIATE_TEST_SUITE_P(Codecs, AvImageCodecsTest, ::testing::ValuesIn(AvImageCodecNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(AvImageCodecsFactoryTest, UnknownName) {
  std::unique_ptr<ImageCodec> codec;
  EXPECT_FALSE(MakeAvImageCodec("gif", &codec).ok());
}

}  // namespace
}  // namespace lcodec::eval
