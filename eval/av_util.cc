#include "eval/av_util.h"

#include <cstdio>
#include <mutex>

extern "C" {
#include <libavutil/dict.h>
#include <libavutil/log.h>
}

namespace lcodec::eval {

void QuietAvLog() {
  static std::once_flag quiet;
  std::call_once(quiet, [] { av_log_set_level(AV_LOG_ERROR); });
}

Status AvFailure(const char* name, const char* what, int code) {
  return Status::InvalidArgument(std::string(name) + ": " + what + ": " + AvError(code));
}

Status NewCodecContext(const AVCodec* codec, ContextPtr* out) {
  const bool encoder = av_codec_is_encoder(codec);
  out->reset(avcodec_alloc_context3(codec));
  AVCodecContext* c = out->get();
  if (!c) return Status::ResourceLimit(encoder ? "out of memory for an encoder" : "out of memory for a decoder");
  c->thread_count = 1;
  if (encoder) c->flags |= AV_CODEC_FLAG_BITEXACT;
  return Status::Ok();
}

AVDictionary* OptionDictionary(const AvOptions& options) {
  AVDictionary* dictionary = nullptr;
  for (const auto& [key, value] : options) av_dict_set(&dictionary, key, value, 0);
  return dictionary;
}

Status OpenCodec(const char* name, AVCodecContext* c, AVDictionary** options) {
  const int rc = avcodec_open2(c, c->codec, options);
  if (options) av_dict_free(options);
  if (rc >= 0) return Status::Ok();
  return AvFailure(name, av_codec_is_encoder(c->codec) ? "cannot open the encoder" : "cannot open the decoder", rc);
}

Status ReceivePackets(const char* name, AVCodecContext* c, std::vector<PacketPtr>* packets) {
  for (;;) {
    PacketPtr packet(av_packet_alloc());
    if (!packet) return Status::ResourceLimit("out of memory for packets");
    const int rc = avcodec_receive_packet(c, packet.get());
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return Status::Ok();
    if (rc < 0) return AvFailure(name, "encoding failed", rc);
    packets->push_back(std::move(packet));
  }
}

std::string DescribeConfig(const AVCodec& encoder, const AVCodec& decoder, const std::string& details,
                           const AvOptions& options, const std::string& unit, const std::vector<double>& sweep) {
  std::string config = std::string(encoder.name) + " (" LIBAVCODEC_IDENT ") -> " + decoder.name + ", " + details;
  for (const auto& [key, value] : options) config += std::string(", ") + key + "=" + value;
  config += ", setting: " + unit + ", sweep:";
  for (const double s : sweep) {
    char text[32];
    std::snprintf(text, sizeof text, " %g", s);
    config += text;
  }
  return config;
}

}  // namespace lcodec::eval
