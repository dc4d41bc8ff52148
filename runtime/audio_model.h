// AudioModel: a loaded lcodec audio model file (see runtime/model_file.h for
// what every model file holds, and models/lcodec/audio_architectures.py).
//
// The transforms work on B mono signals at once (B = coded channels):
//   Analysis(x (B, 1, T) in [-1, 1], quality) -> y (B, M, T / latent_stride)
//   HyperAnalysis(y) -> z (B, N, T / downsampling)
//   HyperSynthesis(z_hat) -> means, indexes, each (B, M, T / latent_stride)
//   Synthesis(latent, quality, first_frame) -> x_hat (B, 1, T)
// with T a multiple of downsampling(), at sample_rate(). first_frame is the
// position of the latent's first step in the whole signal: the synthesis
// of models with noise filling adds noise that depends on it, and fills
// zero-coded coefficients by their coded scale (the latent's symbols and
// indexes).
#ifndef LCODEC_RUNTIME_AUDIO_MODEL_H_
#define LCODEC_RUNTIME_AUDIO_MODEL_H_

#include <cstdint>
#include <string>

#include "runtime/model_file.h"

namespace lcodec::runtime {

// What the decoder parsed for a stretch of latents, each (B, M, t):
// y_hat = symbols + means (float), the residual symbols and their scale
// indexes (int32).
struct AudioLatent {
  torch::Tensor y_hat;
  torch::Tensor symbols;
  torch::Tensor indexes;
};

class AudioModel : public ModelFile {
 public:
  // Loads and checks `path`; refuses models of other media (such as images).
  static Status Load(const std::string& path, AudioModel* out);

  int sample_rate() const { return sample_rate_; }      // Hz; the codec resamples to it
  int latent_stride() const { return latent_stride_; }  // samples per latent step
  // Context, in samples (multiples of downsampling()), that a chunk's
  // analysis and synthesis need on each side for chunked transforms to
  // match one pass over the whole signal.
  int analysis_margin() const { return analysis_margin_; }
  int synthesis_margin() const { return synthesis_margin_; }
  // Zero samples the encoder appends after the signal at least, for
  // transforms that reconstruct the very end of their input only
  // approximately (an MDCT's last hop). 0 for files without the attribute.
  int tail_padding() const { return tail_padding_; }

  torch::Tensor Synthesis(const AudioLatent& latent, double quality, int64_t first_frame);

 private:
  int sample_rate_ = 0;
  int latent_stride_ = 0;
  int analysis_margin_ = 0;
  int synthesis_margin_ = 0;
  int tail_padding_ = 0;
  // 5 (y_hat, quality, first_frame, symbols, indexes); files exported
  // before the decoder's noise fill take 3 (no symbols and indexes), those
  // before noise filling 2 (y_hat, quality).
  size_t synthesis_arguments_ = 0;
};

}  // namespace lcodec::runtime

#endif  // LCODEC_RUNTIME_AUDIO_MODEL_H_
