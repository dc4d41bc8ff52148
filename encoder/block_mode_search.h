// The encoder's choice of block modes for a predicted video frame
// (runtime/block_modes.h): the scale shift k and each latent position's
// mode that minimise the frame's estimated bits, or its rate-distortion
// cost where the distortion of each mode is given.
#ifndef LCODEC_ENCODER_BLOCK_MODE_SEARCH_H_
#define LCODEC_ENCODER_BLOCK_MODE_SEARCH_H_

#include <torch/torch.h>

#include <array>
#include <cstdint>
#include <vector>

#include "common/status.h"
#include "entropy/cdf_table.h"
#include "runtime/block_modes.h"

namespace lcodec::encoder {

struct BlockModeChoice {
  int scale_shift = 0;
  std::vector<int32_t> modes;  // one per latent position
  std::array<uint16_t, runtime::kBlockModeCount> mode_frequencies{};
  double estimated_bits = 0;  // the mode map and the coded symbols
  double mode_map_bits = 0;   // the mode map's share of them
};

// What each mode leaves of a position's latent error, in bits as
// runtime::ImageModel::QuantizationWeights prices it (the weighted squared
// error summed over the position's channels), one value per position.
struct ModeDistortions {
  std::vector<double> intra, temporal, skip;
};

// The scale shifts tried: the study (models/temporal_study.py) searched
// 0..32 in steps of 2, and the scale table has 64 entries.
inline constexpr int kMaxScaleShift = 32;

// Both residuals are channel-major, channels x positions values:
// intra_symbols and temporal_symbols are y - mu and y - y_ref rounded (to
// the nearest integer or rate-distortion rounded with the intra scale
// indexes). Without distortions, a position may skip only where its
// temporal symbol is zero in every channel, so that skipping loses nothing
// the rounding would keep, and modes minimise bits; with them, any position
// may skip and modes minimise bits + distortion. Per k, modes are picked
// twice: by symbol cost alone, then again with each mode's map bits at the
// first pass's frequencies added.
Status ChooseBlockModes(const entropy::CdfTable& y_table, const std::vector<uint16_t>& scale_indexes,
                        const std::vector<int32_t>& intra_symbols, const std::vector<int32_t>& temporal_symbols,
                        size_t positions, const ModeDistortions* distortions, BlockModeChoice* out);

// The residuals a predicted frame codes, (1, C, non-skip positions) in
// coding order (channel-major over the positions that do not skip): the
// intra residual y - mu or the temporal one y - y_ref by mode. Both
// residuals are (1, C, h, w) with h * w == modes.size().
torch::Tensor CodedResiduals(const torch::Tensor& intra_residuals, const torch::Tensor& temporal_residuals,
                             const std::vector<int32_t>& modes);

}  // namespace lcodec::encoder

#endif  // LCODEC_ENCODER_BLOCK_MODE_SEARCH_H_
