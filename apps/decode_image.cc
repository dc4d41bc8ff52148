// lcodec decode, for images: .lc stream -> image file.
#include <chrono>
#include <cstdio>

#include "apps/cli_common.h"
#include "apps/coding_commands.h"
#include "apps/image_io.h"
#include "apps/progress.h"
#include "common/file_util.h"
#include "decoder/image_decoder.h"

namespace lcodec::apps {

int DecodeImageStream(const cxxopts::ParseResult& args, int threads) {
  constexpr const char* kCommand = "decode";
  const auto start = std::chrono::steady_clock::now();

  decoder::ImageDecodeOptions options;
  options.threads = threads;
  options.limits = LimitsFromOptions(args);
  std::vector<uint8_t> stream;
  // An image stream holds two sections of at most max_section_bytes each.
  Status status = ReadFile(args["input"].as<std::string>(), 2 * options.limits.max_section_bytes + 4096, &stream);
  if (!status.ok()) return Fail(kCommand, status);
  runtime::ImageModel model;
  status = LoadModel(args, DefaultImageModelPath(), &model);
  if (!status.ok()) return Fail(kCommand, status);
  Image image;
  decoder::ImageDecodeStats stats;
  {
    TerminalProgress progress("decoding");
    options.progress = [&](int64_t done, int64_t total) {
      progress.Update(static_cast<double>(done) / static_cast<double>(total));
    };
    status = decoder::DecodeImage(model, stream.data(), stream.size(), options, &image, &stats);
  }
  if (status.ok()) status = WriteImage(args["output"].as<std::string>(), image, args.count("overwrite") > 0);
  if (!status.ok()) return Fail(kCommand, status);

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (args.count("json")) {
    std::printf("{\"width\": %d, \"height\": %d, \"channels\": %d, \"bit_depth\": %d, \"seconds\": %.3f, "
                "\"transform_seconds\": %.3f, \"entropy_seconds\": %.3f}\n",
                image.width, image.height, image.channels, image.bit_depth, seconds, stats.transform_seconds,
                stats.entropy_seconds);
  } else {
    std::printf("%s: %dx%d, %d channel(s), %d-bit (%.2f s)\n", args["output"].as<std::string>().c_str(), image.width,
                image.height, image.channels, image.bit_depth, seconds);
  }
  return 0;
}

}  // namespace lcodec::apps
