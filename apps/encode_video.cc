// lcodec encode, for video: any video FFmpeg reads -> .lc stream, one frame
// in memory at a time. The first audio track, if any, is coded with the
// audio model and written between the frames in time order.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "apps/audio_io.h"
#include "apps/cli_common.h"
#include "apps/coding_commands.h"
#include "apps/progress.h"
#include "apps/video_io.h"
#include "encoder/video_encoder.h"

namespace lcodec::apps {
namespace {

constexpr const char* kCommand = "encode";
constexpr int64_t kAudioReadFrames = 1 << 14;  // per read from the input's audio track

// How far through the input `pts` is, for the progress line.
double Fraction(const VideoReader& reader, int64_t pts, uint64_t frames) {
  if (reader.estimated_frames() > 0) return static_cast<double>(frames) / static_cast<double>(reader.estimated_frames());
  const runtime::VideoFormat& f = reader.format();
  if (reader.duration_seconds() > 0)
    return static_cast<double>(pts) * f.time_base_num / f.time_base_den / reader.duration_seconds();
  return 0;
}

// The input's audio track, read by its own demuxer and handed to the
// encoder up to each frame's time, so both tracks stream in time order.
class AudioFeed {
 public:
  Status Open(const std::string& path, const VideoReader& video, runtime::AudioModel* model, double quality,
              int threads, encoder::VideoAudioTrack* track) {
    LCODEC_RETURN_IF_ERROR(reader_.Open(path));
    const AudioFileInfo& info = reader_.info();
    if (!(quality >= model->quality_min() && quality <= model->quality_max()))
      return Status::InvalidArgument("--audio-quality must lie in [" + std::to_string(model->quality_min()) + ", " +
                                     std::to_string(model->quality_max()) + "] for audio model '" + model->name() +
                                     "'");
    track->model = model;
    track->sample_rate = info.sample_rate;
    track->channels = info.channels;
    track->bit_depth = info.bit_depth;
    track->start = video.audio_start();
    track->options.quality = quality;
    track->options.threads = threads;
    start_ = video.audio_start();
    const runtime::VideoFormat& f = video.format();
    // Samples per time base tick.
    samples_per_tick_ = static_cast<long double>(info.sample_rate) * f.time_base_num / f.time_base_den;
    return Status::Ok();
  }

  // Codes the samples that play before `pts` (all of them with at_end).
  Status CodeUntil(int64_t pts, bool at_end, encoder::VideoEncoder* encoder) {
    const long double until = at_end ? -1 : (static_cast<long double>(pts) - start_) * samples_per_tick_;
    while (!done_ && (at_end || static_cast<long double>(read_) < until)) {
      const int64_t want =
          at_end ? kAudioReadFrames : static_cast<int64_t>(std::min<long double>(kAudioReadFrames, std::ceil(until - read_)));
      LCODEC_RETURN_IF_ERROR(reader_.Read(want, &chunk_, &done_));
      LCODEC_RETURN_IF_ERROR(encoder->AddAudio(chunk_.samples.data(), chunk_.frames()));
      read_ += chunk_.frames();
    }
    return Status::Ok();
  }

 private:
  AudioFileReader reader_;
  Audio chunk_;
  int64_t start_ = 0, read_ = 0;
  long double samples_per_tick_ = 0;
  bool done_ = false;
};

}  // namespace

int EncodeVideoFile(const cxxopts::ParseResult& args, int threads) {
  if (args.count("bpp") || args.count("bitrate"))
    return Fail(kCommand, Status::InvalidArgument("video is coded at a quality (-q, and --audio-quality for its "
                                                  "audio); --bpp and --bitrate are for images and audio files"));
  const auto start = std::chrono::steady_clock::now();
  const std::string& input = args["input"].as<std::string>();
  runtime::ImageModel model;
  Status status = LoadModel(args, DefaultImageModelPath(), &model);
  if (!status.ok()) return Fail(kCommand, status);
  VideoReader reader;
  status = reader.Open(input);
  if (!status.ok()) return Fail(kCommand, status);

  encoder::VideoEncodeOptions options;
  options.quality = args["quality"].as<double>();
  options.threads = threads;
  options.keyframe_interval = args["keyframe-interval"].as<int>();
  if (options.keyframe_interval < 1)
    return Fail(kCommand, Status::InvalidArgument("--keyframe-interval must be at least 1"));
  const bool with_audio = reader.has_audio() && !args.count("no-audio");
  runtime::AudioModel audio_model;
  AudioFeed audio;
  if (with_audio) {
    options.audio.emplace();
    status = LoadModel(args, DefaultAudioModelPath(), &audio_model, "audio-model");
    if (status.ok()) {
      status = audio.Open(input, reader, &audio_model, args["audio-quality"].as<double>(), threads, &*options.audio);
      const std::string hint = "; pass --no-audio to leave the audio track out";
      if (status.code() == Status::Code::kUnsupported) status = Status::Unsupported(status.message() + hint);
      if (status.code() == Status::Code::kCorrupt) status = Status::Corrupt(status.message() + hint);
    }
    if (!status.ok()) return Fail(kCommand, status);
  }
  encoder::VideoEncoder encoder(model);
  const std::string& output = args["output"].as<std::string>();
  status = encoder.Open(output, args.count("overwrite") > 0, reader.format(), options);
  encoder::AudioEncodeStats audio_stats;
  {
    TerminalProgress progress("encoding");
    VideoFrame frame;
    bool at_end = false;
    while (status.ok()) {
      status = reader.Next(&frame, &at_end);
      if (status.ok() && with_audio) status = audio.CodeUntil(frame.pts, at_end, &encoder);
      if (!status.ok() || at_end) break;
      status = encoder.AddFrame(frame.image, frame.pts);
      progress.Update(Fraction(reader, frame.pts, encoder.frames()));
    }
  }
  if (status.ok()) status = encoder.Finish(&audio_stats);
  if (!status.ok()) return Fail(kCommand, status);

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const runtime::VideoFormat& f = reader.format();
  const double duration = static_cast<double>(encoder.frames()) * f.frame_rate_den / f.frame_rate_num;
  const double kbps = 8.0 * static_cast<double>(encoder.bytes()) / duration / 1000.0;
  const double audio_kbps =
      with_audio ? 8.0 * static_cast<double>(encoder.audio_bytes()) * options.audio->sample_rate /
                       static_cast<double>(encoder.audio_frames()) / 1000.0
                 : 0.0;
  const double fps = static_cast<double>(encoder.frames()) / seconds;
  const char* audio_note = !reader.has_audio() ? "none" : with_audio ? "coded" : "dropped (--no-audio)";
  const auto frames_of = [&](runtime::FrameType type) {
    return static_cast<unsigned long long>(encoder.frames_of_type(type));
  };
  const unsigned long long intra = frames_of(runtime::FrameType::kIntra),
                           predicted = frames_of(runtime::FrameType::kPredicted),
                           repeated = frames_of(runtime::FrameType::kRepeat);
  if (args.count("json")) {
    std::printf("{\"frames\": %llu, \"bytes\": %llu, \"kbps\": %.3f, \"fps\": %.3f, \"width\": %u, \"height\": %u, "
                "\"frame_rate\": \"%u/%u\", \"quality\": %.4f, \"seconds\": %.3f, \"audio\": \"%s\", "
                "\"audio_bytes\": %llu, \"audio_kbps\": %.3f, \"audio_frames\": %llu, \"intra_frames\": %llu, "
                "\"predicted_frames\": %llu, \"repeated_frames\": %llu}\n",
                static_cast<unsigned long long>(encoder.frames()), static_cast<unsigned long long>(encoder.bytes()),
                kbps, fps, f.width, f.height, f.frame_rate_num, f.frame_rate_den, options.quality, seconds,
                audio_note, static_cast<unsigned long long>(encoder.audio_bytes()), audio_kbps,
                static_cast<unsigned long long>(encoder.audio_frames()), intra, predicted, repeated);
  } else {
    std::printf("%s: %ux%u, %llu frames at %u/%u fps, %llu bytes, %.1f kbps at quality %.2f (%.2f s, %.2f fps)\n",
                output.c_str(), f.width, f.height, static_cast<unsigned long long>(encoder.frames()),
                f.frame_rate_num, f.frame_rate_den, static_cast<unsigned long long>(encoder.bytes()), kbps,
                options.quality, seconds, fps);
    std::printf("frames: %llu intra, %llu predicted from the previous one, %llu repeated\n", intra, predicted,
                repeated);
    if (with_audio)
      std::printf("audio: %d Hz, %d channel(s), %llu samples per channel, %llu bytes, %.1f kbps at quality %.2f\n",
                  options.audio->sample_rate, options.audio->channels,
                  static_cast<unsigned long long>(encoder.audio_frames()),
                  static_cast<unsigned long long>(encoder.audio_bytes()), audio_kbps, options.audio->options.quality);
    else if (reader.has_audio())
      std::printf("audio track dropped (--no-audio)\n");
  }
  return 0;
}

}  // namespace lcodec::apps
