// lcodec info: what a stream holds, without decoding it.
#include <array>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "apps/cli_common.h"
#include "apps/commands.h"
#include "bitstream/byte_io.h"
#include "bitstream/container.h"
#include "runtime/audio_layout.h"
#include "runtime/video_layout.h"

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

std::string Hex(const bitstream::ModelId& model_id) {
  std::string id;
  for (uint8_t b : model_id) {
    char hex[3];
    std::snprintf(hex, sizeof hex, "%02x", b);
    id += hex;
  }
  return id;
}

// A video's audio track, from its VINF and AINF sections, and how its
// frames are coded, from each FRAM's type.
struct VideoSections {
  bool present = false;  // an audio track
  runtime::VideoFormat format;
  runtime::AudioTrackInfo track;
  uint64_t bytes = 0;  // AUDC bodies
  std::array<uint64_t, runtime::kFrameTypeCount> frame_types{};  // intra, predicted, repeat
  uint64_t other_frames = 0;              // of an unknown type

  Status Read(const bitstream::Section& section, const bitstream::ParseLimits& limits, bool typed_frames) {
    if (section.tag == runtime::kFrameTag) {
      bitstream::ByteReader reader(section.body.data(), section.body.size());
      runtime::FramePrefix prefix;
      runtime::VisitFramePrefix(reader, &prefix, typed_frames);
      const size_t type = static_cast<size_t>(prefix.type);
      ++(type < frame_types.size() ? frame_types[type] : other_frames);
    } else if (section.tag == runtime::kVideoInfoTag) {
      bitstream::ByteReader reader(section.body.data(), section.body.size());
      runtime::VisitVideoInfo(reader, &format);
    } else if (section.tag == runtime::kAudioInfoTag) {
      present = true;
      return runtime::ParseAudioTrackInfo(section.body, limits, &track);
    } else if (section.tag == runtime::kAudioChunkTag) {
      bytes += section.body.size();
    }
    return Status::Ok();
  }
  double start_seconds() const {
    return format.time_base_den ? static_cast<double>(track.start) * format.time_base_num / format.time_base_den : 0;
  }
  double seconds() const { return static_cast<double>(track.header.frame_count) / track.header.sample_rate; }
  double kbps() const { return 8.0 * static_cast<double>(bytes) / seconds() / 1000.0; }
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
  const bool video = reader.header().modality == bitstream::Modality::kVideo;
  VideoSections video_audio;
  const bool typed_frames = (reader.header().flags & bitstream::kFlagPredictedFrames) != 0;
  // Runs of one tag (an hour of audio has ~900 AUDC chunks) are summed up.
  std::vector<SectionRun> runs;
  for (bool at_end = false;;) {
    bitstream::Section section;
    status = reader.Next(&section, &at_end);
    if (!status.ok()) return Fail("info", status);
    if (at_end) break;
    if (video) status = video_audio.Read(section, LimitsFromOptions(args), typed_frames);
    if (!status.ok()) return Fail("info", status);
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
  const std::string id = Hex(h.model_id);
  const bitstream::StreamHeader& a = video_audio.track.header;
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
    if (video_audio.present)
      std::printf(", \"audio\": {\"sample_rate\": %u, \"channels\": %u, \"bit_depth\": %u, \"frames\": %llu, "
                  "\"duration_seconds\": %.3f, \"start_seconds\": %.6f, \"kbps\": %.4f, \"quality\": %.4f, "
                  "\"model\": \"%s\", \"model_sha256\": \"%s\"}",
                  a.sample_rate, a.channels, a.bit_depth, static_cast<unsigned long long>(a.frame_count),
                  video_audio.seconds(), video_audio.start_seconds(), video_audio.kbps(), a.quality,
                  a.model_name.c_str(), Hex(a.model_id).c_str());
    if (video)
      std::printf(", \"intra_frames\": %llu, \"predicted_frames\": %llu, \"repeated_frames\": %llu",
                  static_cast<unsigned long long>(video_audio.frame_types[0]),
                  static_cast<unsigned long long>(video_audio.frame_types[1]),
                  static_cast<unsigned long long>(video_audio.frame_types[2]));
    std::printf("}\n");
  } else {
    std::printf("modality:  %s\n", ModalityName(h.modality));
    if (audio)
      std::printf("audio:     %u Hz, %u channel(s), %u-bit, %llu samples per channel (%.3f s), %.2f kbps\n",
                  h.sample_rate, h.channels, h.bit_depth, static_cast<unsigned long long>(h.frame_count), duration,
                  kbps);
    else
      std::printf("size:      %ux%u, %u channel(s), %u-bit\n", h.width, h.height, h.channels, h.bit_depth);
    std::printf("quality:   %.4f\nmodel:     %s (sha256 %s)\n", h.quality, h.model_name.c_str(), id.c_str());
    if (video) {
      const std::string unknown =
          video_audio.other_frames ? ", " + std::to_string(video_audio.other_frames) + " of unknown types" : "";
      std::printf("frames:    %llu intra, %llu predicted, %llu repeated%s\n",
                  static_cast<unsigned long long>(video_audio.frame_types[0]),
                  static_cast<unsigned long long>(video_audio.frame_types[1]),
                  static_cast<unsigned long long>(video_audio.frame_types[2]), unknown.c_str());
    }
    if (video_audio.present)
      std::printf("audio:     %u Hz, %u channel(s), %u-bit, %llu samples per channel (%.3f s) from %.6f s, "
                  "%.2f kbps at quality %.4f, model %s (sha256 %s)\n",
                  a.sample_rate, a.channels, a.bit_depth, static_cast<unsigned long long>(a.frame_count),
                  video_audio.seconds(), video_audio.start_seconds(), video_audio.kbps(), a.quality,
                  a.model_name.c_str(), Hex(a.model_id).c_str());
    else if (video)
      std::printf("audio:     none\n");
    std::printf("sections:  %s\n", sections.c_str());
  }
  return 0;
}

}  // namespace lcodec::apps
