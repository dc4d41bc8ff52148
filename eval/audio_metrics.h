// Distortion between an original clip and its decoded version, both at the
// original sample rate and channel count and of the same length:
//   SNR      10 log10(sum x^2 / sum (x - y)^2) over every sample of every
//            channel; identical clips get kMaxAudioDb.
//   SI-SDR   scale-invariant SDR (Le Roux et al. 2019) over the same samples:
//            with a = <y, x> / <x, x>, 10 log10(|a x|^2 / |a x - y|^2); a gain
//            change costs nothing. No mean removal.
//   LSD      log-spectral distance in dB: per frame the root mean square over
//            bins of 10 log10(P_x / P_y), averaged over frames (2048-point
//            Hann frames, hop 512, powers floored at 1e-10).
//   mel      multi-resolution log-mel distance: the mean absolute difference
//            of log10 mel magnitudes (80 HTK bands up to half the sample
//            rate, magnitudes floored at 1e-5) at three STFT resolutions,
//            512, 1024 and 2048 points with hop a quarter of that,
//            averaged over the resolutions.
//   STOI     short-time objective intelligibility (Taal, Hendriks, Heusdens,
//            Jensen 2011), 0..1: both at 10 kHz; frames where the original
//            is more than 40 dB below its loudest frame dropped; 256-sample
//            Hann frames, hop 128, 512-point FFT; 15 one-third octave bands
//            from 150 Hz; 30-frame (384 ms) segments; the decoded band
//            envelope normalised to the original's energy and clipped at
//            -15 dB SDR; the mean correlation over bands and segments.
//            Meant for speech.
// LSD, mel and STOI are computed per channel and averaged.
#ifndef LCODEC_EVAL_AUDIO_METRICS_H_
#define LCODEC_EVAL_AUDIO_METRICS_H_

#include "common/audio.h"
#include "common/status.h"

namespace lcodec::eval {

// SNR and SI-SDR of identical clips are infinite; this ceiling keeps means
// and files finite.
constexpr double kMaxAudioDb = 100.0;

struct AudioDistortion {
  double snr = 0, si_sdr = 0, lsd = 0, mel = 0;
  double stoi = 0;  // only when asked for
};

Status Snr(const Audio& reference, const Audio& test, double* out);
Status SiSdr(const Audio& reference, const Audio& test, double* out);
Status LogSpectralDistance(const Audio& reference, const Audio& test, double* out);
Status MelDistance(const Audio& reference, const Audio& test, double* out);
// Needs at least 384 ms of non-silent audio.
Status Stoi(const Audio& reference, const Audio& test, double* out);

Status MeasureAudioDistortion(const Audio& reference, const Audio& test, bool with_stoi, AudioDistortion* out);

}  // namespace lcodec::eval

#endif  // LCODEC_EVAL_AUDIO_METRICS_H_
