// lcodec decode, for video: .lc stream -> video file or numbered PNG frames,
// one frame in memory at a time; an audio track goes into the video file.
#include <chrono>
#include <cstdio>

#include "apps/cli_common.h"
#include "apps/coding_commands.h"
#include "apps/progress.h"
#include "apps/video_io.h"
#include "decoder/video_decoder.h"

namespace lcodec::apps {

int DecodeVideoStream(const cxxopts::ParseResult& args, int threads) {
  constexpr const char* kCommand = "decode";
  const auto start = std::chrono::steady_clock::now();
  runtime::ImageModel model;
  Status status = LoadModel(args, DefaultImageModelPath(), &model);
  if (!status.ok()) return Fail(kCommand, status);

  decoder::VideoDecodeOptions options;
  options.threads = threads;
  options.limits = LimitsFromOptions(args);
  decoder::VideoDecoder decoder(model);
  status = decoder.Open(args["input"].as<std::string>(), options);
  if (!status.ok()) return Fail(kCommand, status);

  const std::string& output = args["output"].as<std::string>();
  // Numbered frames have nowhere to put sound.
  const bool with_audio = decoder.has_audio() && !args.count("no-audio") && !IsFramePattern(output);
  runtime::AudioModel audio_model;
  AudioTrackFormat audio_format;
  if (with_audio) {
    status = LoadModel(args, DefaultAudioModelPath(), &audio_model, "audio-model");
    if (status.ok()) status = decoder.StartAudio(&audio_model);
    if (!status.ok()) return Fail(kCommand, status);
    const bitstream::StreamHeader& track = decoder.audio_track().header;
    audio_format = {static_cast<int>(track.sample_rate), track.channels, track.bit_depth, decoder.audio_track().start};
  }

  VideoWriterOptions writer_options;
  writer_options.codec = args["video-codec"].as<std::string>();
  writer_options.audio_codec = args["audio-codec"].as<std::string>();
  if (args.count("crf")) writer_options.crf = args["crf"].as<int>();
  writer_options.overwrite = args.count("overwrite") > 0;
  VideoWriter writer;
  status = writer.Open(output, decoder.format(), writer_options, with_audio ? &audio_format : nullptr);
  {
    TerminalProgress progress("decoding");
    Image frame;
    Audio audio;
    int64_t pts = 0;
    bool at_end = false;
    while (status.ok()) {
      status = decoder.Next(&frame, &pts, &at_end, &audio);
      if (status.ok() && with_audio) status = writer.WriteAudio(audio.samples.data(), audio.frames());
      if (!status.ok() || at_end) break;
      status = writer.Write(frame, pts);
      progress.Update(static_cast<double>(decoder.frames()) / static_cast<double>(decoder.header().frame_count));
    }
  }
  if (status.ok()) status = writer.Finish();
  if (!status.ok()) return Fail(kCommand, status);

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const runtime::VideoFormat& f = decoder.format();
  const double fps = static_cast<double>(decoder.frames()) / seconds;
  const char* audio_note = !decoder.has_audio()           ? "none"
                           : with_audio                   ? "decoded"
                           : args.count("no-audio")       ? "skipped (--no-audio)"
                                                          : "skipped: numbered frames carry no sound";
  if (args.count("json")) {
    std::printf("{\"frames\": %llu, \"width\": %u, \"height\": %u, \"frame_rate\": \"%u/%u\", \"seconds\": %.3f, "
                "\"fps\": %.3f, \"audio\": \"%s\"}\n",
                static_cast<unsigned long long>(decoder.frames()), f.width, f.height, f.frame_rate_num,
                f.frame_rate_den, seconds, fps, audio_note);
  } else {
    std::printf("%s: %ux%u, %llu frames at %u/%u fps (%.2f s, %.2f fps)\n", output.c_str(), f.width, f.height,
                static_cast<unsigned long long>(decoder.frames()), f.frame_rate_num, f.frame_rate_den, seconds, fps);
    if (decoder.has_audio()) std::printf("audio track %s\n", audio_note);
  }
  return 0;
}

}  // namespace lcodec::apps
