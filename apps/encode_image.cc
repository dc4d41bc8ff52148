// lcodec encode, for images: image file -> .lc stream.
#include <chrono>
#include <cstdio>

#include "apps/cli_common.h"
#include "apps/coding_commands.h"
#include "apps/image_io.h"
#include "apps/progress.h"
#include "common/file_util.h"
#include "encoder/image_encoder.h"

namespace lcodec::apps {
namespace {

constexpr const char* kCommand = "encode";

double Bpp(size_t bytes, const Image& image) { return 8.0 * bytes / (static_cast<double>(image.width) * image.height); }

constexpr int kRateSearchSteps = 8;  // bisection steps of --bpp after the first encode

// Encodes at options.quality, reporting progress as the share [begin, end) of `progress`.
Status EncodeWithProgress(runtime::ImageModel& model, const Image& image, encoder::ImageEncodeOptions options,
                          TerminalProgress* progress, double begin, double end, std::vector<uint8_t>* out,
                          encoder::ImageEncodeStats* stats) {
  options.progress = [&](int64_t done, int64_t total) {
    progress->Update(begin + (end - begin) * static_cast<double>(done) / static_cast<double>(total));
  };
  return encoder::EncodeImage(model, image, options, out, stats);
}

// Finds the highest quality whose stream fits `target_bpp` (bisection on the
// continuous quality; rate grows with quality). Falls back to the lowest.
Status EncodeAtRate(runtime::ImageModel& model, const Image& image, double target_bpp,
                    encoder::ImageEncodeOptions options, TerminalProgress* progress, std::vector<uint8_t>* out,
                    double* quality, encoder::ImageEncodeStats* stats) {
  const double share = 1.0 / (kRateSearchSteps + 1);
  double low = model.quality_min(), high = model.quality_max();
  options.quality = low;
  LCODEC_RETURN_IF_ERROR(EncodeWithProgress(model, image, options, progress, 0, share, out, stats));
  *quality = low;
  if (Bpp(out->size(), image) > target_bpp) return Status::Ok();  // the lowest rate is all we can do
  std::vector<uint8_t> candidate;
  encoder::ImageEncodeStats candidate_stats;
  for (int step = 1; step <= kRateSearchSteps; ++step) {
    options.quality = 0.5 * (low + high);
    LCODEC_RETURN_IF_ERROR(EncodeWithProgress(model, image, options, progress, step * share, (step + 1) * share,
                                              &candidate, &candidate_stats));
    if (Bpp(candidate.size(), image) <= target_bpp) {
      low = options.quality;
      *quality = low;
      out->swap(candidate);
      *stats = candidate_stats;
    } else {
      high = options.quality;
    }
  }
  return Status::Ok();
}

}  // namespace

int EncodeImageFile(const cxxopts::ParseResult& args, int threads) {
  const double target_bpp = args.count("bpp") ? args["bpp"].as<double>() : 0;
  if (args.count("bpp") && !(target_bpp > 0)) return Fail(kCommand, Status::InvalidArgument("--bpp must be positive"));
  const auto start = std::chrono::steady_clock::now();

  runtime::ImageModel model;
  Status status = LoadModel(args, DefaultImageModelPath(), &model);
  if (!status.ok()) return Fail(kCommand, status);
  Image image;
  status = ReadImage(args["input"].as<std::string>(), &image);
  if (!status.ok()) return Fail(kCommand, status);

  encoder::ImageEncodeOptions options;
  options.threads = threads;
  options.quality = args["quality"].as<double>();
  options.refinement_rounds = args["refine"].as<int>();
  std::vector<uint8_t> stream;
  encoder::ImageEncodeStats stats;
  {
    TerminalProgress progress("encoding");
    if (args.count("bpp")) {
      status = EncodeAtRate(model, image, target_bpp, options, &progress, &stream, &options.quality, &stats);
    } else {
      status = EncodeWithProgress(model, image, options, &progress, 0, 1, &stream, &stats);
    }
  }
  if (status.ok()) status = WriteFileAtomically(args["output"].as<std::string>(), stream, args.count("overwrite") > 0);
  if (!status.ok()) return Fail(kCommand, status);

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (args.count("json")) {
    // coded/estimated: how close the range coder comes to the model's own rate estimate.
    std::printf("{\"bytes\": %zu, \"bpp\": %.6f, \"quality\": %.4f, \"width\": %d, \"height\": %d, "
                "\"seconds\": %.3f, \"transform_seconds\": %.3f, \"entropy_seconds\": %.3f, "
                "\"estimated_bits\": %.1f, \"coded_bits\": %.0f, \"coded_over_estimated\": %.5f}\n",
                stream.size(), Bpp(stream.size(), image), options.quality, image.width, image.height, seconds,
                stats.transform_seconds, stats.entropy_seconds, stats.estimated_bits, stats.coded_bits,
                stats.estimated_bits > 0 ? stats.coded_bits / stats.estimated_bits : 0.0);
  } else {
    std::printf("%s: %dx%d, %zu bytes, %.4f bpp at quality %.2f (%.2f s)\n", args["output"].as<std::string>().c_str(),
                image.width, image.height, stream.size(), Bpp(stream.size(), image), options.quality, seconds);
  }
  return 0;
}

}  // namespace lcodec::apps
