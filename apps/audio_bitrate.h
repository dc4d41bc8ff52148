// Audio at a target bitrate: the quality `lcodec encode -b` and the LADSPA
// filter's bitrate control both use, so that the two code a signal alike.
#ifndef LCODEC_APPS_AUDIO_BITRATE_H_
#define LCODEC_APPS_AUDIO_BITRATE_H_

#include <cstdint>

#include "common/audio.h"
#include "common/status.h"
#include "encoder/audio_encoder.h"
#include "runtime/audio_model.h"

namespace lcodec::apps {

// The quality is searched on the input's first kRatePrefixSeconds, which
// must be held in memory (and which the LADSPA filter must wait for).
constexpr double kRatePrefixSeconds = 10;

// Frames of the prefix the quality is searched on, at `sample_rate`.
inline int64_t RatePrefixFrames(int sample_rate) { return static_cast<int64_t>(kRatePrefixSeconds * sample_rate); }

// The highest quality at which `prefix` codes to at most `bits_per_second`
// with `options` (its quality and progress are ignored); the model's lowest
// quality if none fits.
Status QualityForBitrate(runtime::AudioModel& model, const Audio& prefix, double bits_per_second,
                         encoder::AudioEncodeOptions options, double* quality);

}  // namespace lcodec::apps

#endif  // LCODEC_APPS_AUDIO_BITRATE_H_
