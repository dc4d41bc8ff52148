#include "eval/audio_spectrum.h"

#include <cmath>
#include <complex>
#include <utility>

namespace lcodec::eval {
namespace {

// In-place iterative radix-2 FFT; data.size() is a power of two.
void Fft(std::vector<std::complex<double>>& data) {
  const size_t n = data.size();
  for (size_t i = 1, j = 0; i < n; ++i) {
    size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(data[i], data[j]);
  }
  for (size_t length = 2; length <= n; length <<= 1) {
    const std::complex<double> step = std::polar(1.0, -2 * M_PI / static_cast<double>(length));
    for (size_t start = 0; start < n; start += length) {
      std::complex<double> w = 1;
      for (size_t k = 0; k < length / 2; ++k, w *= step) {
        const std::complex<double> even = data[start + k], odd = w * data[start + k + length / 2];
        data[start + k] = even + odd;
        data[start + k + length / 2] = even - odd;
      }
    }
  }
}

double HzToMel(double hz) { return 2595 * std::log10(1 + hz / 700); }
double MelToHz(double mel) { return 700 * (std::pow(10, mel / 2595) - 1); }

}  // namespace

std::vector<double> HannWindow(int size) {
  std::vector<double> window(size);
  for (int i = 0; i < size; ++i) window[i] = 0.5 - 0.5 * std::cos(2 * M_PI * (i + 1) / (size + 1));
  return window;
}

std::vector<std::vector<double>> PowerSpectrogram(const std::vector<double>& signal, const std::vector<double>& window,
                                                  int hop, int fft_size) {
  std::vector<std::vector<double>> spectra;
  const size_t size = window.size();
  std::vector<std::complex<double>> buffer(fft_size);
  for (size_t start = 0; start + size <= signal.size(); start += hop) {
    std::fill(buffer.begin(), buffer.end(), 0.0);
    for (size_t i = 0; i < size; ++i) buffer[i] = signal[start + i] * window[i];
    Fft(buffer);
    std::vector<double> power(fft_size / 2 + 1);
    for (size_t k = 0; k < power.size(); ++k) power[k] = std::norm(buffer[k]);
    spectra.push_back(std::move(power));
  }
  return spectra;
}

std::vector<std::vector<double>> MelFilters(int bands, int fft_size, int sample_rate) {
  const int bins = fft_size / 2 + 1;
  const double top = HzToMel(sample_rate / 2.0);
  std::vector<std::vector<double>> filters(bands, std::vector<double>(bins, 0.0));
  for (int b = 0; b < bands; ++b) {
    const double lo = MelToHz(top * b / (bands + 1)), mid = MelToHz(top * (b + 1) / (bands + 1)),
                 hi = MelToHz(top * (b + 2) / (bands + 1));
    for (int k = 0; k < bins; ++k) {
      const double f = static_cast<double>(k) * sample_rate / fft_size;
      if (f > lo && f < hi) filters[b][k] = f <= mid ? (f - lo) / (mid - lo) : (hi - f) / (hi - mid);
    }
  }
  return filters;
}

}  // namespace lcodec::eval
