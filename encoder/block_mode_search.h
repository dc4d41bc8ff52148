// The encoder's choice of block modes for a predicted video frame
// (runtime/block_modes.h): the scale shift k and each latent position's
// mode that minimise the frame's estimated bits.
#ifndef LCODEC_ENCODER_BLOCK_MODE_SEARCH_H_
#define LCODEC_ENCODER_BLOCK_MODE_SEARCH_H_

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
};

// The scale shifts tried: the study (models/temporal_study.py) searched
// 0..32 in steps of 2, and the scale table has 64 entries.
inline constexpr int kMaxScaleShift = 32;

// Both residuals are channel-major, channels x positions values:
// intra_symbols = round(y - mu), temporal_symbols = round(y - y_ref).
// A position may skip only where its temporal residual is zero in every
// channel, so that skipping loses nothing. Per k, modes are picked twice:
// by symbol bits alone, then again with each mode's map cost at the first
// pass's frequencies added.
Status ChooseBlockModes(const entropy::CdfTable& y_table, const std::vector<uint16_t>& scale_indexes,
                        const std::vector<int32_t>& intra_symbols, const std::vector<int32_t>& temporal_symbols,
                        size_t positions, BlockModeChoice* out);

// The symbols a predicted frame codes, in coding order (channel-major over
// the positions that do not skip): the intra or temporal residual by mode.
void CodedSymbols(const std::vector<int32_t>& intra_symbols, const std::vector<int32_t>& temporal_symbols,
                  const std::vector<int32_t>& modes, std::vector<int32_t>* out);

}  // namespace lcodec::encoder

#endif  // LCODEC_ENCODER_BLOCK_MODE_SEARCH_H_
