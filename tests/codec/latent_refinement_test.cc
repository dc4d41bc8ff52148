// Latent refinement (encoder/latent_refinement.h): on a real photo with the
// shipped model it must lower the cost it aims at, distortion weight times
// the decoded image's squared error plus the stream's bits; it must leave
// frozen positions alone and refuse a problem that does not fit the latent.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>
#include <vector>

#include "apps/image_io.h"
#include "decoder/image_decoder.h"
#include "encoder/image_encoder.h"
#include "encoder/latent_refinement.h"

namespace lcodec {
namespace {

class LatentRefinementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    torch::set_num_threads(1);
    const Status status = runtime::ImageModel::Load(LCODEC_SHIPPED_IMAGE_MODEL, &model_);
    ASSERT_TRUE(status.ok()) << status.ToString();
    ASSERT_TRUE(model_.has_quantization_weights());
  }

  // distortion weight * sum of squared errors (in [0, 1] units) + bits of
  // the stream that `rounds` of refinement give at `quality`.
  double CodingCost(const Image& photo, double quality, int rounds) {
    encoder::ImageEncodeOptions options;
    options.quality = quality;
    options.refinement_rounds = rounds;
    std::vector<uint8_t> stream;
    EXPECT_TRUE(encoder::EncodeImage(model_, photo, options, &stream).ok());
    Image decoded;
    EXPECT_TRUE(decoder::DecodeImage(model_, stream.data(), stream.size(), {}, &decoded).ok());
    double squared_error = 0;
    for (size_t i = 0; i < photo.samples.size(); ++i) {
      const double error = (static_cast<double>(decoded.samples[i]) - photo.samples[i]) / 255.0;
      squared_error += error * error;
    }
    return model_.DistortionWeight(quality) * squared_error + 8.0 * static_cast<double>(stream.size());
  }

  runtime::ImageModel model_;
};

TEST_F(LatentRefinementTest, LowersTheRateDistortionCostOfARealPhoto) {
  Image photo;
  ASSERT_TRUE(apps::ReadImage(LCODEC_CI_PHOTO, &photo).ok());
  for (const double quality : {2.0, 6.0}) {
    const double plain = CodingCost(photo, quality, 0), refined = CodingCost(photo, quality, 2);
    EXPECT_LT(refined, 0.995 * plain) << "quality " << quality;
  }
}

// A problem over a small random latent of the shipped model.
encoder::RefinementProblem SmallProblem(runtime::ImageModel& model, torch::Tensor* y_hat) {
  torch::manual_seed(3);
  encoder::RefinementProblem problem;
  problem.image = torch::rand({1, 3, 32, 48});
  problem.image_weight = torch::ones({1, 1, 32, 48});
  problem.means = torch::randn({1, 192, 4, 6});
  problem.indexes = torch::randint(0, static_cast<int64_t>(model.y_table().size()), {1, 192, 4, 6}).to(torch::kInt32);
  problem.frozen = torch::zeros({1, 1, 4, 6});
  problem.quality = 4;
  problem.weights = model.QuantizationWeights(problem.quality) / model.rounding_distortion_factor();
  problem.distortion_weight = model.DistortionWeight(problem.quality);
  *y_hat = problem.means + torch::randint(-3, 4, {1, 192, 4, 6}).to(torch::kFloat);
  return problem;
}

TEST_F(LatentRefinementTest, MovesValuesByWholeStepsAndLeavesFrozenPositionsAlone) {
  torch::Tensor y_hat;
  encoder::RefinementProblem problem = SmallProblem(model_, &y_hat);
  problem.frozen.index_put_({0, 0, torch::indexing::Slice(0, 2)}, 1.0);  // the top half
  const torch::Tensor before = y_hat.clone();
  ASSERT_TRUE(encoder::RefineLatent(model_, problem, 2, runtime::ImageTiling{}, &y_hat).ok());
  const torch::Tensor moved = y_hat - before;
  EXPECT_LT((moved - moved.round()).abs().max().item<float>(), 1e-4f);
  EXPECT_LE(moved.abs().max().item<float>(), 2.0f);
  using torch::indexing::Slice;
  EXPECT_EQ(moved.index({0, Slice(), Slice(0, 2)}).abs().max().item<float>(), 0.0f);
  // A random latent is far from what the pixels want: the free half moves.
  EXPECT_GT(moved.index({0, Slice(), Slice(2, 4)}).abs().max().item<float>(), 0.5f);
}

TEST_F(LatentRefinementTest, RefusesAProblemThatDoesNotFitTheLatent) {
  torch::Tensor y_hat;
  encoder::RefinementProblem problem = SmallProblem(model_, &y_hat);
  encoder::RefinementProblem wrong_means = problem;
  wrong_means.means = torch::zeros({1, 192, 4, 5});
  EXPECT_EQ(encoder::RefineLatent(model_, wrong_means, 1, {}, &y_hat).code(), Status::Code::kInvalidArgument);
  encoder::RefinementProblem wrong_image = problem;
  wrong_image.image = torch::zeros({1, 3, 30, 48});
  EXPECT_EQ(encoder::RefineLatent(model_, wrong_image, 1, {}, &y_hat).code(), Status::Code::kInvalidArgument);
  encoder::RefinementProblem bad_index = problem;
  bad_index.indexes = problem.indexes.clone();
  bad_index.indexes.index_put_({0, 0, 0, 0}, static_cast<int>(model_.y_table().size()));
  EXPECT_EQ(encoder::RefineLatent(model_, bad_index, 1, {}, &y_hat).code(), Status::Code::kInvalidArgument);
  encoder::RefinementProblem no_weights = problem;
  no_weights.distortion_weight = 0;
  EXPECT_EQ(encoder::RefineLatent(model_, no_weights, 1, {}, &y_hat).code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace lcodec
