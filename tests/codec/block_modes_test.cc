// Block modes of predicted video frames (runtime/block_modes.h) and the
// encoder's search for them (encoder/block_mode_search.h), on hand-made
// latents whose best modes are known.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <vector>

#include "encoder/block_mode_search.h"
#include "entropy/symbol_coder.h"
#include "runtime/block_modes.h"
#include "tests/codec/laplacian_table.h"

namespace lcodec {
namespace {

using runtime::kIntraBlock;
using runtime::kSkipBlock;
using runtime::kTemporalBlock;

// 16 CDFs over -30..30 whose scale doubles every 2 indexes.
entropy::CdfTable ScaleTable() { return LaplacianTable(16, 0.1, std::sqrt(2.0), 30); }

// encoder::CodedResiduals on channel-major integer residuals, as integers.
std::vector<int32_t> CodedSymbols(const std::vector<int32_t>& intra, const std::vector<int32_t>& temporal,
                                  const std::vector<int32_t>& modes) {
  const auto latent = [&](const std::vector<int32_t>& values) {
    return torch::tensor(torch::ArrayRef<int32_t>(values), torch::kFloat32)
        .reshape({1, -1, 1, static_cast<int64_t>(modes.size())});
  };
  const torch::Tensor coded = encoder::CodedResiduals(latent(intra), latent(temporal), modes).to(torch::kInt32);
  return std::vector<int32_t>(coded.data_ptr<int32_t>(), coded.data_ptr<int32_t>() + coded.numel());
}

TEST(BlockModes, ModeTableChecksItsFrequencies) {
  entropy::CdfTable table;
  EXPECT_TRUE(runtime::ModeTable({1, 1, 1}, &table).ok());
  EXPECT_TRUE(runtime::ModeTable({65000, 500, 35}, &table).ok());
  EXPECT_EQ(runtime::ModeTable({0, 1, 1}, &table).code(), Status::Code::kCorrupt);
  EXPECT_EQ(runtime::ModeTable({65000, 500, 36}, &table).code(), Status::Code::kCorrupt);  // leaves no escape
  EXPECT_EQ(runtime::CheckModes({0, 1, 2}).code(), Status::Code::kOk);
  EXPECT_EQ(runtime::CheckModes({0, 3}).code(), Status::Code::kCorrupt);
  EXPECT_EQ(runtime::CheckModes({-1}).code(), Status::Code::kCorrupt);
}

TEST(BlockModes, CodedResidualsAndReconstructionFollowTheModes) {
  // 2 channels x 3 positions: intra, temporal, skip.
  const std::vector<int32_t> modes = {kIntraBlock, kTemporalBlock, kSkipBlock};
  std::vector<uint16_t> indexes;
  runtime::CodedSymbolIndexes({5, 3, 7, 1, 10, 4}, modes, 2, &indexes);
  EXPECT_EQ(indexes, (std::vector<uint16_t>{5, 1, 1, 8}));  // temporal: lowered by 2, not below 0

  const std::vector<int32_t> intra = {1, 2, 3, 4, 5, 6}, temporal = {-1, -2, 0, -4, -5, 0};
  const std::vector<int32_t> coded = CodedSymbols(intra, temporal, modes);
  EXPECT_EQ(coded, (std::vector<int32_t>{1, -2, 4, -5}));

  const torch::Tensor means = torch::tensor({0.25f, 0.5f, 0.75f, 1.f, 1.25f, 1.5f}).reshape({1, 2, 1, 3});
  const torch::Tensor reference = torch::tensor({10.f, 20.f, 30.f, 40.f, 50.f, 60.f}).reshape({1, 2, 1, 3});
  const torch::Tensor y_hat = runtime::ReconstructLatent(coded, means, reference, modes);
  const std::vector<float> expected = {1.25f, 18.f, 30.f, 5.f, 45.f, 60.f};
  EXPECT_TRUE(torch::equal(y_hat, torch::tensor(expected).reshape({1, 2, 1, 3})));
}

// 4 channels x 3 positions, all with scale index 12 (a wide distribution).
// Position 0: the previous frame is far off, the intra residual small ->
// intra. Position 1: the previous frame is close but not exact ->
// temporal. Position 2: the previous frame is exact -> skip.
struct ThreeModeLatent {
  static constexpr size_t positions = 3;
  std::vector<uint16_t> indexes = std::vector<uint16_t>(12, 12);
  std::vector<int32_t> intra = std::vector<int32_t>(12), temporal = std::vector<int32_t>(12);
  ThreeModeLatent() {
    for (int c = 0; c < 4; ++c) {
      intra[c * 3 + 0] = 1, temporal[c * 3 + 0] = 25;
      intra[c * 3 + 1] = 9, temporal[c * 3 + 1] = c % 2;
      intra[c * 3 + 2] = -8, temporal[c * 3 + 2] = 0;
    }
  }
};

TEST(BlockModeSearch, PicksTheCheapestModeOfEachPosition) {
  const entropy::CdfTable table = ScaleTable();
  ThreeModeLatent latent;
  const size_t positions = latent.positions;
  const std::vector<uint16_t>& indexes = latent.indexes;
  const std::vector<int32_t>& intra = latent.intra;
  std::vector<int32_t>& temporal = latent.temporal;
  encoder::BlockModeChoice choice;
  ASSERT_TRUE(encoder::ChooseBlockModes(table, indexes, intra, temporal, positions, nullptr, &choice).ok());
  EXPECT_EQ(choice.modes, (std::vector<int32_t>{kIntraBlock, kTemporalBlock, kSkipBlock}));
  EXPECT_GT(choice.scale_shift, 0);  // temporal residuals of 0 and 1 want a narrower CDF
  entropy::CdfTable mode_table;
  EXPECT_TRUE(runtime::ModeTable(choice.mode_frequencies, &mode_table).ok());

  // The symbols and CDF indexes the choice implies round-trip through the coder.
  const std::vector<int32_t> coded = CodedSymbols(intra, temporal, choice.modes);
  std::vector<uint16_t> coded_indexes;
  runtime::CodedSymbolIndexes(indexes, choice.modes, choice.scale_shift, &coded_indexes);
  ASSERT_EQ(coded.size(), coded_indexes.size());
  std::vector<uint8_t> blob;
  ASSERT_TRUE(entropy::EncodeSymbols(table, coded.data(), coded_indexes.data(), coded.size(), {}, &blob).ok());
  std::vector<int32_t> decoded(coded.size());
  ASSERT_TRUE(entropy::DecodeSymbols(table, blob.data(), blob.size(), coded_indexes.data(), coded.size(), 1,
                                     decoded.data()).ok());
  EXPECT_EQ(decoded, coded);

  // A skip is refused where any channel's temporal residual is not 0.
  temporal[2] = 1;
  ASSERT_TRUE(encoder::ChooseBlockModes(table, indexes, intra, temporal, positions, nullptr, &choice).ok());
  EXPECT_NE(choice.modes[2], kSkipBlock);
  EXPECT_EQ(encoder::ChooseBlockModes(table, indexes, intra, temporal, 5, nullptr, &choice).code(),
            Status::Code::kInvalidArgument);
}

TEST(BlockModeSearch, WithDistortionsAPositionSkipsWhereItsErrorCostsLessThanItsBits) {
  // By bits alone: intra, temporal and skip.
  const entropy::CdfTable table = ScaleTable();
  const ThreeModeLatent latent;
  const auto choose = [&](const encoder::ModeDistortions* distortions, encoder::BlockModeChoice* choice) {
    return encoder::ChooseBlockModes(table, latent.indexes, latent.intra, latent.temporal, latent.positions,
                                     distortions, choice);
  };
  encoder::BlockModeChoice by_bits, choice;
  ASSERT_TRUE(choose(nullptr, &by_bits).ok());
  // Skipping position 1 costs far more than coding its temporal residual:
  // the modes stay, and the estimate counts bits, not distortion.
  encoder::ModeDistortions distortions{{3, 3, 3}, {0, 0, 0}, {1e6, 1e6, 0}};
  ASSERT_TRUE(choose(&distortions, &choice).ok());
  EXPECT_EQ(choice.modes, (std::vector<int32_t>{kIntraBlock, kTemporalBlock, kSkipBlock}));
  EXPECT_EQ(choice.estimated_bits, by_bits.estimated_bits);
  EXPECT_GT(choice.mode_map_bits, 0);
  EXPECT_LT(choice.mode_map_bits, choice.estimated_bits);
  // Skipping it loses half a bit's worth, less than its symbols cost.
  distortions.skip[1] = 0.5;
  ASSERT_TRUE(choose(&distortions, &choice).ok());
  EXPECT_EQ(choice.modes, (std::vector<int32_t>{kIntraBlock, kSkipBlock, kSkipBlock}));
  EXPECT_LT(choice.estimated_bits, by_bits.estimated_bits);
  distortions.skip.pop_back();
  EXPECT_EQ(choose(&distortions, &choice).code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace lcodec
