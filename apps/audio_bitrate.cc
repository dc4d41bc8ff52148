#include "apps/audio_bitrate.h"

#include <vector>

#include "apps/rate_search.h"

namespace lcodec::apps {
namespace {

// Bisection steps after the lowest quality: the quality is then within
// (max - min) / 2^6 of the highest that fits.
constexpr int kRateSearchSteps = 6;

}  // namespace

Status QualityForBitrate(runtime::AudioModel& model, const Audio& prefix, double bits_per_second,
                         encoder::AudioEncodeOptions options, double* quality) {
  const double seconds = static_cast<double>(prefix.frames()) / prefix.sample_rate;
  return HighestQualityThatFits(
      model.quality_min(), model.quality_max(), kRateSearchSteps,
      [&](double candidate, bool* fits) {
        options.quality = candidate;
        options.progress = nullptr;
        std::vector<uint8_t> stream;
        LCODEC_RETURN_IF_ERROR(encoder::EncodeAudio(model, prefix, options, &stream));
        *fits = 8.0 * static_cast<double>(stream.size()) / seconds <= bits_per_second;
        return Status::Ok();
      },
      quality);
}

}  // namespace lcodec::apps
