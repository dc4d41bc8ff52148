// lcodec encode: image, audio or video file -> .lc stream. This file holds
// the command line; the work is in encode_<media>.cc.
#include "apps/cli_common.h"
#include "apps/coding_commands.h"
#include "apps/commands.h"
#include "apps/media_kind.h"
#include "encoder/video_encoder.h"

namespace lcodec::apps {

int EncodeMain(int argc, char** argv) {
  cxxopts::Options cli("lcodec encode",
                       "Compresses an image (PNG 8/16-bit, JPEG, PPM, BMP, TIFF, WebP; gray or RGB) or audio (WAV, "
                       "FLAC, Ogg, and what FFmpeg reads: MP3, M4A, Opus...; any rate and channel count) or video (what "
                       "FFmpeg reads: .mp4, .mkv, .mov, .webm...; frames coded with the image model, each on its own or "
                       "against the previous frame). The input's extension picks the kind of media.");
  cli.add_options()
      ("i,input", "file to compress", cxxopts::value<std::string>())
      ("o,output", "stream to write (.lc)", cxxopts::value<std::string>())
      ("q,quality", "quality, a real number in the model's range (1..8 for the default); higher is better",
       cxxopts::value<double>()->default_value("4"))
      ("bpp", "images: target bits per pixel instead of -q: the highest quality that fits", cxxopts::value<double>())
      ("refine", "images: rounds (0.." + std::to_string(encoder::kMaxRefinementRounds) + ") of refining the "
       "coded latent against the decoded pixels: smaller files at the same PSNR, each round costing about three "
       "decodes of time (README, Images)", cxxopts::value<int>()->default_value("0"))
      ("b,bitrate", "audio: target bitrate instead of -q, in bits per second (12k, 12000, 12.5k): the highest "
       "quality at which the input's first 10 s fit it (bisection), used for the whole file",
       cxxopts::value<std::string>())
      ("audio-quality", "video: quality of the audio track, coded with the audio model (its range: 1..8 for the "
       "default)", cxxopts::value<double>()->default_value("4"))
      ("audio-model", "video: the audio track's model (default: the shipped audio model)",
       cxxopts::value<std::string>())
      ("no-audio", "video: leave the audio track out")
      ("keyframe-interval", "video: an intra frame (coded on its own, where a decoder can start) at least every N "
       "frames; the others may refer to the previous frame. 1: all intra",
       cxxopts::value<int>()->default_value(std::to_string(encoder::VideoEncodeOptions().keyframe_interval)));
  AddCodingOptions(cli, "model file (default: the model shipped for the input's kind of media)",
                   "threads for transforms and entropy coding");
  cxxopts::ParseResult args;
  int threads = 0, exit_code = 0;
  if (!ParseCodingCommandLine(cli, argc, argv, "encode", &args, &threads, &exit_code)) return exit_code;
  switch (MediaKindOfFile(args["input"].as<std::string>())) {
    case MediaKind::kImage: return EncodeImageFile(args, threads);
    case MediaKind::kAudio: return EncodeAudioFile(args, threads);
    case MediaKind::kVideo: return EncodeVideoFile(args, threads);
  }
  return Fail("encode", Status::Unsupported("unknown kind of media"));
}

}  // namespace lcodec::apps
