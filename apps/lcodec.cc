// lcodec: the command-line front end. Dispatches to one subcommand.
#include <cstdio>
#include <cstring>

#include "apps/commands.h"

namespace {

struct Command {
  const char* name;
  int (*main)(int argc, char** argv);
  const char* summary;
};

const Command kCommands[] = {
    {"encode", lcodec::apps::EncodeMain, "compress an image, audio file or video into an .lc stream"},
    {"decode", lcodec::apps::DecodeMain, "decompress an .lc stream into an image, audio file or video"},
    {"info", lcodec::apps::InfoMain, "show what an .lc stream holds"},
    {"bench", lcodec::apps::BenchMain, "measure the entropy coder's speed and efficiency"},
    {"eval", lcodec::apps::EvalMain, "rate-distortion curves and BD-rates against classical codecs (images, audio)"},
    {"compare", lcodec::apps::CompareMain, "how far a decoded image (PSNR, MS-SSIM) or audio file (SNR, SI-SDR, ...) is from its original"},
    {"bench-image", lcodec::apps::BenchImageMain, "time image coding: I/O, transforms, entropy coding vs JPEG/WebP"},
};

void PrintUsage(FILE* out) {
  std::fprintf(out,
               "lcodec: a learned media codec\n\n"
               "usage: lcodec <command> [options]\n\ncommands:\n");
  for (const Command& c : kCommands) std::fprintf(out, "  %-12s %s\n", c.name, c.summary);
  std::fprintf(out, "\nRun 'lcodec <command> --help' for a command's options.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    PrintUsage(stderr);
    return 2;
  }
  if (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    PrintUsage(stdout);
    return 0;
  }
  for (const Command& c : kCommands) {
    if (!std::strcmp(argv[1], c.name)) return c.main(argc - 1, argv + 1);
  }
  std::fprintf(stderr, "lcodec: unknown command '%s'. Run 'lcodec --help' for the list.\n", argv[1]);
  return 2;
}
