#include "runtime/audio_transforms.h"

#include <stdexcept>
#include <string>

namespace lcodec::runtime {
namespace {

using torch::indexing::Slice;

void CheckShape(const char* what, const torch::Tensor& t, int64_t batch, int64_t channels, int64_t length) {
  const bool ok = t.dim() == 3 && t.size(0) == batch && t.size(1) >= 1 && (channels < 0 || t.size(1) == channels) &&
                  t.size(2) == length;
  if (!ok) {
    std::string shape;
    for (int64_t d : t.sizes()) shape += (shape.empty() ? "" : "x") + std::to_string(d);
    throw std::runtime_error(std::string("the model's ") + what + " has an unexpected shape (" + shape + ")");
  }
}

}  // namespace

torch::Tensor AnalyzeChunk(AudioModel& model, const torch::Tensor& x, int64_t core_offset, int64_t core_length,
                           double quality) {
  const int64_t stride = model.latent_stride();
  const torch::Tensor y = model.Analysis(x, quality);
  CheckShape("latent", y, x.size(0), -1, x.size(2) / stride);
  return y.index({Slice(), Slice(), Slice(core_offset / stride, (core_offset + core_length) / stride)});
}

torch::Tensor HyperAnalyzeChunk(AudioModel& model, const torch::Tensor& y) {
  const torch::Tensor z = model.HyperAnalysis(y);
  CheckShape("hyper-latent", z, y.size(0), static_cast<int64_t>(model.z_table().size()),
             y.size(2) * model.latent_stride() / model.downsampling());
  return z;
}

void HyperSynthesizeChunk(AudioModel& model, const torch::Tensor& z_hat, torch::Tensor* means,
                          torch::Tensor* indexes) {
  model.HyperSynthesis(z_hat, means, indexes);
  *means = means->to(torch::kFloat).contiguous();
  *indexes = indexes->to(torch::kInt32).contiguous();
  const int64_t length = z_hat.size(2) * model.downsampling() / model.latent_stride();
  CheckShape("latent means", *means, z_hat.size(0), -1, length);
  CheckShape("scale indexes", *indexes, z_hat.size(0), means->size(1), length);
}

bool IndexesWithin(const torch::Tensor& indexes, size_t table_size) {
  return indexes.numel() == 0 ||
         (indexes.min().item<int64_t>() >= 0 && indexes.max().item<int64_t>() < static_cast<int64_t>(table_size));
}

torch::Tensor SynthesizeChunk(AudioModel& model, const AudioLatent& latent, int64_t first_frame,
                              int64_t core_offset, int64_t core_length, double quality) {
  const int64_t stride = model.latent_stride();
  const torch::Tensor x = model.Synthesis(latent, quality, first_frame);
  CheckShape("reconstruction", x, latent.y_hat.size(0), 1, latent.y_hat.size(2) * stride);
  return x.index({Slice(), Slice(), Slice(core_offset * stride, (core_offset + core_length) * stride)});
}

AudioLatent SliceLatent(const AudioLatent& latent, int64_t begin, int64_t end) {
  const auto steps = Slice(begin, end);
  return {latent.y_hat.index({Slice(), Slice(), steps}), latent.symbols.index({Slice(), Slice(), steps}),
          latent.indexes.index({Slice(), Slice(), steps})};
}

AudioLatent JoinLatents(const std::vector<AudioLatent>& parts) {
  std::vector<torch::Tensor> y_hat, symbols, indexes;
  for (const AudioLatent& part : parts) {
    y_hat.push_back(part.y_hat);
    symbols.push_back(part.symbols);
    indexes.push_back(part.indexes);
  }
  return {torch::cat(y_hat, 2), torch::cat(symbols, 2), torch::cat(indexes, 2)};
}

}  // namespace lcodec::runtime
