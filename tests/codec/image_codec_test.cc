// The image codec end to end, on tiny untrained models exported by
// models/make_test_model.py: what the decoder outputs must be exactly what
// the model reconstructs, whatever the thread counts.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <random>
#include <string>

#include "decoder/image_decoder.h"
#include "encoder/image_encoder.h"
#include "runtime/image_layout.h"

namespace lcodec {
namespace {

const std::string kModel = std::string(LCODEC_TEST_MODELS) + "/tiny.lcm";
const std::string kOtherModel = std::string(LCODEC_TEST_MODELS) + "/tiny-other.lcm";

Image RandomImage(int width, int height, int channels, int bit_depth, unsigned seed) {
  Image image{width, height, channels, bit_depth, {}};
  std::mt19937 rng(seed);
  // Smooth gradients plus noise: something like a photo, not pure noise.
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      for (int c = 0; c < channels; ++c) {
        const double peak = (1 << bit_depth) - 1;
        const double v = 0.5 + 0.3 * std::sin(0.05 * x + c) * std::cos(0.07 * y) + 0.05 * (rng() % 1000) / 1000.0;
        image.samples.push_back(static_cast<uint16_t>(std::lround(std::clamp(v, 0.0, 1.0) * peak)));
      }
  return image;
}

class ImageCodecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    torch::set_num_threads(1);
    const Status status = runtime::ImageModel::Load(kModel, &model_);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }

  std::vector<uint8_t> Encode(const Image& image, double quality = 4, int threads = 1) {
    encoder::ImageEncodeOptions options;
    options.quality = quality;
    options.threads = threads;
    std::vector<uint8_t> stream;
    const Status status = encoder::EncodeImage(model_, image, options, &stream);
    EXPECT_TRUE(status.ok()) << status.ToString();
    return stream;
  }

  Status Decode(const std::vector<uint8_t>& stream, Image* out, int threads = 1) {
    decoder::ImageDecodeOptions options;
    options.threads = threads;
    return decoder::DecodeImage(model_, stream.data(), stream.size(), options, out);
  }

  // What the model itself reconstructs, without entropy coding.
  Image Reconstruct(const Image& image, double quality) {
    torch::NoGradGuard no_grad;
    const torch::Tensor x = runtime::ImageToTensor(image, model_.downsampling());
    const torch::Tensor y = model_.Analysis(x, quality);
    torch::Tensor means, indexes;
    model_.HyperSynthesis(model_.HyperAnalysis(y).round(), &means, &indexes);
    Image out;
    runtime::TensorToImage(model_.Synthesis((y - means).round() + means, quality), image.width, image.height,
                           image.channels, image.bit_depth, &out);
    return out;
  }

  runtime::ImageModel model_;
};

void ExpectSameImage(const Image& a, const Image& b) {
  EXPECT_EQ(a.width, b.width);
  EXPECT_EQ(a.height, b.height);
  EXPECT_EQ(a.channels, b.channels);
  EXPECT_EQ(a.bit_depth, b.bit_depth);
  EXPECT_TRUE(a.samples == b.samples);
}

TEST_F(ImageCodecTest, DecodesExactlyWhatTheModelReconstructs) {
  for (const auto& [width, height] : {std::pair{67, 45}, std::pair{1, 1}, std::pair{130, 3}}) {
    const Image image = RandomImage(width, height, 3, 8, width);
    Image decoded;
    ASSERT_TRUE(Decode(Encode(image, 3.5), &decoded).ok());
    ExpectSameImage(decoded, Reconstruct(image, 3.5));
  }
}

TEST_F(ImageCodecTest, OutputDoesNotDependOnThreadCounts) {
  const Image image = RandomImage(150, 100, 3, 8, 7);
  const std::vector<uint8_t> one = Encode(image, 5, 1);
  torch::set_num_threads(2);
  EXPECT_EQ(one, Encode(image, 5, 2));
  Image decoded_two, decoded_one;
  ASSERT_TRUE(Decode(one, &decoded_two, 2).ok());
  torch::set_num_threads(1);
  ASSERT_TRUE(Decode(one, &decoded_one, 1).ok());
  ExpectSameImage(decoded_one, decoded_two);
}

TEST_F(ImageCodecTest, KeepsGrayAndSixteenBitFormats) {
  for (const auto& [channels, depth] : {std::pair{1, 8}, std::pair{3, 16}, std::pair{1, 16}}) {
    const Image image = RandomImage(40, 30, channels, depth, channels * depth);
    Image decoded;
    ASSERT_TRUE(Decode(Encode(image), &decoded).ok());
    ExpectSameImage(decoded, Reconstruct(image, 4));
  }
}

TEST_F(ImageCodecTest, RefusesAlphaAndBadQuality) {
  std::vector<uint8_t> stream;
  encoder::ImageEncodeOptions options;
  Status status = encoder::EncodeImage(model_, RandomImage(8, 8, 4, 8, 1), options, &stream);
  EXPECT_EQ(status.code(), Status::Code::kUnsupported);
  EXPECT_NE(status.message().find("alpha"), std::string::npos);
  options.quality = 100;
  status = encoder::EncodeImage(model_, RandomImage(8, 8, 3, 8, 1), options, &stream);
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
}

TEST_F(ImageCodecTest, WrongModelIsRefusedNamingBoth) {
  const std::vector<uint8_t> stream = Encode(RandomImage(20, 20, 3, 8, 3));
  runtime::ImageModel other;
  ASSERT_TRUE(runtime::ImageModel::Load(kOtherModel, &other).ok());
  Image decoded;
  const Status status = decoder::DecodeImage(other, stream.data(), stream.size(), {}, &decoded);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("test-tiny"), std::string::npos);
  EXPECT_NE(status.message().find("test-tiny-other"), std::string::npos);
}

TEST_F(ImageCodecTest, EveryTruncationAndBitFlipIsAnError) {
  const std::vector<uint8_t> stream = Encode(RandomImage(70, 70, 3, 8, 4), 8);
  Image decoded;
  for (size_t size = 0; size < stream.size(); ++size) {
    const std::vector<uint8_t> cut(stream.begin(), stream.begin() + size);
    EXPECT_FALSE(Decode(cut, &decoded).ok()) << "length " << size;
  }
  for (size_t bit = 6 * 8; bit < stream.size() * 8; bit += 7) {  // past the magic
    std::vector<uint8_t> flipped = stream;
    flipped[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    EXPECT_FALSE(Decode(flipped, &decoded).ok()) << "bit " << bit;
  }
}

TEST(ImageModelTest, RejectsFilesThatAreNotModels) {
  runtime::ImageModel model;
  EXPECT_EQ(runtime::ImageModel::Load("/nonexistent/model.lcm", &model).code(), Status::Code::kIOError);
  const Status status = runtime::ImageModel::Load(std::string(LCODEC_TEST_MODELS) + "/../CTestTestfile.cmake", &model);
  EXPECT_FALSE(status.ok());
}

}  // namespace
}  // namespace lcodec
