// Reconstruction offsets (format version 3, ImageModel::ReconstructionShift):
// the decoder must synthesize mean + r + shift while the context and the
// next video frame see mean + r; the shift must be the table's, odd in r and
// interpolated between levels; implausible tables are refused; and the
// shipped model's offsets must pay on a photo they were not fitted on.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <string>
#include <vector>

#include "apps/image_io.h"
#include "decoder/image_decoder.h"
#include "encoder/image_encoder.h"
#include "runtime/image_layout.h"
#include "runtime/image_transforms.h"
#include "runtime/latent_coding.h"
#include "tests/codec/random_image.h"

namespace lcodec {
namespace {

const std::string kOffsetsModel = std::string(LCODEC_TEST_MODELS) + "/tiny-context-offsets.lcm";
const std::string kBadOffsetsModel = std::string(LCODEC_TEST_MODELS) + "/tiny-context-bad-offsets.lcm";
const std::string kPlainModel = std::string(LCODEC_TEST_MODELS) + "/tiny-context.lcm";

struct Coded {
  encoder::ImageLatent latent;
  encoder::ImagePayload payload;
  torch::Tensor y_hat;
};

Coded Encode(runtime::ImageModel& model, const Image& image, double quality) {
  Coded coded;
  encoder::ImageEncodeOptions options;
  options.quality = quality;
  EXPECT_TRUE(encoder::AnalyzeImageLatent(model, image, options, &coded.latent).ok());
  double bits = 0;
  EXPECT_TRUE(encoder::CodeLatent(model, coded.latent, options, &coded.payload.latent, &coded.y_hat, &bits).ok());
  coded.payload.hyper_latent = coded.latent.hyper_latent;
  return coded;
}

Status Decode(runtime::ImageModel& model, const Image& like, double quality, const Coded& coded, Image* out,
              torch::Tensor* y_hat) {
  bitstream::StreamHeader header;
  header.modality = bitstream::Modality::kImage;
  header.width = like.width;
  header.height = like.height;
  header.channels = like.channels;
  header.bit_depth = like.bit_depth;
  header.quality = static_cast<float>(quality);
  return decoder::DecodeImagePayload(model, header, coded.payload.hyper_latent.data(),
                                     coded.payload.hyper_latent.size(), coded.payload.latent.data(),
                                     coded.payload.latent.size(), {}, out, nullptr, y_hat);
}

// Every value's residual and scale index, rebuilt step by step as the
// decoder sees them.
void ResidualsAndIndexes(runtime::ImageModel& model, const Coded& coded, torch::Tensor* residuals,
                         torch::Tensor* indexes) {
  torch::NoGradGuard no_grad;
  torch::Tensor known = torch::zeros_like(coded.y_hat);
  *residuals = torch::zeros_like(coded.y_hat);
  *indexes = torch::zeros_like(coded.y_hat);
  for (const runtime::LatentCodingStep& step : runtime::LatentCodingSteps(model, coded.y_hat.size(1))) {
    torch::Tensor means;
    std::vector<uint16_t> step_indexes;
    runtime::StepPrior(model, step, known, coded.latent.means, coded.latent.index_map, coded.latent.padded_height,
                       {}, &means, &step_indexes);
    const torch::Tensor values = runtime::GatherStep(coded.y_hat, step);
    runtime::ScatterStep(step, (values - means).round(), residuals);
    runtime::ScatterStep(step, torch::tensor(std::vector<int32_t>(step_indexes.begin(), step_indexes.end())).to(
                                   torch::kFloat), indexes);
    runtime::ScatterStep(step, values, &known);
  }
}

class ReconstructionOffsetsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    torch::set_num_threads(1);
    const Status status = runtime::ImageModel::Load(kOffsetsModel, &model_);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  runtime::ImageModel model_;
};

TEST_F(ReconstructionOffsetsTest, DecoderSynthesizesTheShiftedLatentAndKeepsTheCodedOne) {
  torch::NoGradGuard no_grad;
  const Image image = RandomImage(90, 70, 3, 8, 1);
  const double quality = 4.5;
  const Coded coded = Encode(model_, image, quality);
  Image decoded;
  torch::Tensor decoded_latent;
  ASSERT_TRUE(Decode(model_, image, quality, coded, &decoded, &decoded_latent).ok());
  ASSERT_TRUE(torch::equal(coded.y_hat, decoded_latent)) << "the decoder's latent (a video's reference) changed";
  torch::Tensor residuals, indexes;
  ResidualsAndIndexes(model_, coded, &residuals, &indexes);
  ASSERT_GT((residuals != 0).sum().item<int64_t>(), 100) << "too few coded values to test anything";
  const torch::Tensor shift = model_.ReconstructionShift(quality, residuals, indexes);
  EXPECT_GT((shift != 0).sum().item<int64_t>(), 100);
  Image shifted, unshifted;
  runtime::TensorToImage(model_.Synthesis(coded.y_hat + shift, quality), image.width, image.height, 3, 8, &shifted);
  runtime::TensorToImage(model_.Synthesis(coded.y_hat, quality), image.width, image.height, 3, 8, &unshifted);
  EXPECT_EQ(decoded.samples, shifted.samples);
  EXPECT_NE(decoded.samples, unshifted.samples);
}

TEST_F(ReconstructionOffsetsTest, ShiftIsOddInTheResidualAndInterpolatesLevels) {
  torch::NoGradGuard no_grad;
  const torch::Tensor residuals = torch::tensor({0, 1, -1, 2, -2, 3, -3, 7, -40}).to(torch::kFloat);
  const torch::Tensor indexes = torch::full({9}, 5, torch::kInt32);
  const torch::Tensor at_3 = model_.ReconstructionShift(3, residuals, indexes);
  const torch::Tensor at_4 = model_.ReconstructionShift(4, residuals, indexes);
  const torch::Tensor between = model_.ReconstructionShift(3.25, residuals, indexes);
  EXPECT_EQ(at_3[0].item<float>(), 0.0f);
  for (int i = 1; i < 9; i += 2) EXPECT_EQ(at_3[i].item<float>(), -at_3[i + 1].item<float>()) << i;
  EXPECT_EQ(at_3[7].item<float>(), at_3[5].item<float>()) << "|r| >= 3 share the last magnitude's offset";
  EXPECT_EQ(at_3[8].item<float>(), at_3[6].item<float>());
  EXPECT_NE(at_3[1].item<float>(), at_3[3].item<float>()) << "magnitudes 1 and 2 share an offset";
  EXPECT_TRUE(torch::allclose(between, 0.75 * at_3 + 0.25 * at_4, 1e-5, 1e-6));
  EXPECT_LE(at_3.abs().max().item<float>(), 0.5f);
  // Another scale index reads another entry.
  EXPECT_FALSE(torch::equal(at_3, model_.ReconstructionShift(3, residuals, torch::full({9}, 6, torch::kInt32))));
}

TEST(ReconstructionOffsetsLoad, ModelsWithoutOffsetsShiftNothingAndImplausibleOnesAreRefused) {
  runtime::ImageModel plain;
  ASSERT_TRUE(runtime::ImageModel::Load(kPlainModel, &plain).ok());
  const torch::Tensor residuals = torch::tensor({1.0f, -2.0f, 5.0f});
  EXPECT_TRUE(torch::equal(plain.ReconstructionShift(4, residuals, torch::full({3}, 7, torch::kInt32)),
                           torch::zeros({3})));
  runtime::ImageModel bad;
  const Status status = runtime::ImageModel::Load(kBadOffsetsModel, &bad);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.ToString().find("implausible reconstruction offsets"), std::string::npos) << status.ToString();
}

// The shipped offsets were fitted on training photos; on the CI photo (not
// among them) they must raise the PSNR of every level tested.
TEST(ShippedReconstructionOffsets, RaiseThePsnrOfAPhotoTheyWereNotFittedOn) {
  torch::set_num_threads(2);
  torch::NoGradGuard no_grad;
  runtime::ImageModel model;
  Status status = runtime::ImageModel::Load(LCODEC_SHIPPED_IMAGE_MODEL, &model);
  ASSERT_TRUE(status.ok()) << status.ToString();
  Image photo;
  status = apps::ReadImage(LCODEC_CI_PHOTO, &photo);
  ASSERT_TRUE(status.ok()) << status.ToString();
  const auto psnr = [&](const Image& decoded) {
    double squared = 0;
    for (size_t i = 0; i < photo.samples.size(); ++i) {
      const double d = double(decoded.samples[i]) - double(photo.samples[i]);
      squared += d * d;
    }
    return 10 * std::log10(255.0 * 255.0 * double(photo.samples.size()) / squared);
  };
  for (const double quality : {3.0, 8.0}) {
    const Coded coded = Encode(model, photo, quality);
    Image decoded, unshifted;
    torch::Tensor y_hat;
    ASSERT_TRUE(Decode(model, photo, quality, coded, &decoded, &y_hat).ok());
    runtime::TensorToImage(runtime::SynthesizeImage(model, y_hat, quality, coded.latent.padded_height, {}, {}),
                           photo.width, photo.height, photo.channels, photo.bit_depth, &unshifted);
    EXPECT_GT(psnr(decoded), psnr(unshifted) + 0.01) << "quality " << quality;
  }
}

}  // namespace
}  // namespace lcodec
