#include "encoder/image_encoder.h"

#include <chrono>
#include <string>

#include "encoder/latent_refinement.h"
#include "encoder/latent_symbols.h"
#include "encoder/rdo_rounding.h"
#include "entropy/symbol_coder.h"
#include "runtime/image_layout.h"
#include "runtime/image_transforms.h"
#include "runtime/latent_coding.h"

namespace lcodec::encoder {
namespace {

Status CheckImage(const Image& image, const runtime::ImageModel& model, double quality) {
  if (image.channels == 4 || image.channels == 2)
    return Status::Unsupported("images with an alpha channel are not supported: flatten or drop alpha first");
  if (image.channels != 1 && image.channels != 3)
    return Status::Unsupported(std::to_string(image.channels) + "-channel images are not supported");
  if (image.bit_depth != 8 && image.bit_depth != 16)
    return Status::Unsupported(std::to_string(image.bit_depth) + "-bit images are not supported (8 or 16)");
  if (image.width < 1 || image.height < 1 ||
      image.samples.size() != static_cast<size_t>(image.width) * image.height * image.channels)
    return Status::InvalidArgument("image has no pixels or inconsistent dimensions");
  return CheckQuality(model, quality);
}

// ImageLatent::image_area for `image`, padded to x, analyzed to y.
torch::Tensor ImageArea(const Image& image, const torch::Tensor& x, const torch::Tensor& y) {
  const int64_t stride_y = x.size(2) / y.size(2), stride_x = x.size(3) / y.size(3);
  torch::Tensor holds_pixels = torch::zeros({1, 1, y.size(2), y.size(3)});
  using torch::indexing::Slice;
  holds_pixels.index_put_({Slice(), Slice(), Slice(0, (image.height + stride_y - 1) / stride_y),
                           Slice(0, (image.width + stride_x - 1) / stride_x)},
                          1.0);
  return torch::max_pool2d(holds_pixels, {3, 3}, {1, 1}, {1, 1});
}

}  // namespace

Status CheckQuality(const runtime::ImageModel& model, double quality) {
  if (!(quality >= model.quality_min() && quality <= model.quality_max()))
    return Status::InvalidArgument("quality must lie in [" + std::to_string(model.quality_min()) + ", " +
                                   std::to_string(model.quality_max()) + "] for model '" + model.name() + "'");
  return Status::Ok();
}

Status AnalyzeImageLatent(runtime::ImageModel& model, const Image& image, const ImageEncodeOptions& options,
                          ImageLatent* out, ImageEncodeStats* stats) {
  LCODEC_RETURN_IF_ERROR(CheckImage(image, model, options.quality));
  std::vector<int32_t> z_symbols;
  std::vector<uint16_t> z_indexes;
  Status status;
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  const Status guard = runtime::Guard("image encoding failed", [&] {
    torch::NoGradGuard no_grad;
    const torch::Tensor x = runtime::ImageToTensor(image, model.downsampling());
    out->y = runtime::AnalyzeImage(model, x, options.quality, options.tiling, options.progress);
    const torch::Tensor z_hat = runtime::HyperAnalyzeImage(model, out->y, x.size(2), options.tiling).round();
    status = ToSymbols(z_hat, &z_symbols);
    if (!status.ok()) return;
    torch::Tensor indexes;
    runtime::HyperSynthesizeImage(model, z_hat, options.tiling, &out->means, &indexes);
    if (out->means.sizes() != out->y.sizes()) {
      status = Status::InvalidArgument("the model's latent means do not match its latent");
      return;
    }
    status = entropy::ChannelIndexes(static_cast<int>(z_hat.size(1)), z_hat.size(2) * z_hat.size(3), &z_indexes);
    out->index_map = indexes.to(torch::kInt32).contiguous();
    out->indexes.assign(out->index_map.data_ptr<int32_t>(),
                        out->index_map.data_ptr<int32_t>() + out->index_map.numel());
    out->padded_height = x.size(2);
    out->image_area = ImageArea(image, x, out->y);
  });
  LCODEC_RETURN_IF_ERROR(guard);
  LCODEC_RETURN_IF_ERROR(status);
  const Clock::time_point transformed = Clock::now();
  entropy::CodingOptions coding;
  coding.threads = options.threads;
  LCODEC_RETURN_IF_ERROR(entropy::EncodeSymbols(model.z_table(), z_symbols.data(), z_indexes.data(),
                                                z_symbols.size(), coding, &out->hyper_latent));
  out->hyper_latent_bits = EstimatedBits(model.z_table(), z_symbols, z_indexes);
  if (stats) {
    stats->transform_seconds = std::chrono::duration<double>(transformed - start).count();
    stats->entropy_seconds = std::chrono::duration<double>(Clock::now() - transformed).count();
  }
  return Status::Ok();
}

namespace {

// Each value's prior as coding derived it, (1, C, h, w) each.
struct LatentPrior {
  torch::Tensor means;
  torch::Tensor indexes;  // int32
};

enum class Rounding { kRateDistortion, kNearest };

// CodeLatent, with the rounding chosen; `prior`, if not null, receives the
// prior of every value, and `out` may be null (no range coding).
Status CodeLatentWith(runtime::ImageModel& model, const ImageLatent& latent, const ImageEncodeOptions& options,
                      Rounding rounding, std::vector<uint8_t>* out, torch::Tensor* y_hat, double* estimated_bits,
                      ImageEncodeStats* stats, LatentPrior* prior) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  Clock::duration prior_time{};
  std::vector<int32_t> symbols;
  std::vector<uint16_t> indexes;
  Status status;
  LCODEC_RETURN_IF_ERROR(runtime::Guard("image encoding failed", [&] {
    torch::NoGradGuard no_grad;
    const torch::Tensor weights = model.has_quantization_weights() && rounding == Rounding::kRateDistortion
                                      ? model.QuantizationWeights(options.quality)
                                      : torch::Tensor();
    *y_hat = torch::zeros_like(latent.y);
    if (prior) {
      prior->means = torch::zeros_like(latent.y);
      prior->indexes = torch::zeros_like(latent.y);
    }
    for (const runtime::LatentCodingStep& step : runtime::LatentCodingSteps(model, latent.y.size(1))) {
      torch::Tensor means;
      std::vector<uint16_t> step_indexes;
      const Clock::time_point prior_start = Clock::now();
      runtime::StepPrior(model, step, *y_hat, latent.means, latent.index_map, latent.padded_height, options.tiling,
                         &means, &step_indexes);
      prior_time += Clock::now() - prior_start;
      const int64_t channels = static_cast<int64_t>(step.channels.size());
      torch::Tensor residuals = runtime::GatherStep(latent.y, step) - means;
      if (latent.image_area.defined())
        residuals = residuals * runtime::GatherStep(latent.image_area.expand_as(latent.y), step);
      residuals = residuals.reshape({1, channels, -1});
      const torch::Tensor step_weights =
          weights.defined() ? weights.index_select(0, torch::tensor(step.channels, torch::kLong)) : weights;
      std::vector<int32_t> step_symbols;
      status = RoundResiduals(residuals, step_weights, model.y_table(), step_indexes, &step_symbols);
      if (!status.ok()) return;
      const int64_t count = static_cast<int64_t>(step_symbols.size());
      runtime::ScatterStep(step, torch::from_blob(step_symbols.data(), {count}, torch::kInt32).to(torch::kFloat) + means,
                           y_hat);
      if (prior) {
        runtime::ScatterStep(step, means, &prior->means);
        runtime::ScatterStep(step, torch::tensor(std::vector<int32_t>(step_indexes.begin(), step_indexes.end()))
                                       .to(torch::kFloat), &prior->indexes);
      }
      symbols.insert(symbols.end(), step_symbols.begin(), step_symbols.end());
      indexes.insert(indexes.end(), step_indexes.begin(), step_indexes.end());
    }
  }));
  LCODEC_RETURN_IF_ERROR(status);
  if (prior) prior->indexes = prior->indexes.to(torch::kInt32);
  entropy::CodingOptions coding;
  coding.threads = options.threads;
  if (out)
    LCODEC_RETURN_IF_ERROR(
        entropy::EncodeSymbols(model.y_table(), symbols.data(), indexes.data(), symbols.size(), coding, out));
  *estimated_bits = EstimatedBits(model.y_table(), symbols, indexes);
  if (stats) {
    stats->transform_seconds += std::chrono::duration<double>(prior_time).count();
    stats->entropy_seconds += std::chrono::duration<double>(Clock::now() - start - prior_time).count();
  }
  return Status::Ok();
}

// (1, 1, H, W): 1 on the image's pixels, 0 in the padding of `x`.
torch::Tensor PixelWeight(const Image& image, const torch::Tensor& x) {
  using torch::indexing::Slice;
  torch::Tensor weight = torch::zeros({1, 1, x.size(2), x.size(3)});
  weight.index_put_({Slice(), Slice(), Slice(0, image.height), Slice(0, image.width)}, 1.0);
  return weight;
}

// Codes `latent` with rate-distortion rounding, refines the result and
// leaves in latent->y the refined values, which nearest rounding then codes
// (exactly where the context's means moved by less than half a step).
Status RefineCodedLatent(runtime::ImageModel& model, const Image& image, const ImageEncodeOptions& options,
                         ImageLatent* latent, ImageEncodeStats* stats) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  LatentPrior prior;
  torch::Tensor y_hat;
  double bits = 0;
  LCODEC_RETURN_IF_ERROR(
      CodeLatentWith(model, *latent, options, Rounding::kRateDistortion, nullptr, &y_hat, &bits, nullptr, &prior));
  RefinementProblem problem;
  LCODEC_RETURN_IF_ERROR(runtime::Guard("image encoding failed", [&] {
    torch::NoGradGuard no_grad;
    problem.image = runtime::ImageToTensor(image, model.downsampling());
    problem.image_weight = PixelWeight(image, problem.image);
    problem.means = prior.means;
    problem.indexes = prior.indexes;
    problem.frozen = latent->image_area.defined() ? (latent->image_area == 0).to(torch::kFloat)
                                                  : torch::zeros({1, 1, y_hat.size(2), y_hat.size(3)});
    problem.weights = model.QuantizationWeights(options.quality) / model.rounding_distortion_factor();
    problem.distortion_weight = model.DistortionWeight(options.quality);
    problem.quality = options.quality;
  }));
  LCODEC_RETURN_IF_ERROR(RefineLatent(model, problem, options.refinement_rounds, options.tiling, &y_hat));
  latent->y = y_hat;
  if (stats) stats->transform_seconds += std::chrono::duration<double>(Clock::now() - start).count();
  return Status::Ok();
}

}  // namespace

Status CodeLatent(runtime::ImageModel& model, const ImageLatent& latent, const ImageEncodeOptions& options,
                  std::vector<uint8_t>* out, torch::Tensor* y_hat, double* estimated_bits, ImageEncodeStats* stats) {
  return CodeLatentWith(model, latent, options, Rounding::kRateDistortion, out, y_hat, estimated_bits, stats, nullptr);
}

Status EncodeImagePayload(runtime::ImageModel& model, const Image& image, const ImageEncodeOptions& options,
                          ImagePayload* out, ImageEncodeStats* stats) {
  if (options.refinement_rounds < 0 || options.refinement_rounds > kMaxRefinementRounds)
    return Status::InvalidArgument("refinement rounds must lie in [0, " + std::to_string(kMaxRefinementRounds) + "]");
  ImageLatent latent;
  LCODEC_RETURN_IF_ERROR(AnalyzeImageLatent(model, image, options, &latent, stats));
  const bool refine = options.refinement_rounds > 0 && model.has_quantization_weights();
  if (refine) LCODEC_RETURN_IF_ERROR(RefineCodedLatent(model, image, options, &latent, stats));
  torch::Tensor y_hat;
  double latent_bits = 0;
  LCODEC_RETURN_IF_ERROR(CodeLatentWith(model, latent, options, refine ? Rounding::kNearest : Rounding::kRateDistortion,
                                        &out->latent, &y_hat, &latent_bits, stats, nullptr));
  out->hyper_latent = std::move(latent.hyper_latent);
  if (stats) {
    stats->estimated_bits = latent.hyper_latent_bits + latent_bits;
    stats->coded_bits = 8.0 * static_cast<double>(out->hyper_latent.size() + out->latent.size());
  }
  return Status::Ok();
}

Status EncodeImage(runtime::ImageModel& model, const Image& image, const ImageEncodeOptions& options,
                   std::vector<uint8_t>* out, ImageEncodeStats* stats) {
  ImagePayload payload;
  LCODEC_RETURN_IF_ERROR(EncodeImagePayload(model, image, options, &payload, stats));
  bitstream::StreamHeader header;
  header.modality = bitstream::Modality::kImage;
  header.model_id = model.id();
  header.model_name = model.name();
  header.width = static_cast<uint32_t>(image.width);
  header.height = static_cast<uint32_t>(image.height);
  header.channels = static_cast<uint16_t>(image.channels);
  header.bit_depth = static_cast<uint8_t>(image.bit_depth);
  header.quality = static_cast<float>(options.quality);
  bitstream::ContainerWriter writer;
  out->clear();
  LCODEC_RETURN_IF_ERROR(writer.OpenMemory(out, header));
  LCODEC_RETURN_IF_ERROR(writer.Add(runtime::kHyperLatentTag, payload.hyper_latent.data(),
                                    payload.hyper_latent.size()));
  LCODEC_RETURN_IF_ERROR(writer.Add(runtime::kLatentTag, payload.latent.data(), payload.latent.size()));
  return writer.Finish();
}

}  // namespace lcodec::encoder
