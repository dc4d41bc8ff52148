// ImageModel: a loaded lcodec image model file (see models/lcodec/export.py).
//
// The file is a TorchScript archive: float transforms run through libtorch,
// an exact integer hyper-synthesis that decides every entropy-coding choice,
// and the 16-bit CDF tables of the hyper-latent (one per channel) and of the
// latent residuals (one per scale). Encoder and decoder both load it here.
#ifndef LCODEC_RUNTIME_IMAGE_MODEL_H_
#define LCODEC_RUNTIME_IMAGE_MODEL_H_

#include <torch/script.h>

#include <string>

#include "bitstream/container.h"
#include "common/status.h"
#include "entropy/cdf_table.h"

namespace lcodec::runtime {

class ImageModel {
 public:
  // Loads and checks `path`. Never throws: a missing, foreign or damaged
  // file gives a Status naming the file.
  static Status Load(const std::string& path, ImageModel* out);

  const std::string& name() const { return name_; }
  const bitstream::ModelId& id() const { return id_; }  // SHA-256 of the file
  int downsampling() const { return downsampling_; }     // input sides are padded to this multiple
  double quality_min() const { return quality_min_; }
  double quality_max() const { return quality_max_; }
  const entropy::CdfTable& z_table() const { return z_table_; }
  const entropy::CdfTable& y_table() const { return y_table_; }

  // The transforms. x: (1, 3, H, W) float in [0, 1] with H, W multiples of
  // downsampling(). They throw c10::Error only on libtorch failures (such as
  // running out of memory); callers wrap them with Guard below.
  torch::Tensor Analysis(const torch::Tensor& x, double quality);
  torch::Tensor HyperAnalysis(const torch::Tensor& y);
  // Exact: the same z_hat gives the same means and indexes everywhere.
  void HyperSynthesis(const torch::Tensor& z_hat, torch::Tensor* means, torch::Tensor* indexes);
  torch::Tensor Synthesis(const torch::Tensor& y_hat, double quality);

 private:
  torch::jit::Module module_;
  std::string name_;
  bitstream::ModelId id_{};
  int downsampling_ = 0;
  double quality_min_ = 0, quality_max_ = 0;
  entropy::CdfTable z_table_, y_table_;
};

// Runs `body`, turning a libtorch exception into a Status naming `what`.
template <typename Body>
Status Guard(const char* what, Body&& body) {
  try {
    body();
    return Status::Ok();
  } catch (const std::exception& e) {
    std::string message = e.what();
    message = message.substr(0, message.find('\n'));
    return Status::InvalidArgument(std::string(what) + ": " + message);
  }
}

}  // namespace lcodec::runtime

#endif  // LCODEC_RUNTIME_IMAGE_MODEL_H_
