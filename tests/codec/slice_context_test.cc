// The image codec with a slice context (runtime/latent_coding.h), on a tiny
// untrained model whose heads do something (models/make_test_model.py): the
// decoder must rebuild exactly the encoder's latent, every value must follow
// from the prior that the model gives the values decoded before it, and
// nothing may depend on threads or tiles.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>
#include <vector>

#include "decoder/image_decoder.h"
#include "encoder/image_encoder.h"
#include "runtime/image_layout.h"
#include "runtime/latent_coding.h"
#include "tests/codec/random_image.h"

namespace lcodec {
namespace {

const std::string kContextModel = std::string(LCODEC_TEST_MODELS) + "/tiny-context.lcm";

class SliceContextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    torch::set_num_threads(1);
    const Status status = runtime::ImageModel::Load(kContextModel, &model_);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }

  // Encodes `image`; *y_hat gets the encoder's latent, *latent its analysis.
  encoder::ImagePayload Encode(const Image& image, const encoder::ImageEncodeOptions& options,
                               encoder::ImageLatent* latent, torch::Tensor* y_hat) {
    encoder::ImagePayload payload;
    EXPECT_TRUE(encoder::AnalyzeImageLatent(model_, image, options, latent).ok());
    double bits = 0;
    const Status status = encoder::CodeLatent(model_, *latent, options, &payload.latent, y_hat, &bits);
    EXPECT_TRUE(status.ok()) << status.ToString();
    payload.hyper_latent = latent->hyper_latent;
    return payload;
  }

  encoder::ImagePayload Encode(const Image& image, double quality, encoder::ImageLatent* latent,
                               torch::Tensor* y_hat) {
    encoder::ImageEncodeOptions options;
    options.quality = quality;
    return Encode(image, options, latent, y_hat);
  }

  Status Decode(const Image& like, const encoder::ImagePayload& payload, const decoder::ImageDecodeOptions& options,
                Image* out, torch::Tensor* y_hat) {
    bitstream::StreamHeader header;
    header.modality = bitstream::Modality::kImage;
    header.width = like.width;
    header.height = like.height;
    header.channels = like.channels;
    header.bit_depth = like.bit_depth;
    header.quality = 4;
    return decoder::DecodeImagePayload(model_, header, payload.hyper_latent.data(), payload.hyper_latent.size(),
                                       payload.latent.data(), payload.latent.size(), options, out, nullptr, y_hat);
  }

  runtime::ImageModel model_;
};

TEST_F(SliceContextTest, ModelHasSlicesCoveringTheLatent) {
  ASSERT_EQ(model_.slices().size(), 6u);
  EXPECT_EQ(model_.slices()[0], (std::vector<int64_t>{0, 64, 128}));  // the three DCs
  const std::vector<runtime::LatentCodingStep> steps = runtime::LatentCodingSteps(model_, 192);
  ASSERT_EQ(steps.size(), 12u);
  EXPECT_EQ(steps[0].parity, 0);
  EXPECT_EQ(steps[1].parity, 1);
  EXPECT_EQ(steps[11].slice, 5);
  EXPECT_THROW(runtime::LatentCodingSteps(model_, 191), std::exception);
}

TEST_F(SliceContextTest, DecoderRebuildsTheEncodersLatentAndImage) {
  const Image image = RandomImage(90, 70, 3, 8, 1);
  encoder::ImageLatent latent;
  torch::Tensor encoded;
  const encoder::ImagePayload payload = Encode(image, 4, &latent, &encoded);
  Image decoded;
  torch::Tensor decoded_latent;
  ASSERT_TRUE(Decode(image, payload, {}, &decoded, &decoded_latent).ok());
  ASSERT_TRUE(torch::equal(encoded, decoded_latent));
  Image expected;
  runtime::TensorToImage(model_.Synthesis(encoded, 4), image.width, image.height, 3, 8, &expected);
  EXPECT_EQ(decoded.samples, expected.samples);
}

// Each step's values are its prior's means plus integers, where the prior is
// what the model says given only the earlier steps' values; and the encoder
// rounded y - mean (to nearest or one step toward zero).
TEST_F(SliceContextTest, EveryValueFollowsThePriorOfWhatCameBefore) {
  torch::NoGradGuard no_grad;
  const Image image = RandomImage(96, 64, 3, 8, 2);
  encoder::ImageLatent latent;
  torch::Tensor y_hat;
  Encode(image, 6, &latent, &y_hat);
  const runtime::ImageTiling tiling;
  torch::Tensor known = torch::zeros_like(y_hat);
  int64_t refined = 0;
  for (const runtime::LatentCodingStep& step : runtime::LatentCodingSteps(model_, y_hat.size(1))) {
    torch::Tensor means;
    std::vector<uint16_t> indexes;
    runtime::StepPrior(model_, step, known, latent.means, latent.index_map, latent.padded_height, tiling, &means,
                       &indexes);
    const torch::Tensor values = runtime::GatherStep(y_hat, step);
    // float32(integer) + mean, as the decoder adds them.
    EXPECT_TRUE(torch::equal(values, (values - means).round() + means))
        << "slice " << step.slice << " parity " << step.parity;
    const torch::Tensor error = (runtime::GatherStep(latent.y, step) - values).abs();
    EXPECT_LE(error.max().item<double>(), 1.0 + 1e-4);
    refined += (means != runtime::GatherStep(latent.means, step)).sum().item<int64_t>();
    runtime::ScatterStep(step, values, &known);
  }
  EXPECT_TRUE(torch::equal(known, y_hat));
  EXPECT_GT(refined, 0) << "the context changed no mean: the test model's heads do nothing";
}

// The decoder crops the padding away: what the analysis puts there must not
// cost bits, so latents that differ only there code to the same bytes.
TEST_F(SliceContextTest, LatentValuesWhollyInThePaddingAreNotCoded) {
  torch::NoGradGuard no_grad;
  const Image image = RandomImage(90, 70, 3, 8, 5);  // padded to 96x96: the last latent rows are padding
  encoder::ImageLatent latent;
  torch::Tensor y_hat;
  const encoder::ImagePayload reference = Encode(image, 6, &latent, &y_hat);
  ASSERT_TRUE(latent.image_area.defined());
  const torch::Tensor padding = latent.image_area.expand_as(latent.y) == 0;
  ASSERT_GT(padding.sum().item<int64_t>(), 0);
  encoder::ImageLatent changed = latent;
  changed.y = latent.y + padding.to(torch::kFloat) * 7.0;
  encoder::ImageEncodeOptions options;
  options.quality = 6;
  std::vector<uint8_t> payload;
  torch::Tensor changed_y_hat;
  double bits = 0;
  ASSERT_TRUE(encoder::CodeLatent(model_, changed, options, &payload, &changed_y_hat, &bits).ok());
  EXPECT_EQ(payload, reference.latent);
  EXPECT_TRUE(torch::equal(changed_y_hat, y_hat));
  // Without the area every value is coded, and the change shows.
  changed.image_area = torch::Tensor();
  ASSERT_TRUE(encoder::CodeLatent(model_, changed, options, &payload, &changed_y_hat, &bits).ok());
  EXPECT_NE(payload, reference.latent);
}

TEST_F(SliceContextTest, OutputDependsOnNeitherThreadsNorTiles) {
  const Image image = RandomImage(150, 110, 3, 8, 3);
  encoder::ImageEncodeOptions options;
  encoder::ImageLatent latent;
  torch::Tensor y_hat;
  const encoder::ImagePayload reference = Encode(image, options, &latent, &y_hat);
  torch::set_num_threads(2);
  options.threads = 2;
  options.tiling.tile = 64;  // 8x8 latents a tile: the context runs in 3x2 tiles
  const encoder::ImagePayload tiled = Encode(image, options, &latent, &y_hat);
  EXPECT_EQ(reference.latent, tiled.latent);
  EXPECT_EQ(reference.hyper_latent, tiled.hyper_latent);
  decoder::ImageDecodeOptions decode_options;
  decode_options.threads = 2;
  decode_options.tiling.tile = 64;
  Image tiled_out, whole_out;
  torch::Tensor tiled_latent, whole_latent;
  ASSERT_TRUE(Decode(image, reference, decode_options, &tiled_out, &tiled_latent).ok());
  torch::set_num_threads(1);
  ASSERT_TRUE(Decode(image, reference, {}, &whole_out, &whole_latent).ok());
  EXPECT_TRUE(torch::equal(tiled_latent, whole_latent));
}

TEST_F(SliceContextTest, DamagedLatentsAreErrors) {
  const Image image = RandomImage(64, 64, 3, 8, 4);
  encoder::ImageLatent latent;
  torch::Tensor y_hat;
  const encoder::ImagePayload payload = Encode(image, 8, &latent, &y_hat);
  Image out;
  torch::Tensor decoded;
  for (size_t size = 0; size < payload.latent.size(); ++size) {
    encoder::ImagePayload cut = payload;
    cut.latent.resize(size);
    EXPECT_FALSE(Decode(image, cut, {}, &out, &decoded).ok()) << "length " << size;
  }
  for (size_t bit = 0; bit < payload.latent.size() * 8; bit += 29) {
    encoder::ImagePayload flipped = payload;
    flipped.latent[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    Decode(image, flipped, {}, &out, &decoded);  // may decode to other values; must not crash
  }
}

}  // namespace
}  // namespace lcodec
