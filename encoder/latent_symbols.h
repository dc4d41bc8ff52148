// What every media encoder does to a latent before range coding: round it
// to integer symbols, and estimate their cost under the model's tables.
#ifndef LCODEC_ENCODER_LATENT_SYMBOLS_H_
#define LCODEC_ENCODER_LATENT_SYMBOLS_H_

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "entropy/cdf_table.h"

namespace lcodec::encoder {

// Rounds a float latent to int32 symbols (row-major), refusing non-finite values.
Status ToSymbols(const torch::Tensor& values, std::vector<int32_t>* out);

// -log2 p of `value` under CDF `index` of `table`: what coding it costs.
double SymbolBits(const entropy::CdfTable& table, uint16_t index, int32_t value);

// -sum log2 p of values[k] under CDF indexes[k] of `table`.
double EstimatedBits(const entropy::CdfTable& table, const std::vector<int32_t>& values,
                     const std::vector<uint16_t>& indexes);

}  // namespace lcodec::encoder

#endif  // LCODEC_ENCODER_LATENT_SYMBOLS_H_
