// ImageModel: a loaded lcodec image model file (see models/lcodec/export.py
// and runtime/model_file.h for what every model file holds).
//
// Analysis takes x: (1, 3, H, W) float in [0, 1] with H and W multiples of
// downsampling(); Synthesis gives the same shape back. Files may also carry
// the encoder's rate-distortion rounding weights (QuantizationWeights).
#ifndef LCODEC_RUNTIME_IMAGE_MODEL_H_
#define LCODEC_RUNTIME_IMAGE_MODEL_H_

#include <string>

#include "runtime/model_file.h"

namespace lcodec::runtime {

class ImageModel : public ModelFile {
 public:
  // Loads and checks `path`; refuses models of other media (such as audio).
  static Status Load(const std::string& path, ImageModel* out);

  // Files exported before rate-distortion rounding lack the weights; their
  // encoder rounds every residual to the nearest integer.
  bool has_quantization_weights() const { return has_quantization_weights_; }
  // (M,) float64: coding a latent residual e of channel c as the integer r
  // costs about weights[c] * (e - r)^2 + bits(r) (models/lcodec/export.py).
  // Throws c10::Error like the transforms; callers Guard it.
  torch::Tensor QuantizationWeights(double quality);

 private:
  bool has_quantization_weights_ = false;
};

}  // namespace lcodec::runtime

#endif  // LCODEC_RUNTIME_IMAGE_MODEL_H_
