#include "runtime/audio_model.h"

namespace lcodec::runtime {
namespace {

// A hyper-latent step of more than ~1.4 s at 48 kHz would make chunks huge.
constexpr int kMaxAudioDownsampling = 1 << 16;
constexpr int64_t kMaxSampleRate = 768000;  // as the container allows
constexpr int64_t kMaxMargin = 1 << 20;

}  // namespace

Status AudioModel::Load(const std::string& path, AudioModel* out) {
  AudioModel model;
  LCODEC_RETURN_IF_ERROR(model.LoadCommon(path, "audio", kMaxAudioDownsampling, /*max_format_version=*/1));
  int64_t rate = 0, stride = 0, analysis_margin = 0, synthesis_margin = 0;
  LCODEC_RETURN_IF_ERROR(model.IntAttribute(path, "sample_rate", 1, kMaxSampleRate, &rate));
  LCODEC_RETURN_IF_ERROR(model.IntAttribute(path, "latent_stride", 1, model.downsampling(), &stride));
  LCODEC_RETURN_IF_ERROR(model.IntAttribute(path, "analysis_margin", 0, kMaxMargin, &analysis_margin));
  LCODEC_RETURN_IF_ERROR(model.IntAttribute(path, "synthesis_margin", 0, kMaxMargin, &synthesis_margin));
  int64_t tail_padding = 0;
  if (model.HasAttribute("tail_padding"))
    LCODEC_RETURN_IF_ERROR(model.IntAttribute(path, "tail_padding", 0, kMaxMargin, &tail_padding));
  // Chunk borders and their margins must fall on whole hyper-latents.
  if (model.downsampling() % stride || analysis_margin % model.downsampling() ||
      synthesis_margin % model.downsampling())
    return Status::InvalidArgument("'" + path + "': the model's downsampling is not a multiple of its latent "
                                   "stride, or its margins are not multiples of its downsampling");
  model.sample_rate_ = static_cast<int>(rate);
  model.latent_stride_ = static_cast<int>(stride);
  model.analysis_margin_ = static_cast<int>(analysis_margin);
  model.synthesis_margin_ = static_cast<int>(synthesis_margin);
  model.tail_padding_ = static_cast<int>(tail_padding);
  size_t synthesis_arguments = 0;
  LCODEC_RETURN_IF_ERROR(model.SynthesisArgumentCount(path, &synthesis_arguments));
  if (synthesis_arguments != 2 && synthesis_arguments != 3 && synthesis_arguments != 5)
    return Status::InvalidArgument("'" + path + "': the model's synthesis takes " +
                                   std::to_string(synthesis_arguments) + " arguments, not 2, 3 or 5");
  model.synthesis_arguments_ = synthesis_arguments;
  *out = std::move(model);
  return Status::Ok();
}

torch::Tensor AudioModel::Synthesis(const AudioLatent& latent, double quality, int64_t first_frame) {
  if (synthesis_arguments_ == 2) return ModelFile::Synthesis(latent.y_hat, quality);
  if (synthesis_arguments_ == 3) return RunSynthesis({latent.y_hat, quality, first_frame});
  return RunSynthesis({latent.y_hat, quality, first_frame, latent.symbols, latent.indexes});
}

}  // namespace lcodec::runtime
