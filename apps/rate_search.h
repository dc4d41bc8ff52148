// Finding the highest quality that meets a rate target: bisection on the
// continuous quality, since rate grows with it. Shared by the media
// halves of `lcodec encode` that take a target rate (audio's -b, through
// apps/audio_bitrate.h, which the LADSPA filter uses too).
#ifndef LCODEC_APPS_RATE_SEARCH_H_
#define LCODEC_APPS_RATE_SEARCH_H_

#include <functional>

#include "common/status.h"

namespace lcodec::apps {

// try_quality(q, &fits) codes at q and says whether the result meets the
// target. Tries `low` first (if it does not fit, *quality = low: nothing
// lower exists), then `steps` bisection steps in [low, high]. *quality is
// the highest quality found to fit.
inline Status HighestQualityThatFits(double low, double high, int steps,
                                     const std::function<Status(double quality, bool* fits)>& try_quality,
                                     double* quality) {
  bool fits = false;
  LCODEC_RETURN_IF_ERROR(try_quality(low, &fits));
  *quality = low;
  if (!fits) return Status::Ok();
  for (int step = 0; step < steps; ++step) {
    const double middle = 0.5 * (low + high);
    LCODEC_RETURN_IF_ERROR(try_quality(middle, &fits));
    if (fits) {
      low = middle;
      *quality = middle;
    } else {
      high = middle;
    }
  }
  return Status::Ok();
}

}  // namespace lcodec::apps

#endif  // LCODEC_APPS_RATE_SEARCH_H_
