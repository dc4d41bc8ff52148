// Sample-rate conversion of whole clips with libswresample, for codecs that
// run at fixed rates and for STOI's 10 kHz.
#ifndef LCODEC_EVAL_AUDIO_RESAMPLE_H_
#define LCODEC_EVAL_AUDIO_RESAMPLE_H_

#include "common/audio.h"
#include "common/status.h"

namespace lcodec::eval {

// out gets `in` at `sample_rate`, round(frames * sample_rate / in rate)
// frames long, aligned with it: the resampler's own delay is taken out, so
// output sample k lies at time k / sample_rate like input sample
// k * in rate / sample_rate. Same rate: a copy.
Status ResampleAudio(const Audio& in, int sample_rate, Audio* out);

}  // namespace lcodec::eval

#endif  // LCODEC_EVAL_AUDIO_RESAMPLE_H_
