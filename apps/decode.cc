// lcodec decode: .lc stream -> image, audio or video file. This file holds
// the command line; the stream's header picks decode_<media>.cc.
#include "apps/cli_common.h"
#include "apps/coding_commands.h"
#include "apps/commands.h"
#include "bitstream/container.h"

namespace lcodec::apps {

int DecodeMain(int argc, char** argv) {
  constexpr const char* kCommand = "decode";
  cxxopts::Options cli("lcodec decode",
                       "Decompresses an lcodec stream. Images: the output's extension picks PNG, .ppm, .tif or "
                       ".bmp. Audio: .wav, .flac or .ogg, at the input's rate, channels and length. Video: .mkv "
                       "(FFV1, lossless, unless --video-codec), .mp4, .mov, .avi, or numbered frames with a "
                       "pattern such as frames/%06d.png.");
  cli.add_options()
      ("i,input", "stream to read (.lc)", cxxopts::value<std::string>())
      ("o,output", "file to write; the extension picks the format", cxxopts::value<std::string>())
      ("video-codec", "video: the FFmpeg encoder of the output file (ffmpeg -encoders); ffv1 is lossless",
       cxxopts::value<std::string>()->default_value("ffv1"))
      ("crf", "video: constant rate factor for encoders that take one (libx264, libx265, libvpx-vp9)",
       cxxopts::value<int>())
      ("audio-codec", "video: the FFmpeg encoder of the output's audio track; flac is lossless. Numbered frames "
       "get no audio (the track is skipped, and the output says so)",
       cxxopts::value<std::string>()->default_value("flac"))
      ("audio-model", "video: the audio model the stream's audio track was made with (default: the shipped one)",
       cxxopts::value<std::string>())
      ("no-audio", "video: leave the audio track out");
  AddLimitOptions(cli);
  AddCodingOptions(cli, "model file (must be the one the stream was made with; default: the shipped one)",
                   "threads; the output is the same for any count");
  cxxopts::ParseResult args;
  int threads = 0, exit_code = 0;
  if (!ParseCodingCommandLine(cli, argc, argv, kCommand, &args, &threads, &exit_code)) return exit_code;
  // Only the header, to learn the kind of media; the half that decodes reads the stream again.
  bitstream::ContainerReader reader;
  const Status status = reader.Open(args["input"].as<std::string>(), LimitsFromOptions(args));
  if (!status.ok()) return Fail(kCommand, status);
  switch (reader.header().modality) {
    case bitstream::Modality::kImage: return DecodeImageStream(args, threads);
    case bitstream::Modality::kAudio: return DecodeAudioStream(args, threads);
    case bitstream::Modality::kVideo: return DecodeVideoStream(args, threads);
  }
  return Fail(kCommand, Status::Unsupported("unknown kind of media"));  // the reader refuses other values
}

}  // namespace lcodec::apps
