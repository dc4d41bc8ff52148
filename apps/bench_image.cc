// lcodec bench-image: where the time of coding one photo goes, split into
// file I/O, transforms (libtorch) and entropy coding, beside JPEG and WebP
// (libavcodec, through lcodec eval's codecs) timed in the same run.
//
// Each figure is the median of --repeats runs, after one warm-up run that
// is not counted (libtorch and oneDNN set themselves up on first use).
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "apps/cli_common.h"
#include "apps/commands.h"
#include "apps/image_io.h"
#include "common/file_util.h"
#include "decoder/image_decoder.h"
#include "encoder/image_encoder.h"
#include "eval/image_codec.h"

namespace lcodec::apps {
namespace {

constexpr const char* kCommand = "bench-image";

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// One encode (read image, code, write stream) and one decode (read stream,
// decode, write PNG) through real files, as the CLI does them.
struct RunTimes {
  double encode_read = 0, encode_transforms = 0, encode_entropy = 0, encode_write = 0;
  double decode_read = 0, decode_transforms = 0, decode_entropy = 0, decode_write = 0;
  double encode_total() const { return encode_read + encode_transforms + encode_entropy + encode_write; }
  double decode_total() const { return decode_read + decode_transforms + decode_entropy + decode_write; }
};

Status RunOnce(runtime::ImageModel& model, const std::string& dir, const encoder::ImageEncodeOptions& encode,
               const decoder::ImageDecodeOptions& decode, RunTimes* t, size_t* bytes, double* coded_over_estimated) {
  Clock::time_point start = Clock::now();
  Image image;
  LCODEC_RETURN_IF_ERROR(ReadImage(dir + "/input.png", &image));
  t->encode_read = Since(start);
  std::vector<uint8_t> stream;
  encoder::ImageEncodeStats encode_stats;
  LCODEC_RETURN_IF_ERROR(encoder::EncodeImage(model, image, encode, &stream, &encode_stats));
  t->encode_transforms = encode_stats.transform_seconds;
  t->encode_entropy = encode_stats.entropy_seconds;
  start = Clock::now();
  LCODEC_RETURN_IF_ERROR(WriteFileAtomically(dir + "/stream.lc", stream, true));
  t->encode_write = Since(start);
  *bytes = stream.size();
  *coded_over_estimated = encode_stats.coded_bits / encode_stats.estimated_bits;

  start = Clock::now();
  std::vector<uint8_t> read_back;
  LCODEC_RETURN_IF_ERROR(ReadFile(dir + "/stream.lc", stream.size(), &read_back));
  t->decode_read = Since(start);
  Image decoded;
  decoder::ImageDecodeStats decode_stats;
  LCODEC_RETURN_IF_ERROR(decoder::DecodeImage(model, read_back.data(), read_back.size(), decode, &decoded,
                                              &decode_stats));
  t->decode_transforms = decode_stats.transform_seconds;
  t->decode_entropy = decode_stats.entropy_seconds;
  start = Clock::now();
  LCODEC_RETURN_IF_ERROR(WriteImage(dir + "/decoded.png", decoded, true));
  t->decode_write = Since(start);
  return Status::Ok();
}

// Median encode and decode seconds of a classical codec at `setting`.
Status TimeBaseline(const std::string& name, double setting, const Image& rgb, int repeats, double* encode,
                    double* decode, uint64_t* bytes) {
  std::unique_ptr<eval::ImageCodec> codec;
  LCODEC_RETURN_IF_ERROR(eval::MakeImageCodec(name, eval::ImageCodecOptions{}, &codec));
  std::vector<double> encodes, decodes;
  for (int i = 0; i <= repeats; ++i) {
    eval::RoundTripResult result;
    LCODEC_RETURN_IF_ERROR(codec->RoundTrip(rgb, setting, &result));
    if (i == 0) continue;  // warm-up
    encodes.push_back(result.encode_seconds);
    decodes.push_back(result.decode_seconds);
    *bytes = result.bytes;
  }
  *encode = Median(encodes);
  *decode = Median(decodes);
  return Status::Ok();
}

}  // namespace

int BenchImageMain(int argc, char** argv) {
  cxxopts::Options cli("lcodec bench-image",
                       "Times encoding and decoding one photo, split into I/O, transforms and entropy coding,\n"
                       "against JPEG and WebP timed in the same run.");
  cli.add_options()
      ("i,input", "photo to code", cxxopts::value<std::string>()->default_value(LCODEC_BENCH_IMAGE))
      ("size", "resample the photo to WIDTHxHEIGHT first (0 keeps its size)",
       cxxopts::value<std::string>()->default_value("768x512"))
      ("q,quality", "lcodec quality", cxxopts::value<double>()->default_value("4"))
      ("refine", "lcodec's rounds of latent refinement (lcodec encode --refine; counted as transforms)",
       cxxopts::value<int>()->default_value("0"))
      ("m,model", "model file", cxxopts::value<std::string>()->default_value(DefaultImageModelPath()))
      ("threads", "threads for transforms and entropy coding", cxxopts::value<int>()->default_value("2"))
      ("repeats", "timed runs per figure (the median is shown)", cxxopts::value<int>()->default_value("3"));
  cxxopts::ParseResult args;
  int exit_code = 0;
  if (!ParseOrExit(cli, argc, argv, {}, &args, &exit_code)) return exit_code;
  const int threads = args["threads"].as<int>(), repeats = args["repeats"].as<int>();
  if (threads < 1 || threads > 256 || repeats < 1 || repeats > 100)
    return Fail(kCommand, Status::InvalidArgument("--threads must be 1..256 and --repeats 1..100"));
  int width = 0, height = 0;
  const std::string size = args["size"].as<std::string>();
  if (size != "0" && (std::sscanf(size.c_str(), "%dx%d", &width, &height) != 2 || width < 1 || height < 1))
    return Fail(kCommand, Status::InvalidArgument("--size takes WIDTHxHEIGHT, e.g. 768x512, or 0"));
  torch::set_num_threads(threads);

  runtime::ImageModel model;
  Status status = runtime::ImageModel::Load(args["model"].as<std::string>(), &model);
  if (!status.ok()) return Fail(kCommand, status);
  Image image;
  status = ReadImage(args["input"].as<std::string>(), &image);
  if (status.ok() && (image.channels != 3 || image.bit_depth != 8))
    status = Status::Unsupported("bench-image takes an 8-bit RGB photo");
  if (status.ok() && width > 0) status = ResizeImage(image, width, height, &image);
  if (!status.ok()) return Fail(kCommand, status);

  char dir_template[] = "/tmp/lcodec-bench-XXXXXX";
  if (!mkdtemp(dir_template)) return Fail(kCommand, Status::IOError("cannot create a folder in /tmp"));
  const std::string dir = dir_template;
  status = WriteImage(dir + "/input.png", image, true);

  encoder::ImageEncodeOptions encode;
  encode.quality = args["quality"].as<double>();
  encode.refinement_rounds = args["refine"].as<int>();
  encode.threads = threads;
  decoder::ImageDecodeOptions decode;
  decode.threads = threads;
  std::vector<RunTimes> runs;
  size_t bytes = 0;
  double coded_over_estimated = 0;
  for (int i = 0; status.ok() && i <= repeats; ++i) {
    RunTimes t;
    status = RunOnce(model, dir, encode, decode, &t, &bytes, &coded_over_estimated);
    if (i > 0) runs.push_back(t);
  }
  std::filesystem::remove_all(dir);
  if (!status.ok()) return Fail(kCommand, status);
  auto median = [&](double RunTimes::*field) {
    std::vector<double> values;
    for (const RunTimes& t : runs) values.push_back(t.*field);
    return 1000 * Median(values);
  };
  auto median_of = [&](double (RunTimes::*total)() const) {
    std::vector<double> values;
    for (const RunTimes& t : runs) values.push_back((t.*total)());
    return 1000 * Median(values);
  };

  std::printf("%dx%d photo, quality %.2f, %d thread(s), median of %d runs: %zu bytes, %.4f bpp, "
              "coded/estimated bits %.5f\n\n",
              image.width, image.height, encode.quality, threads, repeats, bytes,
              8.0 * bytes / (static_cast<double>(image.width) * image.height), coded_over_estimated);
  std::printf("%-26s %10s %10s\n", "milliseconds", "encode", "decode");
  std::printf("%-26s %10.1f %10.1f\n", "file I/O (read + write)", median(&RunTimes::encode_read) +
              median(&RunTimes::encode_write), median(&RunTimes::decode_read) + median(&RunTimes::decode_write));
  std::printf("%-26s %10.1f %10.1f\n", "transforms (libtorch)", median(&RunTimes::encode_transforms),
              median(&RunTimes::decode_transforms));
  std::printf("%-26s %10.1f %10.1f\n", "entropy coding", median(&RunTimes::encode_entropy),
              median(&RunTimes::decode_entropy));
  const double encode_total = median_of(&RunTimes::encode_total), decode_total = median_of(&RunTimes::decode_total);
  std::printf("%-26s %10.1f %10.1f\n", "total", encode_total, decode_total);

  // Baselines on the same pixels; codec work only (their file I/O is not counted).
  const struct {
    const char* name;
    double setting;
    const char* label;
  } kBaselines[] = {{"jpeg", 5, "jpeg (qscale 5)"}, {"webp", 75, "webp (quality 75)"}};
  for (const auto& baseline : kBaselines) {
    double encode_s = 0, decode_s = 0;
    uint64_t baseline_bytes = 0;
    status = TimeBaseline(baseline.name, baseline.setting, image, repeats, &encode_s, &decode_s, &baseline_bytes);
    if (!status.ok()) return Fail(kCommand, status);
    std::printf("%-26s %10.1f %10.1f   (lcodec takes %.0fx / %.0fx as long; %llu bytes)\n", baseline.label,
                1000 * encode_s, 1000 * decode_s, encode_total / (1000 * encode_s), decode_total / (1000 * decode_s),
                static_cast<unsigned long long>(baseline_bytes));
  }
  return 0;
}

}  // namespace lcodec::apps
