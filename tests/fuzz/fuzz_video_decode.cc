// Fuzz target for the video decoder behind a valid header: the VINF time
// base, each FRAM's timestamp, type, payload split and entropy-coded
// payload (mode maps and the residuals they select included), the frame
// count against the FRAM sections present, unknown sections.
//
// The input is an lcodec video stream (the seeds in tests/corpus/video_decode
// are real ones, made with the tiny test model). As fuzz_image_decode does,
// the target recomputes every section CRC and stamps the loaded model's id
// into HEAD, so that mutations reach the decoder rather than stopping at the
// CRC or model check. Limits are small, so any header decodes in bounded
// time and memory.
//
// Properties: every frame has the declared size and 8-bit RGB samples,
// timestamps increase strictly, a stream that ends cleanly holds exactly the
// declared frame count, and 1 and 3 threads give the same frames and status.
//
// The model comes from $LCODEC_FUZZ_MODEL.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "bitstream/container.h"
#include "decoder/video_decoder.h"
#include "runtime/image_model.h"
#include "tests/fuzz/fuzz_stream.h"

namespace {

using namespace lcodec;

runtime::ImageModel* model = nullptr;

void Require(bool condition, const char* property) {
  if (condition) return;
  std::fprintf(stderr, "fuzz_video_decode: property violated: %s\n", property);
  std::abort();
}

bitstream::ParseLimits FuzzLimits() {
  bitstream::ParseLimits limits;
  limits.max_pixels = 64 * 64;
  limits.max_frames = 8;
  limits.max_section_bytes = 1 << 20;
  limits.max_sections = 64;
  return limits;
}

struct Outcome {
  Status status;
  std::vector<Image> frames;
  std::vector<int64_t> pts;
};

Outcome Decode(const std::vector<uint8_t>& stream, int threads) {
  decoder::VideoDecodeOptions options;
  options.threads = threads;
  options.limits = FuzzLimits();
  decoder::VideoDecoder decoder(*model);
  Outcome out;
  out.status = decoder.OpenMemory(stream.data(), stream.size(), options);
  bool at_end = false;
  while (out.status.ok() && !at_end) {
    Image frame;
    int64_t pts = 0;
    out.status = decoder.Next(&frame, &pts, &at_end);
    if (!out.status.ok() || at_end) break;
    const bitstream::StreamHeader& h = decoder.header();
    Require(frame.width == static_cast<int>(h.width) && frame.height == static_cast<int>(h.height) &&
                frame.channels == 3 && frame.bit_depth == 8 &&
                frame.samples.size() == static_cast<size_t>(frame.width) * frame.height * 3,
            "a decoded frame has the size and format its header declares");
    Require(out.pts.empty() || pts > out.pts.back(), "timestamps increase strictly");
    out.frames.push_back(std::move(frame));
    out.pts.push_back(pts);
  }
  if (out.status.ok()) Require(out.frames.size() == decoder.header().frame_count, "a complete stream holds the "
                               "frame count its header declares");
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  model = fuzz::LoadModelFromEnvironment<runtime::ImageModel>("fuzz_video_decode", "LCODEC_FUZZ_MODEL");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bitstream::StreamHeader header;
  std::vector<uint8_t> stream;
  if (!fuzz::StampedStream(data, size, *model, FuzzLimits(), &header, &stream)) return 0;

  const Outcome one = Decode(stream, 1);
  const Outcome three = Decode(stream, 3);
  Require(one.status.ok() == three.status.ok() && one.status.message() == three.status.message(),
          "the outcome does not depend on the thread count");
  Require(one.pts == three.pts && one.frames.size() == three.frames.size(), "the frames do not depend on the "
          "thread count");
  for (size_t i = 0; i < one.frames.size(); ++i)
    Require(one.frames[i].samples == three.frames[i].samples, "the pixels do not depend on the thread count");
  return 0;
}
