// Rate-distortion optimized rounding of latent residuals (encoder only).
//
// Rounding each residual e = y - mean to the nearest integer minimizes the
// latent's squared error, not the codec's cost: when a residual's Gaussian
// is narrow, 0.6 costs far more bits coded as 1 than as 0. As a classical
// encoder's RDO quantization does one coefficient at a time, every residual
// that rounds away from zero is also tried one step closer to zero, and
// the cheaper of the two under
//   weight[channel] * (e - r)^2 + bits(r)
// is kept (bits from the very table that codes it). The decoder is
// untouched: it reads whatever integers the stream holds.
#ifndef LCODEC_ENCODER_RDO_ROUNDING_H_
#define LCODEC_ENCODER_RDO_ROUNDING_H_

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "entropy/cdf_table.h"

namespace lcodec::encoder {

// residuals: (B, C, ...) float; weights: (C) float64, or an undefined tensor
// for plain rounding; indexes: one scale index into `table` per residual
// (row-major). Refuses non-finite residuals, like ToSymbols.
Status RoundResiduals(const torch::Tensor& residuals, const torch::Tensor& weights, const entropy::CdfTable& table,
                      const std::vector<uint16_t>& indexes, std::vector<int32_t>* symbols);

}  // namespace lcodec::encoder

#endif  // LCODEC_ENCODER_RDO_ROUNDING_H_
