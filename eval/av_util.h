// What the classical image and audio codecs share in driving libavcodec:
// owning pointers and error texts (header-only: apps/video_io.cc uses them
// too), and the steps of setting up, opening and draining a codec and of
// describing its configuration (av_util.cc, in lcodec_eval).
#ifndef LCODEC_EVAL_AV_UTIL_H_
#define LCODEC_EVAL_AV_UTIL_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

extern "C" {
#include <libavcodec/avcodec.h>
}

namespace lcodec::eval {

struct ContextDeleter {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameDeleter {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketDeleter {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
using ContextPtr = std::unique_ptr<AVCodecContext, ContextDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;

inline std::string AvError(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof text);
  return text;
}

// Encoder options as key and value, fixed per codec.
using AvOptions = std::vector<std::pair<const char*, const char*>>;

// The names of a family of codecs' `specs`, in order.
template <typename Spec>
std::vector<std::string> SpecNames(const std::vector<Spec>& specs) {
  std::vector<std::string> names;
  for (const Spec& spec : specs) names.push_back(spec.name);
  return names;
}

// The spec named `name` among `specs` and libavcodec's encoder for it:
// InvalidArgument for an unknown name, Unsupported when this libavcodec
// lacks the encoder.
template <typename Spec>
Status FindSpec(const std::vector<Spec>& specs, const std::string& name, const Spec** spec, const AVCodec** encoder) {
  for (const Spec& s : specs) {
    if (name != s.name) continue;
    *spec = &s;
    *encoder = avcodec_find_encoder_by_name(s.encoder);
    if (!*encoder) return Status::Unsupported(name + ": this libavcodec has no " + s.encoder + " encoder");
    return Status::Ok();
  }
  return Status::InvalidArgument("unknown codec '" + name + "'");
}

// Encoders chat on stderr (x265's banner, swscale's notes); errors still
// reach the caller through return codes. Quiets libav's log once a process.
void QuietAvLog();

// `what` failed for the codec `name` with libav's error `code`.
Status AvFailure(const char* name, const char* what, int code);

// A context for `codec` on one thread (the runners parallelise over items
// instead); an encoder's is bit-exact too (no version strings in its output).
Status NewCodecContext(const AVCodec* codec, ContextPtr* out);

// The fixed `options` as a dictionary for OpenCodec, to which a codec may add
// its own.
AVDictionary* OptionDictionary(const AvOptions& options);

// Opens `c` as the codec it was allocated for, with `*options` (freed here;
// null for none).
Status OpenCodec(const char* name, AVCodecContext* c, AVDictionary** options);

// Appends every packet a flushed or fed encoder has ready to `packets`.
Status ReceivePackets(const char* name, AVCodecContext* c, std::vector<PacketPtr>* packets);

// "ENCODER (libavcodec version) -> DECODER, `details`, key=value...,
// setting: `unit`, sweep: ...": what a codec's results were made with.
std::string DescribeConfig(const AVCodec& encoder, const AVCodec& decoder, const std::string& details,
                           const AvOptions& options, const std::string& unit, const std::vector<double>& sweep);

}  // namespace lcodec::eval

#endif  // LCODEC_EVAL_AV_UTIL_H_
