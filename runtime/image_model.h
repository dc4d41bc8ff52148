// ImageModel: a loaded lcodec image model file (see models/lcodec/export.py
// and runtime/model_file.h for what every model file holds).
//
// Analysis takes x: (1, 3, H, W) float in [0, 1] with H and W multiples of
// downsampling(); Synthesis gives the same shape back. Files may also carry
// the encoder's rate-distortion rounding weights (QuantizationWeights) and,
// from format version 2, a slice context (SlicePrior) that refines the
// hyperprior's means and scale indexes from values already decoded
// (runtime/latent_coding.h says in which order), and from format version 3
// reconstruction offsets (ReconstructionShift).
#ifndef LCODEC_RUNTIME_IMAGE_MODEL_H_
#define LCODEC_RUNTIME_IMAGE_MODEL_H_

#include <cstdint>
#include <string>
#include <vector>

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
  // What a unit squared error of one pixel's colour channel (values in
  // [0, 1]) costs in the training loss, in bits: the level's lambda
  // (interpolated like the gains) times 255^2 / 3. The rounding weighs
  // errors more: QuantizationWeights(q)[c] = rounding_distortion_factor() *
  // DistortionWeight(q) * inverse_gain[c]^2. Models with quantization weights only.
  double DistortionWeight(double quality) const;
  double rounding_distortion_factor() const { return rdo_distortion_factor_; }

  // What the synthesis input adds to mean + r for latent values coded as the
  // residuals r (any shape; integral values) with these scale indexes (same
  // shape): sign(r) * offsets[min(|r|, K) - 1][index], the offsets of the
  // two nearest trained levels interpolated linearly
  // (models/fit_reconstruction_offsets.py says why they pay). Float, zeros
  // for files before format version 3. Parsing never depends on it; the
  // slice context sees mean + r. Throws like the transforms.
  torch::Tensor ReconstructionShift(double quality, const torch::Tensor& residuals,
                                    const torch::Tensor& indexes) const;

  // The slice context's slices: lists of latent channels that together
  // hold each channel once. Empty for models without a context.
  const std::vector<std::vector<int64_t>>& slices() const { return slices_; }
  // Slice k's means (1, c_k, h, w) float and scale indexes (int32), exact:
  // y_hat (1, M, h, w) holds the values decoded so far and zeros elsewhere;
  // means and indexes are HyperSynthesis's. Throws like the transforms.
  void SlicePrior(int k, const torch::Tensor& y_hat, const torch::Tensor& means, const torch::Tensor& indexes,
                  torch::Tensor* slice_means, torch::Tensor* slice_indexes);

 private:
  Status LoadDistortionWeights(const std::string& path);
  Status LoadSlices(const std::string& path);
  Status LoadReconstructionOffsets(const std::string& path);

  bool has_quantization_weights_ = false;
  std::vector<double> log_lambdas_;  // per trained level
  double rdo_distortion_factor_ = 0;
  std::vector<std::vector<int64_t>> slices_;
  torch::Tensor reconstruction_offsets_;  // (levels, K, scale count) float; undefined before format 3
};

}  // namespace lcodec::runtime

#endif  // LCODEC_RUNTIME_IMAGE_MODEL_H_
