// lcodec encode: image file -> .lc stream.
#include <chrono>
#include <cstdio>

#include "apps/cli_common.h"
#include "apps/commands.h"
#include "apps/image_io.h"
#include "common/file_util.h"
#include "encoder/image_encoder.h"

namespace lcodec::apps {
namespace {

constexpr const char* kCommand = "encode";

double Bpp(size_t bytes, const Image& image) { return 8.0 * bytes / (static_cast<double>(image.width) * image.height); }

// Finds the highest quality whose stream fits `target_bpp` (bisection on the
// continuous quality; rate grows with quality). Falls back to the lowest.
Status EncodeAtRate(runtime::ImageModel& model, const Image& image, double target_bpp,
                    encoder::ImageEncodeOptions options, std::vector<uint8_t>* out, double* quality) {
  double low = model.quality_min(), high = model.quality_max();
  options.quality = low;
  LCODEC_RETURN_IF_ERROR(encoder::EncodeImage(model, image, options, out));
  *quality = low;
  if (Bpp(out->size(), image) > target_bpp) return Status::Ok();  // the lowest rate is all we can do
  std::vector<uint8_t> candidate;
  for (int step = 0; step < 8; ++step) {
    options.quality = 0.5 * (low + high);
    LCODEC_RETURN_IF_ERROR(encoder::EncodeImage(model, image, options, &candidate));
    if (Bpp(candidate.size(), image) <= target_bpp) {
      low = options.quality;
      *quality = low;
      out->swap(candidate);
    } else {
      high = options.quality;
    }
  }
  return Status::Ok();
}

}  // namespace

int EncodeMain(int argc, char** argv) {
  cxxopts::Options cli("lcodec encode", "Compresses an image (PNG 8/16-bit, JPEG, PPM, BMP, TIFF, WebP; gray or RGB).");
  cli.add_options()
      ("i,input", "image to compress", cxxopts::value<std::string>())
      ("o,output", "stream to write (.lc)", cxxopts::value<std::string>())
      ("q,quality", "quality, a real number in the model's range (1..8 for the default); higher is better",
       cxxopts::value<double>()->default_value("4"))
      ("bpp", "target bits per pixel instead of -q: the highest quality that fits", cxxopts::value<double>());
  AddCodingOptions(cli, "model file", "threads for transforms and entropy coding");
  cxxopts::ParseResult args;
  int threads = 0, exit_code = 0;
  if (!ParseCodingCommandLine(cli, argc, argv, kCommand, &args, &threads, &exit_code)) return exit_code;
  const auto start = std::chrono::steady_clock::now();

  runtime::ImageModel model;
  Status status = runtime::ImageModel::Load(args["model"].as<std::string>(), &model);
  if (!status.ok()) return Fail(kCommand, status);
  Image image;
  status = ReadImage(args["input"].as<std::string>(), &image);
  if (!status.ok()) return Fail(kCommand, status);

  encoder::ImageEncodeOptions options;
  options.threads = threads;
  options.quality = args["quality"].as<double>();
  std::vector<uint8_t> stream;
  if (args.count("bpp")) {
    const double target = args["bpp"].as<double>();
    if (!(target > 0)) return Fail(kCommand, Status::InvalidArgument("--bpp must be positive"));
    status = EncodeAtRate(model, image, target, options, &stream, &options.quality);
  } else {
    status = encoder::EncodeImage(model, image, options, &stream);
  }
  if (status.ok()) status = WriteFileAtomically(args["output"].as<std::string>(), stream, args.count("overwrite") > 0);
  if (!status.ok()) return Fail(kCommand, status);

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (args.count("json")) {
    std::printf("{\"bytes\": %zu, \"bpp\": %.6f, \"quality\": %.4f, \"width\": %d, \"height\": %d, \"seconds\": %.3f}\n",
                stream.size(), Bpp(stream.size(), image), options.quality, image.width, image.height, seconds);
  } else {
    std::printf("%s: %dx%d, %zu bytes, %.4f bpp at quality %.2f (%.2f s)\n", args["output"].as<std::string>().c_str(),
                image.width, image.height, stream.size(), Bpp(stream.size(), image), options.quality, seconds);
  }
  return 0;
}

}  // namespace lcodec::apps
