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
                       "Decompresses an lcodec stream. Images: the output's extension picks PNG, .ppm, .tif or .bmp.");
  cli.add_options()
      ("i,input", "stream to read (.lc)", cxxopts::value<std::string>())
      ("o,output", "file to write; the extension picks the format", cxxopts::value<std::string>());
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
    default: break;
  }
  return Fail(kCommand, Status::Unsupported("this build decodes image streams only"));
}

}  // namespace lcodec::apps
