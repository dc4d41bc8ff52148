#include "encoder/image_encoder.h"

#include <chrono>
#include <cmath>
#include <string>

#include "entropy/symbol_coder.h"
#include "runtime/image_layout.h"
#include "runtime/image_transforms.h"

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
  if (!(quality >= model.quality_min() && quality <= model.quality_max()))
    return Status::InvalidArgument("quality must lie in [" + std::to_string(model.quality_min()) + ", " +
                                   std::to_string(model.quality_max()) + "] for model '" + model.name() + "'");
  return Status::Ok();
}

// Rounds a float latent to int32 symbols, refusing non-finite values.
Status ToSymbols(const torch::Tensor& values, std::vector<int32_t>* out) {
  torch::Tensor rounded = values.round().contiguous();
  if (!torch::isfinite(rounded).all().item<bool>()) return Status::InvalidArgument("model produced a non-finite latent");
  rounded = rounded.clamp(INT32_MIN, INT32_MAX).to(torch::kInt32).contiguous();
  out->assign(rounded.data_ptr<int32_t>(), rounded.data_ptr<int32_t>() + rounded.numel());
  return Status::Ok();
}

double EstimatedBits(const entropy::CdfTable& table, const std::vector<int32_t>& values,
                     const std::vector<uint16_t>& indexes) {
  double bits = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    const entropy::CdfTable::Interval in = table.IntervalOf(indexes[i], values[i]);
    bits += entropy::kCdfPrecision - std::log2(static_cast<double>(in.freq));
  }
  return bits;
}

}  // namespace

Status EncodeImage(runtime::ImageModel& model, const Image& image, const ImageEncodeOptions& options,
                   std::vector<uint8_t>* out, ImageEncodeStats* stats) {
  LCODEC_RETURN_IF_ERROR(CheckImage(image, model, options.quality));
  std::vector<int32_t> z_symbols, y_symbols;
  std::vector<uint16_t> z_indexes, y_indexes;
  Status status;
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  const Status guard = runtime::Guard("image encoding failed", [&] {
    torch::NoGradGuard no_grad;
    const torch::Tensor x = runtime::ImageToTensor(image, model.downsampling());
    const torch::Tensor y = runtime::AnalyzeImage(model, x, options.quality, options.tiling, options.progress);
    const torch::Tensor z_hat = runtime::HyperAnalyzeImage(model, y, x.size(2), options.tiling).round();
    status = ToSymbols(z_hat, &z_symbols);
    if (!status.ok()) return;
    torch::Tensor means, indexes;
    runtime::HyperSynthesizeImage(model, z_hat, options.tiling, &means, &indexes);
    if (means.sizes() != y.sizes()) {
      status = Status::InvalidArgument("the model's latent means do not match its latent");
      return;
    }
    status = ToSymbols(y - means, &y_symbols);
    if (!status.ok()) return;
    status = entropy::ChannelIndexes(static_cast<int>(z_hat.size(1)), z_hat.size(2) * z_hat.size(3), &z_indexes);
    const torch::Tensor index16 = indexes.to(torch::kInt32).contiguous();
    y_indexes.assign(index16.data_ptr<int32_t>(), index16.data_ptr<int32_t>() + index16.numel());
  });
  LCODEC_RETURN_IF_ERROR(guard);
  LCODEC_RETURN_IF_ERROR(status);

  const Clock::time_point transformed = Clock::now();
  entropy::CodingOptions coding;
  coding.threads = options.threads;
  std::vector<uint8_t> z_blob, y_blob;
  LCODEC_RETURN_IF_ERROR(entropy::EncodeSymbols(model.z_table(), z_symbols.data(), z_indexes.data(),
                                                z_symbols.size(), coding, &z_blob));
  LCODEC_RETURN_IF_ERROR(entropy::EncodeSymbols(model.y_table(), y_symbols.data(), y_indexes.data(),
                                                y_symbols.size(), coding, &y_blob));
  if (stats) {
    stats->transform_seconds = std::chrono::duration<double>(transformed - start).count();
    stats->entropy_seconds = std::chrono::duration<double>(Clock::now() - transformed).count();
    stats->estimated_bits = EstimatedBits(model.z_table(), z_symbols, z_indexes) +
                            EstimatedBits(model.y_table(), y_symbols, y_indexes);
    stats->coded_bits = 8.0 * static_cast<double>(z_blob.size() + y_blob.size());
  }

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
  LCODEC_RETURN_IF_ERROR(writer.Add(runtime::kHyperLatentTag, z_blob.data(), z_blob.size()));
  LCODEC_RETURN_IF_ERROR(writer.Add(runtime::kLatentTag, y_blob.data(), y_blob.size()));
  return writer.Finish();
}

}  // namespace lcodec::encoder
