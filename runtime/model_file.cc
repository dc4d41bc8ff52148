#include "runtime/model_file.h"

extern "C" {
#include <libavutil/mem.h>
#include <libavutil/sha.h>
}

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

#include <caffe2/serialize/read_adapter_interface.h>

#include "runtime/archive_check.h"
#include "runtime/torch_threads.h"

namespace lcodec::runtime {
namespace {

// No lcodec model comes near this; it bounds what a wrong path makes lcodec read.
constexpr uint64_t kMaxModelFileBytes = uint64_t{1} << 30;

Status ReadModelFile(const std::string& path, std::vector<uint8_t>* bytes) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) return Status::IOError("cannot open model file '" + path + "'");
  std::vector<uint8_t> buffer(1 << 16);
  size_t n;
  bytes->clear();
  while ((n = std::fread(buffer.data(), 1, buffer.size(), file)) > 0 && bytes->size() <= kMaxModelFileBytes)
    bytes->insert(bytes->end(), buffer.begin(), buffer.begin() + n);
  const bool failed = std::ferror(file);
  std::fclose(file);
  if (failed) return Status::IOError("cannot read model file '" + path + "'");
  if (bytes->size() > kMaxModelFileBytes)
    return Status::InvalidArgument("'" + path + "' is larger than any lcodec model (1 GiB)");
  return Status::Ok();
}

bitstream::ModelId Sha256(const std::vector<uint8_t>& bytes) {
  std::unique_ptr<AVSHA, void (*)(void*)> sha(av_sha_alloc(), av_free);
  av_sha_init(sha.get(), 256);
  // av_sha_update takes an unsigned int length.
  for (size_t at = 0; at < bytes.size(); at += 1 << 20)
    av_sha_update(sha.get(), bytes.data() + at, static_cast<unsigned>(std::min<size_t>(1 << 20, bytes.size() - at)));
  bitstream::ModelId id;
  av_sha_final(sha.get(), id.data());
  return id;
}

// libtorch reads the archive from the bytes that were checked and hashed.
// (caffe2's own MemoryReadAdapter copies without checking the range.)
class BytesReadAdapter : public caffe2::serialize::ReadAdapterInterface {
 public:
  explicit BytesReadAdapter(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)) {}
  size_t size() const override { return bytes_.size(); }
  size_t read(uint64_t pos, void* buf, size_t n, const char*) const override {
    if (pos >= bytes_.size()) return 0;
    n = std::min<uint64_t>(n, bytes_.size() - pos);
    std::memcpy(buf, bytes_.data() + pos, n);
    return n;
  }

 private:
  const std::vector<uint8_t> bytes_;
};

// Reads the tables "<prefix>_cdfs", "_cdf_sizes" and "_offsets" (int32).
Status LoadTable(const torch::jit::Module& module, const std::string& prefix, entropy::CdfTable* out) {
  const torch::Tensor cdfs = module.attr(prefix + "_cdfs").toTensor().to(torch::kInt64).contiguous();
  const torch::Tensor sizes = module.attr(prefix + "_cdf_sizes").toTensor().to(torch::kInt64).contiguous();
  const torch::Tensor offsets = module.attr(prefix + "_offsets").toTensor().to(torch::kInt64).contiguous();
  if (sizes.dim() != 1 || offsets.dim() != 1 || cdfs.dim() != 1 || sizes.numel() != offsets.numel())
    return Status::Corrupt(prefix + " tables have inconsistent shapes");
  std::vector<std::vector<uint32_t>> tables;
  std::vector<int32_t> table_offsets;
  const int64_t* cdf = cdfs.data_ptr<int64_t>();
  int64_t position = 0;
  for (int64_t i = 0; i < sizes.numel(); ++i) {
    const int64_t size = sizes.data_ptr<int64_t>()[i];
    if (size < 3 || size > cdfs.numel() - position) return Status::Corrupt(prefix + " table sizes overrun the CDFs");
    std::vector<uint32_t> table(size);
    for (int64_t k = 0; k < size; ++k) {
      if (cdf[position + k] < 0 || cdf[position + k] > entropy::kCdfTotal)
        return Status::Corrupt(prefix + " CDF value out of range");
      table[k] = static_cast<uint32_t>(cdf[position + k]);
    }
    position += size;
    tables.push_back(std::move(table));
    table_offsets.push_back(static_cast<int32_t>(offsets.data_ptr<int64_t>()[i]));
  }
  if (position != cdfs.numel()) return Status::Corrupt(prefix + " tables have unused CDF values");
  Status status = entropy::CdfTable::Create(std::move(tables), std::move(table_offsets), out);
  if (!status.ok()) return Status::Corrupt(prefix + " tables: " + status.message());
  return Status::Ok();
}

// "an image", "an audio", "a video": for messages.
std::string WithArticle(const std::string& modality) {
  return (modality.find_first_of("aeiou") == 0 ? "an " : "a ") + modality;
}

}  // namespace

Status ModelFile::LoadCommon(const std::string& path, const std::string& modality, int max_downsampling,
                             int max_format_version) {
  *this = ModelFile();
  std::vector<uint8_t> bytes;
  LCODEC_RETURN_IF_ERROR(ReadModelFile(path, &bytes));
  id_ = Sha256(bytes);
  Status status = CheckModelArchive(bytes.data(), bytes.size());
  if (!status.ok()) return Status::InvalidArgument("'" + path + "': not an lcodec model file: " + status.message());
  auto adapter = std::make_shared<BytesReadAdapter>(std::move(bytes));
  status = Guard("not an lcodec model file", [&] {
    module_ = torch::jit::load(adapter, torch::kCPU);
    module_.eval();
  });
  if (!status.ok()) return Status::InvalidArgument("'" + path + "': " + status.message());
  std::string file_modality = "image";
  status = Guard(("not an lcodec " + modality + " model").c_str(), [&] {
    if (module_.hasattr("modality")) file_modality = module_.attr("modality").toStringRef();
  });
  if (!status.ok()) return Status::InvalidArgument("'" + path + "': " + status.message());
  if (file_modality != modality)
    return Status::InvalidArgument("'" + path + "' is " + WithArticle(file_modality) + " model; pass " +
                                   WithArticle(modality) + " model with -m");
  status = Guard(("not an lcodec " + modality + " model").c_str(), [&] {
    const int64_t version = module_.attr("format_version").toInt();
    if (version < 1) throw std::runtime_error("unknown format version");
    if (version > max_format_version)
      throw std::runtime_error("format version " + std::to_string(version) + " needs a newer lcodec");
    format_version_ = static_cast<int>(version);
    name_ = module_.attr("name").toStringRef();
    const int64_t downsampling = module_.attr("downsampling").toInt();
    downsampling_ = downsampling >= 1 && downsampling <= max_downsampling ? static_cast<int>(downsampling) : 0;
    quality_min_ = module_.attr("quality_min").toDouble();
    quality_max_ = module_.attr("quality_max").toDouble();
    // Float weights are stored as fp16 to keep the file small; widening is exact.
    torch::NoGradGuard no_grad;
    for (torch::Tensor t : module_.parameters())
      if (t.scalar_type() == torch::kHalf) t.set_data(t.to(torch::kFloat));
    for (torch::Tensor t : module_.buffers())
      if (t.scalar_type() == torch::kHalf) t.set_data(t.to(torch::kFloat));
    status = LoadTable(module_, "z", &z_table_);
    if (status.ok()) status = LoadTable(module_, "y", &y_table_);
  });
  if (!status.ok()) return Status::InvalidArgument("'" + path + "': " + status.message());
  if (downsampling_ < 1 || name_.empty() || name_.size() > 64 || !(quality_min_ <= quality_max_))
    return Status::InvalidArgument("'" + path + "': implausible model attributes");
  return Status::Ok();
}

Status ModelFile::IntAttribute(const std::string& path, const char* attribute, int64_t low, int64_t high,
                               int64_t* value) {
  const Status status = Guard("not a complete lcodec model", [&] { *value = module_.attr(attribute).toInt(); });
  if (!status.ok()) return Status::InvalidArgument("'" + path + "': " + status.message());
  if (*value < low || *value > high)
    return Status::InvalidArgument("'" + path + "': implausible model attribute " + attribute + " = " +
                                   std::to_string(*value));
  return Status::Ok();
}

Status ModelFile::FloatAttribute(const std::string& path, const char* attribute, double* value) {
  const Status status = Guard("not a complete lcodec model", [&] { *value = module_.attr(attribute).toDouble(); });
  if (!status.ok()) return Status::InvalidArgument("'" + path + "': " + status.message());
  if (!std::isfinite(*value))
    return Status::InvalidArgument("'" + path + "': model attribute " + attribute + " is not finite");
  return Status::Ok();
}

Status ModelFile::TensorAttribute(const std::string& path, const char* attribute, torch::ScalarType type,
                                  torch::Tensor* value) {
  const Status status = Guard("not a complete lcodec model", [&] {
    *value = module_.attr(attribute).toTensor().to(type).contiguous();
  });
  if (!status.ok()) return Status::InvalidArgument("'" + path + "': " + status.message());
  return Status::Ok();
}

torch::Tensor ModelFile::Analysis(const torch::Tensor& x, double quality) {
  return module_.get_method("analysis")({x, quality}).toTensor();
}

torch::Tensor ModelFile::HyperAnalysis(const torch::Tensor& y) {
  return module_.get_method("hyper_analysis")({y}).toTensor();
}

void ModelFile::HyperSynthesis(const torch::Tensor& z_hat, torch::Tensor* means, torch::Tensor* indexes) {
  auto outputs = module_.get_method("hyper_synthesis")({z_hat}).toTuple();
  *means = outputs->elements()[0].toTensor().contiguous();
  *indexes = outputs->elements()[1].toTensor().contiguous();
}

torch::Tensor ModelFile::Synthesis(const torch::Tensor& y_hat, double quality) { return RunSynthesis({y_hat, quality}); }

torch::IValue ModelFile::RunMethod(const char* method, std::vector<torch::IValue> inputs) {
  return module_.get_method(method)(std::move(inputs));
}

torch::Tensor ModelFile::RunSynthesis(std::vector<torch::IValue> inputs) {
  const ScopedTorchThreads fixed(kSynthesisThreads);  // the decoded output must not depend on --threads
  return module_.get_method("synthesis")(std::move(inputs)).toTensor();
}

Status ModelFile::SynthesisArgumentCount(const std::string& path, size_t* count) {
  const Status status = Guard("not a complete lcodec model", [&] {
    *count = module_.get_method("synthesis").function().getSchema().arguments().size() - 1;  // less `self`
  });
  if (!status.ok()) return Status::InvalidArgument("'" + path + "': " + status.message());
  return Status::Ok();
}

}  // namespace lcodec::runtime
