// lcodec encode, for audio: audio file -> .lc stream, streamed chunk by
// chunk so that memory stays bounded for files of any length.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "apps/audio_bitrate.h"
#include "apps/audio_io.h"
#include "apps/cli_common.h"
#include "apps/coding_commands.h"
#include "apps/progress.h"
#include "encoder/audio_encoder.h"

namespace lcodec::apps {
namespace {

constexpr const char* kCommand = "encode";
constexpr int64_t kReadFrames = 1 << 16;  // frames per read from the input file

// "12k", "12000", "12.5k" -> bits per second.
Status ParseBitrate(const std::string& text, double* bits_per_second) {
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() && (*end == 'k' || *end == 'K')) {
    value *= 1000;
    ++end;
  }
  if (end == text.c_str() || *end != '\0' || !(value >= 100 && value <= 1e7))
    return Status::InvalidArgument("'" + text + "' is not a bitrate from 100 to 10000k bits per second (like 12k, "
                                   "12000 or 12.5k)");
  *bits_per_second = value;
  return Status::Ok();
}

double Kbps(double bytes, double seconds) { return seconds > 0 ? 8.0 * bytes / seconds / 1000.0 : 0.0; }

// Reads up to `frames` frames of `reader` into *audio.
Status ReadFrames(AudioFileReader& reader, int64_t frames, Audio* audio, bool* at_end) {
  Audio chunk;
  *at_end = false;
  while (audio->frames() < frames && !*at_end) {
    LCODEC_RETURN_IF_ERROR(reader.Read(std::min(kReadFrames, frames - audio->frames()), &chunk, at_end));
    audio->samples.insert(audio->samples.end(), chunk.samples.begin(), chunk.samples.end());
  }
  return Status::Ok();
}

}  // namespace

int EncodeAudioFile(const cxxopts::ParseResult& args, int threads) {
  const auto start = std::chrono::steady_clock::now();
  const std::string& input = args["input"].as<std::string>();
  const std::string& output = args["output"].as<std::string>();
  double target_bits_per_second = 0;
  Status status;
  if (args.count("bitrate")) status = ParseBitrate(args["bitrate"].as<std::string>(), &target_bits_per_second);
  if (!status.ok()) return Fail(kCommand, status);

  runtime::AudioModel model;
  status = LoadModel(args, DefaultAudioModelPath(), &model);
  if (!status.ok()) return Fail(kCommand, status);
  AudioFileReader reader;
  status = reader.Open(input);
  if (!status.ok()) return Fail(kCommand, status);
  const AudioFileInfo& info = reader.info();

  encoder::AudioEncodeOptions options;
  options.threads = threads;
  options.quality = args["quality"].as<double>();
  // With -b, the prefix the quality is searched on is coded first from memory.
  Audio prefix{info.sample_rate, info.channels, info.bit_depth, {}};
  bool at_end = false;
  if (args.count("bitrate")) {
    status = ReadFrames(reader, RatePrefixFrames(info.sample_rate), &prefix, &at_end);
    if (status.ok() && prefix.frames() == 0) status = Status::InvalidArgument("'" + input + "' has no samples");
    if (status.ok()) status = QualityForBitrate(model, prefix, target_bits_per_second, options, &options.quality);
    if (!status.ok()) return Fail(kCommand, status);
  }

  encoder::AudioEncoder encoder;
  encoder::AudioEncodeStats stats;
  bitstream::StreamHeader header;
  bitstream::ContainerWriter writer;
  uint64_t frames = 0;
  {
    TerminalProgress progress("encoding");
    options.progress = [&](int64_t done, int64_t) {
      if (info.frames > 0) progress.Update(static_cast<double>(done) / static_cast<double>(info.frames));
    };
    std::vector<bitstream::Section> sections;
    // Codes `audio` and writes out the sections that are ready.
    auto code = [&](const Audio& audio) {
      sections.clear();
      LCODEC_RETURN_IF_ERROR(encoder.Write(audio.samples.data(), audio.frames(), &sections));
      for (const bitstream::Section& section : sections)
        LCODEC_RETURN_IF_ERROR(writer.Add(section.tag, section.body.data(), section.body.size()));
      frames += static_cast<uint64_t>(audio.frames());
      return Status::Ok();
    };
    status = encoder.Start(&model, info.sample_rate, info.channels, info.bit_depth, options, &header);
    if (status.ok()) status = writer.Open(output, header, args.count("overwrite") > 0);
    if (status.ok()) status = code(prefix);
    while (status.ok() && !at_end) {
      Audio chunk;
      status = reader.Read(kReadFrames, &chunk, &at_end);
      if (status.ok()) status = code(chunk);
    }
    if (status.ok() && frames == 0) status = Status::InvalidArgument("'" + input + "' has no samples");
    sections.clear();
    if (status.ok()) status = encoder.Finish(&sections, &header, &stats);
    for (size_t i = 0; status.ok() && i < sections.size(); ++i)
      status = writer.Add(sections[i].tag, sections[i].body.data(), sections[i].body.size());
    if (status.ok()) status = writer.Finish(&header);
  }
  if (!status.ok()) return Fail(kCommand, status);

  std::error_code error;
  const double bytes = static_cast<double>(std::filesystem::file_size(output, error));
  const double duration = static_cast<double>(frames) / info.sample_rate;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (args.count("json")) {
    // coded/estimated: how close the range coder comes to the model's own rate estimate.
    std::printf("{\"bytes\": %.0f, \"kbps\": %.4f, \"quality\": %.4f, \"sample_rate\": %d, \"channels\": %d, "
                "\"frames\": %llu, \"duration_seconds\": %.3f, \"seconds\": %.3f, \"realtime_factor\": %.2f, "
                "\"transform_seconds\": %.3f, \"entropy_seconds\": %.3f, \"resample_seconds\": %.3f, "
                "\"estimated_bits\": %.1f, \"coded_bits\": %.0f, \"coded_over_estimated\": %.5f}\n",
                bytes, Kbps(bytes, duration), options.quality, info.sample_rate, info.channels,
                static_cast<unsigned long long>(frames), duration, seconds, seconds > 0 ? duration / seconds : 0.0,
                stats.transform_seconds, stats.entropy_seconds, stats.resample_seconds, stats.estimated_bits,
                stats.coded_bits, stats.estimated_bits > 0 ? stats.coded_bits / stats.estimated_bits : 0.0);
  } else {
    std::printf("%s: %d Hz, %d channel(s), %.2f s, %.0f bytes, %.2f kbps at quality %.2f (%.2f s)\n",
                output.c_str(), info.sample_rate, info.channels, duration, bytes, Kbps(bytes, duration),
                options.quality, seconds);
  }
  return 0;
}

}  // namespace lcodec::apps
