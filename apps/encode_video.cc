// lcodec encode, for video: any video FFmpeg reads -> .lc stream, one frame
// in memory at a time.
#include <chrono>
#include <cstdio>

#include "apps/cli_common.h"
#include "apps/coding_commands.h"
#include "apps/progress.h"
#include "apps/video_io.h"
#include "encoder/video_encoder.h"

namespace lcodec::apps {
namespace {

constexpr const char* kCommand = "encode";
constexpr const char* kAudioDropped = "audio track dropped: this build codes video frames only";

// How far through the input `pts` is, for the progress line.
double Fraction(const VideoReader& reader, int64_t pts, uint64_t frames) {
  if (reader.estimated_frames() > 0) return static_cast<double>(frames) / static_cast<double>(reader.estimated_frames());
  const runtime::VideoFormat& f = reader.format();
  if (reader.duration_seconds() > 0)
    return static_cast<double>(pts) * f.time_base_num / f.time_base_den / reader.duration_seconds();
  return 0;
}

}  // namespace

int EncodeVideoFile(const cxxopts::ParseResult& args, int threads) {
  if (args.count("bpp") || args.count("bitrate"))
    return Fail(kCommand, Status::InvalidArgument("video is coded at a quality (-q); --bpp and --bitrate are for "
                                                  "images and audio"));
  const auto start = std::chrono::steady_clock::now();
  std::string model_path;
  Status status = ModelPath(args, DefaultImageModelPath(), &model_path);
  if (!status.ok()) return Fail(kCommand, status);
  runtime::ImageModel model;
  status = runtime::ImageModel::Load(model_path, &model);
  if (!status.ok()) return Fail(kCommand, status);
  VideoReader reader;
  status = reader.Open(args["input"].as<std::string>());
  if (!status.ok()) return Fail(kCommand, status);

  encoder::VideoEncodeOptions options;
  options.quality = args["quality"].as<double>();
  options.threads = threads;
  encoder::VideoEncoder encoder(model);
  const std::string& output = args["output"].as<std::string>();
  status = encoder.Open(output, args.count("overwrite") > 0, reader.format(), options);
  {
    TerminalProgress progress("encoding");
    VideoFrame frame;
    bool at_end = false;
    while (status.ok()) {
      status = reader.Next(&frame, &at_end);
      if (!status.ok() || at_end) break;
      status = encoder.AddFrame(frame.image, frame.pts);
      progress.Update(Fraction(reader, frame.pts, encoder.frames()));
    }
  }
  if (status.ok()) status = encoder.Finish();
  if (!status.ok()) return Fail(kCommand, status);

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const runtime::VideoFormat& f = reader.format();
  const double duration = static_cast<double>(encoder.frames()) * f.frame_rate_den / f.frame_rate_num;
  const double kbps = 8.0 * static_cast<double>(encoder.bytes()) / duration / 1000.0;
  const double fps = static_cast<double>(encoder.frames()) / seconds;
  if (args.count("json")) {
    std::printf("{\"frames\": %llu, \"bytes\": %llu, \"kbps\": %.3f, \"fps\": %.3f, \"width\": %u, \"height\": %u, "
                "\"frame_rate\": \"%u/%u\", \"quality\": %.4f, \"seconds\": %.3f, \"audio\": \"%s\"}\n",
                static_cast<unsigned long long>(encoder.frames()), static_cast<unsigned long long>(encoder.bytes()),
                kbps, fps, f.width, f.height, f.frame_rate_num, f.frame_rate_den, options.quality, seconds,
                reader.has_audio() ? kAudioDropped : "none");
  } else {
    std::printf("%s: %ux%u, %llu frames at %u/%u fps, %llu bytes, %.1f kbps at quality %.2f (%.2f s, %.2f fps)\n",
                output.c_str(), f.width, f.height, static_cast<unsigned long long>(encoder.frames()),
                f.frame_rate_num, f.frame_rate_den, static_cast<unsigned long long>(encoder.bytes()), kbps,
                options.quality, seconds, fps);
    if (reader.has_audio()) std::printf("%s\n", kAudioDropped);
  }
  return 0;
}

}  // namespace lcodec::apps
