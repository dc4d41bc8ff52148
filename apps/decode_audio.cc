// lcodec decode, for audio: .lc stream -> audio file, streamed: each chunk
// is written out as soon as it is decoded.
#include <chrono>
#include <cstdio>

#include "apps/audio_io.h"
#include "apps/cli_common.h"
#include "apps/coding_commands.h"
#include "apps/progress.h"
#include "decoder/audio_decoder.h"

namespace lcodec::apps {
namespace {

constexpr const char* kCommand = "decode";

// The stream's bit depth, unless the output format cannot store it (FLAC
// has no float samples: 24 bits then).
int OutputBitDepth(const std::string& path, int stream_bit_depth) {
  const bool flac = path.size() >= 5 && (path.compare(path.size() - 5, 5, ".flac") == 0 ||
                                         path.compare(path.size() - 5, 5, ".FLAC") == 0);
  return flac && stream_bit_depth == 32 ? 24 : stream_bit_depth;
}

}  // namespace

int DecodeAudioStream(const cxxopts::ParseResult& args, int threads) {
  const auto start = std::chrono::steady_clock::now();
  const std::string& output = args["output"].as<std::string>();
  decoder::AudioDecodeOptions options;
  options.threads = threads;
  options.limits = LimitsFromOptions(args);
  bitstream::ContainerReader reader;
  Status status = reader.Open(args["input"].as<std::string>(), options.limits);
  if (!status.ok()) return Fail(kCommand, status);
  const bitstream::StreamHeader& header = reader.header();
  runtime::AudioModel model;
  status = LoadModel(args, DefaultAudioModelPath(), &model);
  if (!status.ok()) return Fail(kCommand, status);

  decoder::AudioDecoder decoder;
  decoder::AudioDecodeStats stats;
  AudioFileWriter writer;
  const int bit_depth = OutputBitDepth(output, header.bit_depth);
  {
    TerminalProgress progress("decoding");
    options.progress = [&](int64_t done, int64_t total) {
      progress.Update(static_cast<double>(done) / static_cast<double>(total));
    };
    Audio ready;
    status = decoder.Start(&model, header, options);
    if (status.ok())
      status = writer.Open(output, static_cast<int>(header.sample_rate), header.channels, bit_depth,
                           args.count("overwrite") > 0);
    for (bool at_end = false; status.ok();) {
      bitstream::Section section;
      status = reader.Next(&section, &at_end);
      if (!status.ok() || at_end) break;
      status = decoder.Add(section, &ready);
      if (status.ok()) status = writer.Write(ready.samples.data(), ready.frames());
    }
    if (status.ok()) status = decoder.Finish(&ready, &stats);
    if (status.ok()) status = writer.Write(ready.samples.data(), ready.frames());
    if (status.ok()) status = writer.Finish();
  }
  if (!status.ok()) return Fail(kCommand, status);

  const double duration = static_cast<double>(header.frame_count) / header.sample_rate;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (args.count("json")) {
    std::printf("{\"sample_rate\": %u, \"channels\": %u, \"bit_depth\": %d, \"frames\": %llu, "
                "\"duration_seconds\": %.3f, \"seconds\": %.3f, \"realtime_factor\": %.2f, "
                "\"transform_seconds\": %.3f, \"entropy_seconds\": %.3f, \"resample_seconds\": %.3f}\n",
                header.sample_rate, header.channels, bit_depth, static_cast<unsigned long long>(header.frame_count),
                duration, seconds, seconds > 0 ? duration / seconds : 0.0, stats.transform_seconds,
                stats.entropy_seconds, stats.resample_seconds);
  } else {
    std::printf("%s: %u Hz, %u channel(s), %d-bit, %.2f s (%.2f s)\n", output.c_str(), header.sample_rate,
                header.channels, bit_depth, duration, seconds);
  }
  return 0;
}

}  // namespace lcodec::apps
