// Short-time spectra for the audio metrics: a radix-2 FFT, Hann-windowed
// frames, and triangular mel filters. Small sizes (up to a few thousand
// points) on one thread; no library needed.
#ifndef LCODEC_EVAL_AUDIO_SPECTRUM_H_
#define LCODEC_EVAL_AUDIO_SPECTRUM_H_

#include <vector>

namespace lcodec::eval {

// The periodic-free Hann window of `size` points that excludes the zero end
// points: w[i] = 0.5 - 0.5 cos(2 pi (i + 1) / (size + 1)) (numpy's
// hanning(size + 2)[1:-1], as STOI's reference code uses).
std::vector<double> HannWindow(int size);

// Power spectra |X_k|^2, k = 0..fft_size/2, of the frames of `signal` that
// start at 0, hop, 2 hop, ... and fit entirely: each frame of window.size()
// samples is windowed and zero-padded to fft_size (a power of two >=
// window.size()). spectra[frame][bin].
std::vector<std::vector<double>> PowerSpectrogram(const std::vector<double>& signal, const std::vector<double>& window,
                                                  int hop, int fft_size);

// Triangular filters on the HTK mel scale (2595 log10(1 + f / 700)), `bands`
// of them spanning 0 Hz to sample_rate / 2, over the fft_size / 2 + 1 bins
// of a spectrum: filters[band][bin], peaks of 1.
std::vector<std::vector<double>> MelFilters(int bands, int fft_size, int sample_rate);

}  // namespace lcodec::eval

#endif  // LCODEC_EVAL_AUDIO_SPECTRUM_H_
