#include "decoder/image_decoder.h"

#include <chrono>
#include <vector>

#include "entropy/symbol_coder.h"
#include "runtime/image_layout.h"
#include "runtime/image_transforms.h"
#include "runtime/latent_coding.h"

namespace lcodec::decoder {
namespace {

Status ExpectSection(const std::vector<bitstream::Section>& sections, size_t i, const bitstream::Tag& tag) {
  if (i >= sections.size() || sections[i].tag != tag)
    return Status::Corrupt("image stream lacks its '" + std::string(tag.data(), 4) + "' section");
  return Status::Ok();
}

}  // namespace

Status DecodeImage(runtime::ImageModel& model, const uint8_t* data, size_t size, const ImageDecodeOptions& options,
                   Image* out, ImageDecodeStats* stats) {
  bitstream::StreamHeader header;
  std::vector<bitstream::Section> sections;
  LCODEC_RETURN_IF_ERROR(bitstream::ParseContainer(data, size, options.limits, &header, &sections));
  if (header.modality != bitstream::Modality::kImage) return Status::InvalidArgument("not an image stream");
  LCODEC_RETURN_IF_ERROR(bitstream::CheckModel(header, model.id(), model.name()));
  LCODEC_RETURN_IF_ERROR(ExpectSection(sections, 0, runtime::kHyperLatentTag));
  LCODEC_RETURN_IF_ERROR(ExpectSection(sections, 1, runtime::kLatentTag));
  if (sections.size() != 2) return Status::Corrupt("image stream has unexpected extra sections");
  return DecodeImagePayload(model, header, sections[0].body.data(), sections[0].body.size(), sections[1].body.data(),
                            sections[1].body.size(), options, out, stats);
}

Status DecodeLatentPrior(runtime::ImageModel& model, const bitstream::StreamHeader& header,
                         const uint8_t* hyper_latent, size_t hyper_latent_size, const ImageDecodeOptions& options,
                         LatentPrior* out, double* entropy_seconds) {
  if (header.channels != 1 && header.channels != 3)
    return Status::Unsupported(std::to_string(header.channels) + "-channel streams are not supported");
  if (!(header.quality >= model.quality_min() && header.quality <= model.quality_max()))
    return Status::Corrupt("stream quality is outside the model's range");
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  // The hyper-latent's shape follows from the image size alone.
  const int64_t multiple = model.downsampling();
  const int64_t z_h = runtime::PaddedSize(header.height, multiple) / multiple;
  const int64_t z_w = runtime::PaddedSize(header.width, multiple) / multiple;
  const int64_t z_c = static_cast<int64_t>(model.z_table().size());
  std::vector<int32_t> z_symbols(static_cast<size_t>(z_c * z_h * z_w));
  std::vector<uint16_t> z_indexes;
  LCODEC_RETURN_IF_ERROR(entropy::ChannelIndexes(static_cast<int>(z_c), z_h * z_w, &z_indexes));
  LCODEC_RETURN_IF_ERROR(entropy::DecodeSymbols(model.z_table(), hyper_latent, hyper_latent_size,
                                                z_indexes.data(), z_symbols.size(), options.threads,
                                                z_symbols.data()));
  *entropy_seconds += std::chrono::duration<double>(Clock::now() - start).count();

  Status status;
  const Status guard = runtime::Guard("image decoding failed", [&] {
    torch::NoGradGuard no_grad;
    const torch::Tensor z_hat = torch::from_blob(z_symbols.data(), {1, z_c, z_h, z_w}, torch::kInt32)
                                    .to(torch::kFloat);
    torch::Tensor indexes;
    runtime::HyperSynthesizeImage(model, z_hat, options.tiling, &out->means, &indexes);
    const torch::Tensor index32 = indexes.to(torch::kInt32).contiguous();
    if (index32.numel() != out->means.numel() ||
        (index32.numel() > 0 && (index32.min().item<int32_t>() < 0 ||
                                 index32.max().item<int32_t>() >= static_cast<int32_t>(model.y_table().size())))) {
      status = Status::Corrupt("model gave scale indexes outside its table");
      return;
    }
    out->indexes.assign(index32.data_ptr<int32_t>(), index32.data_ptr<int32_t>() + index32.numel());
    out->index_map = index32;
  });
  LCODEC_RETURN_IF_ERROR(guard);
  return status;
}

Status SynthesizeLatent(runtime::ImageModel& model, const bitstream::StreamHeader& header, const torch::Tensor& y_hat,
                        const ImageDecodeOptions& options, Image* out) {
  return runtime::Guard("image decoding failed", [&] {
    torch::NoGradGuard no_grad;
    const int64_t padded_height = runtime::PaddedSize(header.height, model.downsampling());
    const torch::Tensor x_hat =
        runtime::SynthesizeImage(model, y_hat, header.quality, padded_height, options.tiling, options.progress);
    runtime::TensorToImage(x_hat, static_cast<int>(header.width), static_cast<int>(header.height),
                           header.channels, header.bit_depth, out);
  });
}

Status DecodeImagePayload(runtime::ImageModel& model, const bitstream::StreamHeader& header,
                          const uint8_t* hyper_latent, size_t hyper_latent_size, const uint8_t* latent,
                          size_t latent_size, const ImageDecodeOptions& options, Image* out,
                          ImageDecodeStats* stats, torch::Tensor* y_hat_out) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  double entropy_seconds = 0;
  LatentPrior prior;
  LCODEC_RETURN_IF_ERROR(
      DecodeLatentPrior(model, header, hyper_latent, hyper_latent_size, options, &prior, &entropy_seconds));
  // Step by step (runtime/latent_coding.h): each step's scale indexes may
  // depend on the values decoded before it.
  entropy::SymbolDecoder symbols;
  LCODEC_RETURN_IF_ERROR(symbols.Open(model.y_table(), latent, latent_size, prior.indexes.size()));
  torch::Tensor y_hat, shift;  // the context sees y_hat, the synthesis y_hat + shift
  std::vector<runtime::LatentCodingStep> steps;
  const int64_t padded_height = runtime::PaddedSize(header.height, model.downsampling());
  LCODEC_RETURN_IF_ERROR(runtime::Guard("image decoding failed", [&] {
    y_hat = torch::zeros_like(prior.means);
    shift = torch::zeros_like(prior.means);
    steps = runtime::LatentCodingSteps(model, y_hat.size(1));
  }));
  for (const runtime::LatentCodingStep& step : steps) {
    torch::Tensor means;
    std::vector<uint16_t> indexes;
    LCODEC_RETURN_IF_ERROR(runtime::Guard("image decoding failed", [&] {
      torch::NoGradGuard no_grad;
      runtime::StepPrior(model, step, y_hat, prior.means, prior.index_map, padded_height, options.tiling, &means,
                         &indexes);
    }));
    std::vector<int32_t> values(indexes.size());
    const Clock::time_point entropy_start = Clock::now();
    LCODEC_RETURN_IF_ERROR(symbols.Decode(indexes.data(), indexes.size(), options.threads, values.data()));
    entropy_seconds += std::chrono::duration<double>(Clock::now() - entropy_start).count();
    LCODEC_RETURN_IF_ERROR(runtime::Guard("image decoding failed", [&] {
      const int64_t count = static_cast<int64_t>(values.size());
      const torch::Tensor residuals = torch::from_blob(values.data(), {count}, torch::kInt32);
      runtime::ScatterStep(step, residuals.to(torch::kFloat) + means, &y_hat);
      const torch::Tensor scale_indexes = torch::tensor(std::vector<int32_t>(indexes.begin(), indexes.end()));
      runtime::ScatterStep(step, model.ReconstructionShift(header.quality, residuals, scale_indexes), &shift);
    }));
  }
  LCODEC_RETURN_IF_ERROR(symbols.Finish());
  torch::Tensor synthesis_input;
  LCODEC_RETURN_IF_ERROR(runtime::Guard("image decoding failed", [&] { synthesis_input = y_hat + shift; }));
  LCODEC_RETURN_IF_ERROR(SynthesizeLatent(model, header, synthesis_input, options, out));
  if (y_hat_out) *y_hat_out = y_hat;
  if (stats) {
    stats->entropy_seconds = entropy_seconds;
    stats->transform_seconds = std::chrono::duration<double>(Clock::now() - start).count() - entropy_seconds;
  }
  return Status::Ok();
}

}  // namespace lcodec::decoder
