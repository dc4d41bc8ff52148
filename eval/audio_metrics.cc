#include "eval/audio_metrics.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "eval/audio_resample.h"
#include "eval/audio_spectrum.h"

namespace lcodec::eval {
namespace {

Status CheckPair(const Audio& reference, const Audio& test) {
  if (reference.channels < 1 || reference.sample_rate < 1) return Status::InvalidArgument("the reference clip is empty");
  if (test.sample_rate != reference.sample_rate || test.channels != reference.channels ||
      test.samples.size() != reference.samples.size())
    return Status::InvalidArgument("clips differ: " + std::to_string(reference.frames()) + " frames, " +
                                   std::to_string(reference.channels) + " channels at " +
                                   std::to_string(reference.sample_rate) + " Hz against " +
                                   std::to_string(test.frames()) + ", " + std::to_string(test.channels) + " at " +
                                   std::to_string(test.sample_rate) + " Hz");
  return Status::Ok();
}

double Db(double signal, double noise) {
  if (noise <= 0) return kMaxAudioDb;
  if (signal <= 0) return -kMaxAudioDb;
  return std::clamp(10 * std::log10(signal / noise), -kMaxAudioDb, kMaxAudioDb);
}

std::vector<double> Channel(const Audio& audio, int c) {
  std::vector<double> out(static_cast<size_t>(audio.frames()));
  for (size_t i = 0; i < out.size(); ++i) out[i] = audio.samples[i * audio.channels + c];
  return out;
}

// The mean over channels of a per-channel measure.
template <typename F>
double ChannelMean(const Audio& reference, const Audio& test, F measure) {
  double sum = 0;
  for (int c = 0; c < reference.channels; ++c) sum += measure(Channel(reference, c), Channel(test, c));
  return sum / reference.channels;
}

double LsdOfChannel(const std::vector<double>& x, const std::vector<double>& y) {
  constexpr int kSize = 2048, kHop = 512;
  const std::vector<double> window = HannWindow(kSize);
  const auto px = PowerSpectrogram(x, window, kHop, kSize), py = PowerSpectrogram(y, window, kHop, kSize);
  if (px.empty()) return 0;
  double sum = 0;
  for (size_t f = 0; f < px.size(); ++f) {
    double squares = 0;
    for (size_t k = 0; k < px[f].size(); ++k) {
      const double d = 10 * std::log10(std::max(px[f][k], 1e-10) / std::max(py[f][k], 1e-10));
      squares += d * d;
    }
    sum += std::sqrt(squares / px[f].size());
  }
  return sum / px.size();
}

double MelOfChannel(const std::vector<double>& x, const std::vector<double>& y, int sample_rate) {
  constexpr int kBands = 80;
  double total = 0;
  int resolutions = 0;
  for (const int size : {512, 1024, 2048}) {
    const std::vector<double> window = HannWindow(size);
    const auto px = PowerSpectrogram(x, window, size / 4, size), py = PowerSpectrogram(y, window, size / 4, size);
    if (px.empty()) continue;
    const auto filters = MelFilters(kBands, size, sample_rate);
    // Each triangle covers a few bins: visit only those.
    std::vector<std::pair<size_t, size_t>> spans;
    for (const std::vector<double>& filter : filters) {
      size_t lo = 0, hi = 0;
      for (size_t k = 0; k < filter.size(); ++k)
        if (filter[k] != 0) {
          if (hi == 0) lo = k;
          hi = k + 1;
        }
      spans.push_back({lo, hi});
    }
    double sum = 0;
    std::vector<double> mag_x(px.empty() ? 0 : px[0].size()), mag_y(mag_x.size());
    for (size_t f = 0; f < px.size(); ++f) {
      for (size_t k = 0; k < mag_x.size(); ++k) mag_x[k] = std::sqrt(px[f][k]), mag_y[k] = std::sqrt(py[f][k]);
      for (size_t b = 0; b < filters.size(); ++b) {
        double mx = 0, my = 0;
        for (size_t k = spans[b].first; k < spans[b].second; ++k) {
          mx += filters[b][k] * mag_x[k];
          my += filters[b][k] * mag_y[k];
        }
        sum += std::fabs(std::log10(std::max(mx, 1e-5)) - std::log10(std::max(my, 1e-5)));
      }
    }
    total += sum / (px.size() * filters.size());
    ++resolutions;
  }
  return resolutions ? total / resolutions : 0;
}

// STOI's constants (Taal et al. 2011).
constexpr int kStoiRate = 10000, kStoiFrame = 256, kStoiFft = 512, kStoiBands = 15, kStoiSegment = 30;
constexpr double kStoiLowestBand = 150, kStoiDynamicRange = 40, kStoiClipDb = -15;

// Drops the frames where x is more than 40 dB below its loudest frame, from
// both signals, and overlap-adds the rest back together.
void RemoveSilentFrames(std::vector<double>* x, std::vector<double>* y) {
  constexpr int kHop = kStoiFrame / 2;
  const std::vector<double> window = HannWindow(kStoiFrame);
  std::vector<size_t> starts;
  std::vector<double> energies;
  for (size_t start = 0; start + kStoiFrame <= x->size(); start += kHop) {
    double energy = 0;
    for (int i = 0; i < kStoiFrame; ++i) energy += std::pow(window[i] * (*x)[start + i], 2);
    starts.push_back(start);
    energies.push_back(20 * std::log10(std::sqrt(energy) + 1e-12));
  }
  const double loudest = energies.empty() ? 0 : *std::max_element(energies.begin(), energies.end());
  std::vector<double> kept_x, kept_y;
  size_t frames = 0;
  for (size_t f = 0; f < starts.size(); ++f) {
    if (energies[f] <= loudest - kStoiDynamicRange) continue;
    const size_t at = frames++ * kHop;
    kept_x.resize(at + kStoiFrame, 0.0);
    kept_y.resize(at + kStoiFrame, 0.0);
    for (int i = 0; i < kStoiFrame; ++i) {
      kept_x[at + i] += window[i] * (*x)[starts[f] + i];
      kept_y[at + i] += window[i] * (*y)[starts[f] + i];
    }
  }
  *x = std::move(kept_x);
  *y = std::move(kept_y);
}

// One-third octave band envelopes: bands[band][frame].
std::vector<std::vector<double>> ThirdOctaveBands(const std::vector<double>& signal) {
  const auto spectra = PowerSpectrogram(signal, HannWindow(kStoiFrame), kStoiFrame / 2, kStoiFft);
  const int bins = kStoiFft / 2 + 1;
  auto nearest_bin = [&](double hz) {
    return std::clamp(static_cast<int>(std::lround(hz * kStoiFft / kStoiRate)), 0, bins - 1);
  };
  std::vector<std::vector<double>> bands(kStoiBands, std::vector<double>(spectra.size()));
  for (int b = 0; b < kStoiBands; ++b) {
    const int lo = nearest_bin(kStoiLowestBand * std::pow(2.0, (2 * b - 1) / 6.0));
    const int hi = nearest_bin(kStoiLowestBand * std::pow(2.0, (2 * b + 1) / 6.0));
    for (size_t f = 0; f < spectra.size(); ++f) {
      double power = 0;
      for (int k = lo; k < hi; ++k) power += spectra[f][k];
      bands[b][f] = std::sqrt(power);
    }
  }
  return bands;
}

Status StoiOfChannel(std::vector<double> x, std::vector<double> y, double* out) {
  RemoveSilentFrames(&x, &y);
  const auto bx = ThirdOctaveBands(x), by = ThirdOctaveBands(y);
  const int frames = static_cast<int>(bx[0].size());
  if (frames < kStoiSegment) return Status::InvalidArgument("STOI needs at least 384 ms of non-silent audio");
  const double clip = 1 + std::pow(10.0, -kStoiClipDb / 20);
  double sum = 0;
  int count = 0;
  std::vector<double> xs(kStoiSegment), ys(kStoiSegment);
  for (int b = 0; b < kStoiBands; ++b)
    for (int end = kStoiSegment; end <= frames; ++end, ++count) {
      double x_energy = 0, y_energy = 0;
      for (int i = 0; i < kStoiSegment; ++i) {
        xs[i] = bx[b][end - kStoiSegment + i];
        ys[i] = by[b][end - kStoiSegment + i];
        x_energy += xs[i] * xs[i];
        y_energy += ys[i] * ys[i];
      }
      // The decoded envelope scaled to the original's energy, then limited
      // to 15 dB above it so that one lost band cannot dominate.
      const double gain = std::sqrt(x_energy) / (std::sqrt(y_energy) + 1e-12);
      double x_mean = 0, y_mean = 0;
      for (int i = 0; i < kStoiSegment; ++i) {
        ys[i] = std::min(ys[i] * gain, xs[i] * clip);
        x_mean += xs[i] / kStoiSegment;
        y_mean += ys[i] / kStoiSegment;
      }
      double xy = 0, xx = 0, yy = 0;
      for (int i = 0; i < kStoiSegment; ++i) {
        xy += (xs[i] - x_mean) * (ys[i] - y_mean);
        xx += (xs[i] - x_mean) * (xs[i] - x_mean);
        yy += (ys[i] - y_mean) * (ys[i] - y_mean);
      }
      sum += xy / (std::sqrt(xx * yy) + 1e-12);
    }
  *out = sum / count;
  return Status::Ok();
}

}  // namespace

Status Snr(const Audio& reference, const Audio& test, double* out) {
  LCODEC_RETURN_IF_ERROR(CheckPair(reference, test));
  double signal = 0, noise = 0;
  for (size_t i = 0; i < reference.samples.size(); ++i) {
    const double x = reference.samples[i], d = x - test.samples[i];
    signal += x * x;
    noise += d * d;
  }
  *out = Db(signal, noise);
  return Status::Ok();
}

Status SiSdr(const Audio& reference, const Audio& test, double* out) {
  LCODEC_RETURN_IF_ERROR(CheckPair(reference, test));
  double xy = 0, xx = 0;
  for (size_t i = 0; i < reference.samples.size(); ++i) {
    xy += static_cast<double>(reference.samples[i]) * test.samples[i];
    xx += static_cast<double>(reference.samples[i]) * reference.samples[i];
  }
  if (xx <= 0) return Status::InvalidArgument("SI-SDR of a silent reference is undefined");
  const double scale = xy / xx;
  double target = 0, noise = 0;
  for (size_t i = 0; i < reference.samples.size(); ++i) {
    const double t = scale * reference.samples[i], d = t - test.samples[i];
    target += t * t;
    noise += d * d;
  }
  *out = Db(target, noise);
  return Status::Ok();
}

Status LogSpectralDistance(const Audio& reference, const Audio& test, double* out) {
  LCODEC_RETURN_IF_ERROR(CheckPair(reference, test));
  *out = ChannelMean(reference, test, LsdOfChannel);
  return Status::Ok();
}

Status MelDistance(const Audio& reference, const Audio& test, double* out) {
  LCODEC_RETURN_IF_ERROR(CheckPair(reference, test));
  *out = ChannelMean(reference, test, [&](const std::vector<double>& x, const std::vector<double>& y) {
    return MelOfChannel(x, y, reference.sample_rate);
  });
  return Status::Ok();
}

Status Stoi(const Audio& reference, const Audio& test, double* out) {
  LCODEC_RETURN_IF_ERROR(CheckPair(reference, test));
  Audio x, y;
  LCODEC_RETURN_IF_ERROR(ResampleAudio(reference, kStoiRate, &x));
  LCODEC_RETURN_IF_ERROR(ResampleAudio(test, kStoiRate, &y));
  double sum = 0;
  for (int c = 0; c < x.channels; ++c) {
    double value = 0;
    LCODEC_RETURN_IF_ERROR(StoiOfChannel(Channel(x, c), Channel(y, c), &value));
    sum += value;
  }
  *out = sum / x.channels;
  return Status::Ok();
}

Status MeasureAudioDistortion(const Audio& reference, const Audio& test, bool with_stoi, AudioDistortion* out) {
  *out = AudioDistortion();
  LCODEC_RETURN_IF_ERROR(Snr(reference, test, &out->snr));
  LCODEC_RETURN_IF_ERROR(SiSdr(reference, test, &out->si_sdr));
  LCODEC_RETURN_IF_ERROR(LogSpectralDistance(reference, test, &out->lsd));
  LCODEC_RETURN_IF_ERROR(MelDistance(reference, test, &out->mel));
  if (with_stoi) LCODEC_RETURN_IF_ERROR(Stoi(reference, test, &out->stoi));
  return Status::Ok();
}

}  // namespace lcodec::eval
