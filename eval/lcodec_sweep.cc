#include "eval/lcodec_sweep.h"

#include <cstdio>

namespace lcodec::eval {

std::vector<double> LcodecQualitySweep(const runtime::ModelFile& model) {
  std::vector<double> settings;
  const double lo = model.quality_min(), hi = model.quality_max();
  for (int i = 0; i < kLcodecSweepPoints; ++i) settings.push_back(lo + (hi - lo) * i / (kLcodecSweepPoints - 1));
  return settings;
}

std::string LcodecConfig(const runtime::ModelFile& model) {
  std::string id;
  for (const uint8_t b : model.id()) {
    char hex[3];
    std::snprintf(hex, sizeof hex, "%02x", b);
    id += hex;
  }
  return "lcodec model " + model.name() + " sha256 " + id + ", setting: quality, " +
         std::to_string(kLcodecSweepPoints) + " steps over the model's range";
}

}  // namespace lcodec::eval
