// The image codec end to end, on tiny untrained models exported by
// models/make_test_model.py: what the decoder outputs must be exactly what
// the model reconstructs, whatever the thread counts.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <limits>
#include <random>
#include <string>

#include "decoder/image_decoder.h"
#include "encoder/image_encoder.h"
#include "encoder/rdo_rounding.h"
#include "runtime/image_layout.h"
#include "runtime/image_transforms.h"
#include "runtime/tiling.h"
#include "tests/codec/random_image.h"

namespace lcodec {
namespace {

const std::string kModel = std::string(LCODEC_TEST_MODELS) + "/tiny.lcm";
const std::string kOtherModel = std::string(LCODEC_TEST_MODELS) + "/tiny-other.lcm";

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

  // What the model itself reconstructs, without entropy coding (residuals
  // rounded as the encoder rounds them).
  Image Reconstruct(const Image& image, double quality) {
    torch::NoGradGuard no_grad;
    const torch::Tensor x = runtime::ImageToTensor(image, model_.downsampling());
    const torch::Tensor y = model_.Analysis(x, quality);
    torch::Tensor means, indexes;
    model_.HyperSynthesis(model_.HyperAnalysis(y).round(), &means, &indexes);
    const torch::Tensor index32 = indexes.to(torch::kInt32).contiguous();
    const std::vector<uint16_t> index_list(index32.data_ptr<int32_t>(), index32.data_ptr<int32_t>() + index32.numel());
    std::vector<int32_t> symbols;
    EXPECT_TRUE(model_.has_quantization_weights());
    EXPECT_TRUE(encoder::RoundResiduals(y - means, model_.QuantizationWeights(quality), model_.y_table(), index_list,
                                        &symbols)
                    .ok());
    const torch::Tensor y_hat = torch::from_blob(symbols.data(), means.sizes(), torch::kInt32).to(torch::kFloat) + means;
    Image out;
    runtime::TensorToImage(model_.Synthesis(y_hat, quality), image.width, image.height, image.channels,
                           image.bit_depth, &out);
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

// The tiny model decodes nearly everything to the same flat output, which
// hides float differences; the shipped model does not (its synthesis differs
// by ~1e-6 between 1 and 2 libtorch threads unless the decoder fixes the
// count). 16-bit output shows such differences 256 times more often than 8-bit.
TEST(ShippedImageModel, DecodesIdenticallyWhateverTheThreadCount) {
  runtime::ImageModel model;
  ASSERT_TRUE(runtime::ImageModel::Load(LCODEC_SHIPPED_IMAGE_MODEL, &model).ok());
  const Image image = RandomImage(200, 136, 3, 16, 11);
  torch::set_num_threads(1);
  std::vector<uint8_t> stream;
  ASSERT_TRUE(encoder::EncodeImage(model, image, encoder::ImageEncodeOptions(), &stream).ok());
  std::vector<Image> decoded;
  for (int threads : {1, 2, 4}) {
    torch::set_num_threads(threads);
    decoder::ImageDecodeOptions options;
    options.threads = threads;
    decoded.emplace_back();
    ASSERT_TRUE(decoder::DecodeImage(model, stream.data(), stream.size(), options, &decoded.back()).ok());
  }
  torch::set_num_threads(1);
  ExpectSameImage(decoded[0], decoded[1]);
  ExpectSameImage(decoded[0], decoded[2]);
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

// Tiles with a margin beyond the receptive field compute what one pass over
// the whole image computes, up to float summation order.
TEST_F(ImageCodecTest, TiledTransformsMatchWholeImageTransforms) {
  torch::NoGradGuard no_grad;
  const Image image = RandomImage(300, 200, 3, 8, 7);
  const torch::Tensor x = runtime::ImageToTensor(image, model_.downsampling());  // 320x256
  const runtime::Tiling small{64, 64};
  int64_t calls = 0, reported_total = 0;
  auto analysis = [&](const torch::Tensor& t) { return model_.Analysis(t, 4.0); };
  const torch::Tensor y_whole = analysis(x);
  const torch::Tensor y_tiled = runtime::TransformInTiles(x, small, analysis, [&](int64_t done, int64_t total) {
    EXPECT_EQ(done, ++calls);
    reported_total = total;
  });
  EXPECT_EQ(reported_total, 5 * 4);
  EXPECT_EQ(calls, reported_total);
  ASSERT_EQ(y_tiled.sizes(), y_whole.sizes());
  EXPECT_LT((y_tiled - y_whole).abs().max().item<double>(), 1e-4);

  auto synthesis = [&](const torch::Tensor& t) { return model_.Synthesis(t, 4.0); };
  const torch::Tensor y_hat = y_whole.round();
  const torch::Tensor x_whole = synthesis(y_hat);
  const torch::Tensor x_tiled = runtime::TransformInTiles(y_hat, runtime::Tiling{4, 4}, synthesis);
  ASSERT_EQ(x_tiled.sizes(), x_whole.sizes());
  EXPECT_LT((x_tiled - x_whole).abs().max().item<double>(), 1e-4);

  // Too small a margin must show: the test above can fail.
  const torch::Tensor x_no_margin = runtime::TransformInTiles(y_hat, runtime::Tiling{4, 0}, synthesis);
  EXPECT_GT((x_no_margin - x_whole).abs().max().item<double>(), 1e-3);
}

// The integer hyper-synthesis is exact, so tiles must not change a single bit:
// entropy decoding depends on it.
TEST_F(ImageCodecTest, TiledHyperSynthesisIsBitExact) {
  torch::NoGradGuard no_grad;
  const Image image = RandomImage(300, 200, 3, 8, 9);
  const torch::Tensor x = runtime::ImageToTensor(image, model_.downsampling());
  const torch::Tensor z_hat = model_.HyperAnalysis(model_.Analysis(x, 6.0)).round();
  torch::Tensor means, indexes, tiled_means, tiled_indexes;
  model_.HyperSynthesis(z_hat, &means, &indexes);
  runtime::ImageTiling small;
  small.tile = 64;  // one hyper-latent per tile
  runtime::HyperSynthesizeImage(model_, z_hat, small, &tiled_means, &tiled_indexes);
  EXPECT_TRUE(torch::equal(means, tiled_means));
  EXPECT_TRUE(torch::equal(indexes, tiled_indexes));
}

TEST_F(ImageCodecTest, TiledDecodeMatchesUntiledDecodeAndReportsProgress) {
  const Image image = RandomImage(200, 130, 3, 8, 8);
  const std::vector<uint8_t> stream = Encode(image);
  decoder::ImageDecodeOptions options;
  Image whole, tiled;
  ASSERT_TRUE(decoder::DecodeImage(model_, stream.data(), stream.size(), options, &whole).ok());
  options.tiling.tile = 64;
  int64_t last_done = 0, last_total = 0;
  options.progress = [&](int64_t done, int64_t total) { last_done = done, last_total = total; };
  ASSERT_TRUE(decoder::DecodeImage(model_, stream.data(), stream.size(), options, &tiled).ok());
  EXPECT_EQ(last_total, 4 * 3);
  EXPECT_EQ(last_done, last_total);
  ASSERT_EQ(whole.samples.size(), tiled.samples.size());
  int max_difference = 0;
  for (size_t i = 0; i < whole.samples.size(); ++i)
    max_difference = std::max(max_difference, std::abs(int(whole.samples[i]) - int(tiled.samples[i])));
  EXPECT_LE(max_difference, 1);  // a rounding tie may fall the other way
}

TEST(TilingTest, RefusesGeometryThatSplitsALatent) {
  const torch::Tensor x = torch::zeros({1, 1, 64, 64});
  auto downscale = [](const torch::Tensor& t) { return torch::avg_pool2d(t, 16); };
  EXPECT_THROW(runtime::TransformInTiles(x, runtime::Tiling{24, 8}, downscale), std::exception);
  EXPECT_EQ(runtime::TransformInTiles(x + 1, runtime::Tiling{32, 16}, downscale).sum().item<double>(), 16.0);
}

TEST(ImageLayoutTest, TensorToImageRoundsClampsAndZeroesNaN) {
  // A damaged model can synthesise NaN and infinities; they must become
  // samples in range, never an undefined float-to-integer conversion.
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  const torch::Tensor x = torch::tensor({0.5f, -0.2f, 1.3f, nan, inf, -inf}).reshape({1, 3, 1, 2});
  Image image;
  runtime::TensorToImage(x, 2, 1, 3, 8, &image);
  // Samples are interleaved: pixel 0 is channels (0.5, 1.3, inf), pixel 1 is (-0.2, nan, -inf).
  EXPECT_EQ(image.samples, (std::vector<uint16_t>{128, 255, 255, 0, 0, 0}));
}

TEST(ImageModelTest, RejectsFilesThatAreNotModels) {
  runtime::ImageModel model;
  EXPECT_EQ(runtime::ImageModel::Load("/nonexistent/model.lcm", &model).code(), Status::Code::kIOError);
  const Status status = runtime::ImageModel::Load(std::string(LCODEC_TEST_MODELS) + "/../CTestTestfile.cmake", &model);
  EXPECT_FALSE(status.ok());
}

}  // namespace
}  // namespace lcodec
