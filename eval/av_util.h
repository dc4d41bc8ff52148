// Owning pointers for libavcodec objects and error texts, shared by the
// classical image and audio codecs.
#ifndef LCODEC_EVAL_AV_UTIL_H_
#define LCODEC_EVAL_AV_UTIL_H_

#include <memory>
#include <string>

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

}  // namespace lcodec::eval

#endif  // LCODEC_EVAL_AV_UTIL_H_
