// Fuzz target for the audio decoder behind a valid header: the AUDC chunk
// fields and entropy-coded payloads, and the header's rate, channels,
// length and quality.
//
// The input is an lcodec audio stream (the seeds in tests/corpus/audio_decode
// are real ones). As fuzz_image_decode does, the target recomputes every
// section CRC and stamps the loaded model's id into HEAD, so that mutations
// reach the chunk checks, the range decoder and the transforms. Limits are
// small, so any length a header may declare decodes in bounded time and
// memory.
//
// Properties: decoding ends in audio of the declared rate, channels and
// length, within [-1, 1], or an error; and gives the same samples and the
// same status with 1 and 3 threads.
//
// The model comes from $LCODEC_FUZZ_AUDIO_MODEL (the tests pass the tiny
// exported model, build/tests/codec/models/audio-tiny.lcm).
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "bitstream/container.h"
#include "decoder/audio_decoder.h"
#include "runtime/audio_model.h"
#include "tests/fuzz/fuzz_stream.h"

namespace {

using namespace lcodec;

runtime::AudioModel* model = nullptr;

void Require(bool condition, const char* property) {
  if (condition) return;
  std::fprintf(stderr, "fuzz_audio_decode: property violated: %s\n", property);
  std::abort();
}

bitstream::ParseLimits FuzzLimits() {
  bitstream::ParseLimits limits;
  limits.max_audio_samples = 1 << 16;
  limits.max_section_bytes = 1 << 20;
  limits.max_sections = 64;
  return limits;
}

Status Decode(const std::vector<uint8_t>& stream, int threads, Audio* out) {
  decoder::AudioDecodeOptions options;
  options.threads = threads;
  options.limits = FuzzLimits();
  return decoder::DecodeAudio(*model, stream.data(), stream.size(), options, out);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  model = fuzz::LoadModelFromEnvironment<runtime::AudioModel>("fuzz_audio_decode", "LCODEC_FUZZ_AUDIO_MODEL");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bitstream::StreamHeader header;
  std::vector<uint8_t> stream;
  if (!fuzz::StampedStream(data, size, *model, FuzzLimits(), &header, &stream)) return 0;

  Audio one, three;
  const Status status = Decode(stream, 1, &one);
  if (status.ok()) {
    Require(one.sample_rate == static_cast<int>(header.sample_rate) && one.channels == header.channels &&
                one.bit_depth == header.bit_depth && static_cast<uint64_t>(one.frames()) == header.frame_count &&
                one.samples.size() == header.frame_count * header.channels,
            "decoded audio has the rate, channels and length its header declares");
    for (float sample : one.samples) Require(sample >= -1 && sample <= 1, "decoded samples lie in [-1, 1]");
  }
  const Status status3 = Decode(stream, 3, &three);
  Require(status3.ok() == status.ok() && status3.message() == status.message(),
          "the outcome does not depend on the thread count");
  if (status.ok()) Require(one.samples == three.samples, "the samples do not depend on the thread count");
  return 0;
}
