// Block modes: how a predicted video frame refers to the previous frame
// (bitstream/SPEC.md, "Video payload"), shared by encoder and decoder.
//
// A predicted frame sends its intra hyper-latent z, as an intra frame does,
// so every latent value has its intra mean mu and scale index. Then each
// latent position (all channels at one place; one 8x8 pixel block for a
// block-DCT model) picks a mode:
//   intra:    y_hat = s + mu,      s coded with the scale index;
//   temporal: y_hat = s + y_ref,   y_ref the previous frame's y_hat, s coded
//             with the scale index lowered by the frame's k (where the
//             scene holds still the previous frame predicts much better
//             than mu, so the residual is narrower than mu's scale says);
//   skip:     y_hat = y_ref,       nothing coded.
// The modes form a map of one symbol per position, coded with a CDF the
// frame carries as three frequencies.
//
// Parsing stays exact: which CDF codes a symbol follows from the integer
// scale indexes, k and the decoded modes, never from floats; y_ref only
// moves the reconstruction.
#ifndef LCODEC_RUNTIME_BLOCK_MODES_H_
#define LCODEC_RUNTIME_BLOCK_MODES_H_

#include <torch/torch.h>

#include <array>
#include <tuple>
#include <cstdint>
#include <vector>

#include "common/status.h"
#include "entropy/cdf_table.h"
#include "runtime/video_layout.h"

namespace lcodec::runtime {

enum BlockMode : int32_t { kIntraBlock = 0, kTemporalBlock = 1, kSkipBlock = 2 };
inline constexpr int kBlockModeCount = 3;
static_assert(std::tuple_size_v<decltype(FramePrefix::mode_frequencies)> == kBlockModeCount);

// The mode map's table: one CDF over the modes 0..2 (and an escape, which
// no valid map uses). Corrupt unless every frequency is >= 1 and they sum
// to less than entropy::kCdfTotal (the escape keeps the rest).
Status ModeTable(const std::array<uint16_t, kBlockModeCount>& frequencies, entropy::CdfTable* out);

// Corrupt unless every mode is 0..2.
Status CheckModes(const std::vector<int32_t>& modes);

// The scale index of each coded symbol, in coding order: channel-major, as
// an intra latent, over the positions whose mode is not skip. scale_indexes
// holds channels x modes.size() intra indexes; temporal ones are lowered by
// scale_shift, down to 0.
void CodedSymbolIndexes(const std::vector<uint16_t>& scale_indexes, const std::vector<int32_t>& modes,
                        int scale_shift, std::vector<uint16_t>* out);

// y_hat (1, C, h, w) from the coded symbols (in coding order), the intra
// means and the previous frame's y_hat (both (1, C, h, w), float). modes
// holds h x w valid modes and symbols one per non-skip value (else it
// throws std::invalid_argument).
torch::Tensor ReconstructLatent(const std::vector<int32_t>& symbols, const torch::Tensor& means,
                                const torch::Tensor& reference, const std::vector<int32_t>& modes);

}  // namespace lcodec::runtime

#endif  // LCODEC_RUNTIME_BLOCK_MODES_H_
