// ModelFile: what every lcodec model file has, whatever its kind of media
// (see models/lcodec/export.py): a TorchScript archive with four transforms,
// float ones run through libtorch and an exact integer hyper-synthesis that
// decides every entropy-coding choice, the 16-bit CDF tables of the
// hyper-latent (one per channel) and of the latent residuals (one per
// scale), and plain attributes (name, format_version, modality,
// downsampling, quality range). ImageModel and AudioModel add what is
// particular to their media.
#ifndef LCODEC_RUNTIME_MODEL_FILE_H_
#define LCODEC_RUNTIME_MODEL_FILE_H_

#include <torch/csrc/jit/frontend/error_report.h>
#include <torch/script.h>

#include <cstdint>
#include <string>
#include <vector>

#include "bitstream/container.h"
#include "common/status.h"
#include "entropy/cdf_table.h"

namespace lcodec::runtime {

class ModelFile {
 public:
  const std::string& name() const { return name_; }
  const bitstream::ModelId& id() const { return id_; }  // SHA-256 of the file
  int downsampling() const { return downsampling_; }     // inputs are padded to this multiple
  double quality_min() const { return quality_min_; }
  double quality_max() const { return quality_max_; }
  const entropy::CdfTable& z_table() const { return z_table_; }
  const entropy::CdfTable& y_table() const { return y_table_; }

  // The transforms; the subclasses say what the tensors hold. They throw
  // c10::Error only on libtorch failures (such as running out of memory);
  // callers wrap them with Guard below.
  torch::Tensor Analysis(const torch::Tensor& x, double quality);
  torch::Tensor HyperAnalysis(const torch::Tensor& y);
  // Exact: the same z_hat gives the same means and indexes everywhere.
  void HyperSynthesis(const torch::Tensor& z_hat, torch::Tensor* means, torch::Tensor* indexes);
  torch::Tensor Synthesis(const torch::Tensor& y_hat, double quality);

 protected:
  // The synthesis with other arguments than (y_hat, quality), such as an
  // audio model's position (AudioModel::Synthesis).
  torch::Tensor RunSynthesis(std::vector<torch::IValue> inputs);
  // How many arguments the file's synthesis takes (not counting its module).
  Status SynthesisArgumentCount(const std::string& path, size_t* count);

  // Loads and checks `path` as a model of `modality` ("image", "audio"); a
  // model file without the modality attribute is an image model (files
  // exported before audio existed). Files of a format version above
  // `max_format_version` need a newer lcodec. Never throws: a missing,
  // foreign, damaged or other-media file gives a Status naming the file.
  Status LoadCommon(const std::string& path, const std::string& modality, int max_downsampling,
                    int max_format_version);
  int format_version() const { return format_version_; }

  // A plain integer attribute of the loaded file, which must lie in [low, high].
  Status IntAttribute(const std::string& path, const char* attribute, int64_t low, int64_t high, int64_t* value);
  // A plain float attribute of the loaded file, which must be finite.
  Status FloatAttribute(const std::string& path, const char* attribute, double* value);
  // A tensor attribute (buffer) of the loaded file, as `type`.
  Status TensorAttribute(const std::string& path, const char* attribute, torch::ScalarType type,
                         torch::Tensor* value);
  bool HasAttribute(const char* attribute) const { return module_.hasattr(attribute); }
  bool HasMethod(const char* method) const { return module_.find_method(method).has_value(); }
  // Any of the file's methods (callers check HasMethod first).
  torch::IValue RunMethod(const char* method, std::vector<torch::IValue> inputs);

 private:
  torch::jit::Module module_;
  std::string name_;
  bitstream::ModelId id_{};
  int downsampling_ = 0;
  int format_version_ = 0;
  double quality_min_ = 0, quality_max_ = 0;
  entropy::CdfTable z_table_, y_table_;
};

// Runs `body`, turning a libtorch exception into a Status naming `what`.
template <typename Body>
Status Guard(const char* what, Body&& body) {
  try {
    body();
    return Status::Ok();
  } catch (const torch::jit::ErrorReport&) {
    // Not its what(): that formats the failing TorchScript source, which
    // libtorch 1.13 loads lazily and, from a damaged model file, throws while
    // doing so inside a noexcept function, which terminates the process.
    return Status::InvalidArgument(std::string(what) + ": the model's TorchScript code does not compile");
  } catch (const std::exception& e) {
    std::string message = e.what();
    message = message.substr(0, message.find('\n'));
    return Status::InvalidArgument(std::string(what) + ": " + message);
  }
}

}  // namespace lcodec::runtime

#endif  // LCODEC_RUNTIME_MODEL_FILE_H_
