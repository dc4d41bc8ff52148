// lcodec info: what a stream holds, without decoding it.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

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

// Consecutive sections with one tag: "TAG bytes", or "TAG bytes (n sections)".
struct SectionRun {
  bitstream::Tag tag;
  uint64_t count, bytes;
};

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
  // Runs of one tag (an hour of audio has ~900 AUDC chunks) are summed up.
  std::vector<SectionRun> runs;
  for (bool at_end = false;;) {
    bitstream::Section section;
    status = reader.Next(&section, &at_end);
    if (!status.ok()) return Fail("info", status);
    if (at_end) break;
    payload += section.body.size();
    ++count;
    if (runs.empty() || runs.back().tag != section.tag) runs.push_back({section.tag, 0, 0});
    ++runs.back().count;
    runs.back().bytes += section.body.size();
  }
  std::string sections;
  for (const SectionRun& run : runs) {
    sections += (sections.empty() ? "" : ", ") + std::string(run.tag.data(), 4) + " " + std::to_string(run.bytes) +
                (run.count > 1 ? " (" + std::to_string(run.count) + " sections)" : "");
  }
  const bitstream::StreamHeader& h = reader.header();
  std::string id;
  for (uint8_t b : h.model_id) {
    char hex[3];
    std::snprintf(hex, sizeof hex, "%02x", b);
    id += hex;
  }
  const bool audio = h.modality == bitstream::Modality::kAudio;
  // Audio: the whole file's bitrate over the stream's duration.
  const double duration = audio ? static_cast<double>(h.frame_count) / h.sample_rate : 0.0;
  std::error_code error;
  const double file_bytes = static_cast<double>(std::filesystem::file_size(args["input"].as<std::string>(), error));
  const double kbps = duration > 0 ? 8.0 * file_bytes / duration / 1000.0 : 0.0;
  if (args.count("json")) {
    std::printf("{\"modality\": \"%s\", \"width\": %u, \"height\": %u, \"channels\": %u, \"bit_depth\": %u, "
                "\"quality\": %.4f, \"model\": \"%s\", \"model_sha256\": \"%s\", \"sections\": %llu, "
                "\"payload_bytes\": %llu",
                ModalityName(h.modality), h.width, h.height, h.channels, h.bit_depth, h.quality,
                h.model_name.c_str(), id.c_str(), static_cast<unsigned long long>(count),
                static_cast<unsigned long long>(payload));
    if (audio)
      std::printf(", \"sample_rate\": %u, \"frames\": %llu, \"duration_seconds\": %.3f, \"kbps\": %.4f",
                  h.sample_rate, static_cast<unsigned long long>(h.frame_count), duration, kbps);
    std::printf("}\n");
  } else {
    std::printf("modality:  %s\n", ModalityName(h.modality));
    if (audio)
      std::printf("audio:     %u Hz, %u channel(s), %u-bit, %llu samples per channel (%.3f s), %.2f kbps\n",
                  h.sample_rate, h.channels, h.bit_depth, static_cast<unsigned long long>(h.frame_count), duration,
                  kbps);
    else
      std::printf("size:      %ux%u, %u channel(s), %u-bit\n", h.width, h.height, h.channels, h.bit_depth);
    std::printf("quality:   %.4f\nmodel:     %s (sha256 %s)\nsections:  %s\n", h.quality, h.model_name.c_str(),
                id.c_str(), sections.c_str());
  }
  return 0;
}

}  // namespace lcodec::apps
