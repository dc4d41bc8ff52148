// What lcodec's image and audio codecs under evaluation share: the sweep of
// qualities over a model's range and the configuration that identifies it.
#ifndef LCODEC_EVAL_LCODEC_SWEEP_H_
#define LCODEC_EVAL_LCODEC_SWEEP_H_

#include <string>
#include <vector>

#include "runtime/model_file.h"

namespace lcodec::eval {

// Eight qualities evenly spaced over the model's range.
constexpr int kLcodecSweepPoints = 8;

std::vector<double> LcodecQualitySweep(const runtime::ModelFile& model);

// "lcodec model NAME sha256 HEX, setting: quality, 8 steps over the model's range".
std::string LcodecConfig(const runtime::ModelFile& model);

}  // namespace lcodec::eval

#endif  // LCODEC_EVAL_LCODEC_SWEEP_H_
