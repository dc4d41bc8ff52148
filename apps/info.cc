// lcodec info: what a stream holds, without decoding it.
#include <cstdio>

#include "apps/cli_common.h"
#include "apps/commands.h"
#include "bitstream/container.h"

namespace lcodec::apps {
namespace {

const char* ModalityName(bitstream::Modality m) {
  switch (m) {
    case bitstream::Modality::kImage: return "image";
    case bitstream::Modality::kAudio: return "audio";
    case bitstream::Modality::kVideo: return "video";
  }
  return "unknown";
}

}  // namespace

int InfoMain(int argc, char** argv) {
  cxxopts::Options cli("lcodec info", "Prints the header and sections of an lcodec stream (checks every CRC).");
  cli.add_options()
      ("i,input", "stream to read (.lc)", cxxopts::value<std::string>())
      ("json", "print a machine-readable summary");
  AddLimitOptions(cli);
  cxxopts::ParseResult args;
  int exit_code = 0;
  if (!ParseOrExit(cli, argc, argv, {"input"}, &args, &exit_code)) return exit_code;
  bitstream::ContainerReader reader;
  Status status = reader.Open(args["input"].as<std::string>(), LimitsFromOptions(args));
  if (!status.ok()) return Fail("info", status);
  uint64_t payload = 0, count = 0;
  std::string sections;
  for (bool at_end = false;;) {
    bitstream::Section section;
    status = reader.Next(&section, &at_end);
    if (!status.ok()) return Fail("info", status);
    if (at_end) break;
    payload += section.body.size();
    ++count;
    sections += (sections.empty() ? "" : ", ") + std::string(section.tag.data(), 4) + " " +
                std::to_string(section.body.size());
  }
  const bitstream::StreamHeader& h = reader.header();
  std::string id;
  for (uint8_t b : h.model_id) {
    char hex[3];
    std::snprintf(hex, sizeof hex, "%02x", b);
    id += hex;
  }
  if (args.count("json")) {
    std::printf("{\"modality\": \"%s\", \"width\": %u, \"height\": %u, \"channels\": %u, \"bit_depth\": %u, "
                "\"quality\": %.4f, \"model\": \"%s\", \"model_sha256\": \"%s\", \"sections\": %llu, "
                "\"payload_bytes\": %llu}\n",
                ModalityName(h.modality), h.width, h.height, h.channels, h.bit_depth, h.quality,
                h.model_name.c_str(), id.c_str(), static_cast<unsigned long long>(count),
                static_cast<unsigned long long>(payload));
  } else {
    std::printf("modality:  %s\nsize:      %ux%u, %u channel(s), %u-bit\nquality:   %.4f\n"
                "model:     %s (sha256 %s)\nsections:  %s\n",
                ModalityName(h.modality), h.width, h.height, h.channels, h.bit_depth, h.quality,
                h.model_name.c_str(), id.c_str(), sections.c_str());
  }
  return 0;
}

}  // namespace lcodec::apps
