// lcodec compare: the distortion between two images (PSNR-RGB, PSNR-Y,
// MS-SSIM) or two audio files (SNR, SI-SDR, log-spectral and mel distance,
// STOI), measured exactly as `lcodec eval` measures it (eval/metrics.h,
// eval/audio_metrics.h).
#include <cstdio>

#include "apps/audio_io.h"
#include "apps/cli_common.h"
#include "apps/commands.h"
#include "apps/image_io.h"
#include "apps/media_kind.h"
#include "eval/audio_metrics.h"
#include "eval/metrics.h"

namespace lcodec::apps {
namespace {

constexpr const char* kCommand = "compare";

// The metrics take 8-bit RGB: gray is repeated into three channels.
Status ToRgb8(const std::string& path, const Image& image, Image* out) {
  if (image.bit_depth != 8) return Status::Unsupported("'" + path + "' is 16-bit; compare takes 8-bit images");
  if (image.channels == 3) {
    *out = image;
    return Status::Ok();
  }
  if (image.channels != 1) return Status::Unsupported("'" + path + "' has alpha; compare takes gray or RGB images");
  *out = Image{image.width, image.height, 3, 8, {}};
  out->samples.reserve(image.samples.size() * 3);
  for (uint16_t v : image.samples) out->samples.insert(out->samples.end(), 3, v);
  return Status::Ok();
}

int CompareAudio(const std::string& reference_path, const std::string& test_path, bool json) {
  Audio reference, test;
  Status status = ReadAudio(reference_path, &reference);
  if (status.ok()) status = ReadAudio(test_path, &test);
  eval::AudioDistortion d;
  if (status.ok()) status = eval::MeasureAudioDistortion(reference, test, /*with_stoi=*/false, &d);
  if (!status.ok()) return Fail(kCommand, status);
  if (json) {
    std::printf("{\"snr\": %.4f, \"si_sdr\": %.4f, \"log_spectral_distance\": %.4f, \"mel_distance\": %.4f}\n",
                d.snr, d.si_sdr, d.lsd, d.mel);
  } else {
    std::printf("SNR %.2f dB, SI-SDR %.2f dB, log-spectral distance %.2f dB, mel distance %.3f\n", d.snr, d.si_sdr,
                d.lsd, d.mel);
  }
  return 0;
}

}  // namespace

int CompareMain(int argc, char** argv) {
  cxxopts::Options cli("lcodec compare",
                       "Measures how far a decoded image or audio file is from its original (audio: by extension, "
                       "as lcodec encode decides).");
  cli.add_options()
      ("a,reference", "the original image or audio file", cxxopts::value<std::string>())
      ("b,test", "the file to measure (e.g. lcodec decode's output)", cxxopts::value<std::string>())
      ("json", "print one JSON object instead of text");
  cxxopts::ParseResult args;
  int exit_code = 0;
  if (!ParseOrExit(cli, argc, argv, {"reference", "test"}, &args, &exit_code)) return exit_code;
  if (MediaKindOfFile(args["reference"].as<std::string>()) == MediaKind::kAudio) {
    return CompareAudio(args["reference"].as<std::string>(), args["test"].as<std::string>(), args.count("json") > 0);
  }

  Image images[2];
  const std::string paths[2] = {args["reference"].as<std::string>(), args["test"].as<std::string>()};
  for (int i = 0; i < 2; ++i) {
    Image read;
    Status status = ReadImage(paths[i], &read);
    if (status.ok()) status = ToRgb8(paths[i], read, &images[i]);
    if (!status.ok()) return Fail(kCommand, status);
  }
  if (images[0].width != images[1].width || images[0].height != images[1].height)
    return Fail(kCommand, Status::InvalidArgument("the images differ in size (" + std::to_string(images[0].width) +
                                                  "x" + std::to_string(images[0].height) + " and " +
                                                  std::to_string(images[1].width) + "x" +
                                                  std::to_string(images[1].height) + ")"));
  eval::Distortion d;
  Status status = eval::PsnrRgb(images[0], images[1], &d.psnr_rgb);
  if (status.ok()) status = eval::PsnrY(images[0], images[1], &d.psnr_y);
  if (!status.ok()) return Fail(kCommand, status);
  // MS-SSIM needs room for its coarsest scale; small images get none.
  const bool has_ms_ssim = std::min(images[0].width, images[0].height) >= eval::kMsSsimMinSide;
  if (has_ms_ssim) {
    status = eval::MsSsim(images[0], images[1], &d.ms_ssim);
    if (!status.ok()) return Fail(kCommand, status);
  }
  if (args.count("json")) {
    std::printf("{\"psnr_rgb\": %.4f, \"psnr_y\": %.4f, \"ms_ssim\": %s}\n", d.psnr_rgb, d.psnr_y,
                has_ms_ssim ? std::to_string(d.ms_ssim).c_str() : "null");
  } else {
    std::printf("PSNR-RGB %.2f dB, PSNR-Y %.2f dB, MS-SSIM %s\n", d.psnr_rgb, d.psnr_y,
                has_ms_ssim ? std::to_string(d.ms_ssim).c_str() : "n/a (image under 161 px a side)");
  }
  return 0;
}

}  // namespace lcodec::apps
