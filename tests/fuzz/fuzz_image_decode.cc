// Fuzz target for the image decoder behind a valid header: the entropy-coded
// ZLAT and YLAT payloads, the image size, channels, bit depth and quality.
//
// The input is an lcodec image stream (the seeds in tests/corpus/image_decode
// are real ones). Before decoding, the target recomputes every section CRC
// and stamps the loaded model's id into HEAD, so that mutations reach the
// range decoder and the transforms instead of stopping at the CRC or model
// check (tests/corpus/container and fuzz_container cover those). Limits are
// small, so any size a header may declare decodes in bounded time and memory.
//
// Properties: decoding ends in an image of the declared size or an error,
// and gives the same pixels and the same status with 1 and 3 threads.
//
// The model comes from $LCODEC_FUZZ_MODEL (the tests pass the tiny exported
// model, build/tests/codec/models/tiny.lcm).
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "bitstream/container.h"
#include "decoder/image_decoder.h"
#include "runtime/image_model.h"
#include "tests/fuzz/fuzz_stream.h"

namespace {

using namespace lcodec;

runtime::ImageModel* model = nullptr;

void Require(bool condition, const char* property) {
  if (condition) return;
  std::fprintf(stderr, "fuzz_image_decode: property violated: %s\n", property);
  std::abort();
}

bitstream::ParseLimits FuzzLimits() {
  bitstream::ParseLimits limits;
  limits.max_pixels = 128 * 128;
  limits.max_section_bytes = 1 << 20;
  limits.max_sections = 64;
  return limits;
}

Status Decode(const std::vector<uint8_t>& stream, int threads, Image* out) {
  decoder::ImageDecodeOptions options;
  options.threads = threads;
  options.limits = FuzzLimits();
  return decoder::DecodeImage(*model, stream.data(), stream.size(), options, out);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  model = fuzz::LoadModelFromEnvironment<runtime::ImageModel>("fuzz_image_decode", "LCODEC_FUZZ_MODEL");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bitstream::StreamHeader header;
  std::vector<uint8_t> stream;
  if (!fuzz::StampedStream(data, size, *model, FuzzLimits(), &header, &stream)) return 0;

  Image one, three;
  const Status status = Decode(stream, 1, &one);
  if (status.ok()) {
    Require(one.width == static_cast<int>(header.width) && one.height == static_cast<int>(header.height) &&
                one.channels == header.channels && one.bit_depth == header.bit_depth &&
                one.samples.size() == static_cast<size_t>(one.width) * one.height * one.channels,
            "a decoded image has the size and format its header declares");
  }
  const Status status3 = Decode(stream, 3, &three);
  Require(status3.ok() == status.ok() && status3.message() == status.message(),
          "the outcome does not depend on the thread count");
  if (status.ok()) Require(one.samples == three.samples, "the pixels do not depend on the thread count");
  return 0;
}
