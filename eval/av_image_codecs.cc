#include "eval/av_image_codecs.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <functional>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include "eval/av_util.h"

namespace lcodec::eval {
namespace {

// How one classical codec is driven.
struct Spec {
  const char* name;
  const char* encoder;                // libavcodec encoder name
  std::vector<const char*> decoders;  // the first one this build has is used
  AVPixelFormat coded_format;         // what the encoder is fed
  bool full_range;                    // of the codec's YCbCr, where the stream does not say
  AvOptions options;                  // fixed encoder options
  const char* unit;                   // what the setting means
  std::vector<double> sweep;          // low to high rate
  std::function<void(double setting, AVCodecContext*, AVDictionary**)> apply;
};

void SetOption(AVDictionary** options, const char* key, double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  av_dict_set(options, key, text, 0);
}

// Sweeps span roughly 0.1 to 2 bpp on photos.
const std::vector<Spec>& Specs() {
  static const std::vector<Spec> specs = {
      {"jpeg", "mjpeg", {"mjpeg"}, AV_PIX_FMT_YUVJ420P, true, {}, "quantiser scale (lower is better)",
       {50, 31, 20, 14, 10, 7, 5, 3, 2},
       [](double q, AVCodecContext* c, AVDictionary**) {
         c->flags |= AV_CODEC_FLAG_QSCALE;
         c->global_quality = static_cast<int>(std::lround(q * FF_QP2LAMBDA));
         c->qmax = std::max(c->qmax, static_cast<int>(q));  // above 31 only to reach ~0.2 bpp
       }},
      {"webp", "libwebp", {"webp"}, AV_PIX_FMT_BGRA, false, {}, "quality 0..100",
       {5, 15, 30, 50, 65, 75, 85, 95},
       [](double q, AVCodecContext*, AVDictionary** o) { SetOption(o, "quality", q); }},
      {"avif", "libaom-av1", {"libdav1d", "libaom-av1"}, AV_PIX_FMT_YUV444P, true,
       {{"usage", "allintra"}, {"cpu-used", "6"}}, "crf 0..63 (lower is better)",
       {58, 52, 46, 40, 34, 28, 22, 16},
       [](double q, AVCodecContext*, AVDictionary** o) { SetOption(o, "crf", q); }},
      {"jxl", "libjxl", {"libjxl"}, AV_PIX_FMT_RGB24, true, {{"effort", "7"}}, "Butteraugli distance (lower is better)",
       {12, 8, 5.5, 4, 3, 2, 1.4, 1, 0.6},
       [](double q, AVCodecContext*, AVDictionary** o) { SetOption(o, "distance", q); }},
      {"hevc", "libx265", {"hevc"}, AV_PIX_FMT_YUV444P, true,
       {{"preset", "medium"}, {"x265-params", "info=0:pools=none:frame-threads=1:log-level=error"}},
       "qp 0..51 (lower is better)", {46, 42, 38, 34, 30, 26, 22, 18},
       [](double q, AVCodecContext*, AVDictionary** o) { SetOption(o, "qp", q); }},
      // FFmpeg's wrapper never turns on OpenJPEG's colour transform for RGB,
      // so it gets YCbCr 4:4:4 BT.601 full range, which is the same matrix
      // (the ICT); the JP2 wrapper says so to the decoder.
      {"j2k", "libopenjpeg", {"jpeg2000", "libopenjpeg"}, AV_PIX_FMT_YUV444P, true,
       {{"format", "jp2"}, {"irreversible", "1"}}, "target bpp (compression ratio 24/bpp)",
       {0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2},
       // libopenjpeg's rate is compression_level * 2 as a ratio to 24 bpp.
       [](double bpp, AVCodecContext* c, AVDictionary**) {
         c->compression_level = static_cast<int>(std::lround(12 / bpp));
       }},
  };
  return specs;
}

struct SwsDeleter {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};

bool IsYuv(AVPixelFormat format) {
  const AVPixFmtDescriptor* d = av_pix_fmt_desc_get(format);
  return d && !(d->flags & AV_PIX_FMT_FLAG_RGB) && d->nb_components >= 3;
}

bool IsFullRange(const AVFrame& f) {
  const AVPixelFormat format = static_cast<AVPixelFormat>(f.format);
  return !IsYuv(format) || f.color_range == AVCOL_RANGE_JPEG || format == AV_PIX_FMT_YUVJ420P ||
         format == AV_PIX_FMT_YUVJ422P || format == AV_PIX_FMT_YUVJ444P;
}

// swscale's coefficient tables are numbered like AVColorSpace; BT.601 when
// the stream does not say.
const int* Coefficients(const AVFrame& f) {
  return sws_getCoefficients(f.colorspace == AVCOL_SPC_UNSPECIFIED || f.colorspace == AVCOL_SPC_RGB ? SWS_CS_ITU601
                                                                                                    : f.colorspace);
}

FramePtr NewFrame(AVPixelFormat format, int width, int height) {
  FramePtr f(av_frame_alloc());
  if (!f) return f;
  f->format = format;
  f->width = width;
  f->height = height;
  if (av_frame_get_buffer(f.get(), 0) < 0) f.reset();
  return f;
}

// Converts between pixel formats at the same size, in the colour range and
// matrix each frame carries.
Status Convert(const AVFrame& src, AVFrame* dst) {
  std::unique_ptr<SwsContext, SwsDeleter> sws(
      sws_getContext(src.width, src.height, static_cast<AVPixelFormat>(src.format), dst->width, dst->height,
                     static_cast<AVPixelFormat>(dst->format),
                     SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT | SWS_FULL_CHR_H_INP | SWS_BITEXACT, nullptr,
                     nullptr, nullptr));
  if (!sws)
    return Status::Unsupported("swscale cannot convert " +
                               std::string(av_get_pix_fmt_name(static_cast<AVPixelFormat>(src.format))));
  sws_setColorspaceDetails(sws.get(), Coefficients(src), IsFullRange(src), Coefficients(*dst), IsFullRange(*dst), 0,
                           1 << 16, 1 << 16);
  sws_scale(sws.get(), src.data, src.linesize, 0, src.height, dst->data, dst->linesize);
  return Status::Ok();
}

class AvImageCodec : public ImageCodec {
 public:
  AvImageCodec(const Spec& spec, const AVCodec* encoder, const AVCodec* decoder)
      : spec_(spec), encoder_(encoder), decoder_(decoder) {}

  std::vector<double> Settings() const override { return spec_.sweep; }

  std::string Config() const override {
    return DescribeConfig(*encoder_, *decoder_, av_get_pix_fmt_name(spec_.coded_format), spec_.options, spec_.unit,
                          spec_.sweep);
  }

  Status RoundTrip(const Image& rgb, double setting, RoundTripResult* out) override {
    if (rgb.channels != 3 || rgb.bit_depth != 8) return Status::InvalidArgument("codecs take 8-bit RGB");
    FramePtr source = NewFrame(AV_PIX_FMT_RGB24, rgb.width, rgb.height);
    FramePtr coded = NewFrame(spec_.coded_format, rgb.width, rgb.height);
    if (!source || !coded) return Status::ResourceLimit("out of memory for frames");
    for (int y = 0; y < rgb.height; ++y) {
      uint8_t* row = source->data[0] + static_cast<size_t>(y) * source->linesize[0];
      const uint16_t* in = &rgb.samples[static_cast<size_t>(y) * rgb.width * 3];
      for (int i = 0; i < rgb.width * 3; ++i) row[i] = static_cast<uint8_t>(in[i]);
    }
    if (IsYuv(spec_.coded_format)) {
      coded->color_range = spec_.full_range ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG;
      coded->colorspace = AVCOL_SPC_BT470BG;
    }
    LCODEC_RETURN_IF_ERROR(Convert(*source, coded.get()));

    std::vector<PacketPtr> packets;
    auto start = std::chrono::steady_clock::now();
    LCODEC_RETURN_IF_ERROR(Encode(*coded, setting, &packets));
    out->encode_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    out->bytes = 0;
    for (const PacketPtr& p : packets) out->bytes += p->size;

    FramePtr decoded(av_frame_alloc());
    start = std::chrono::steady_clock::now();
    LCODEC_RETURN_IF_ERROR(Decode(packets, decoded.get()));
    out->decode_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (decoded->width != rgb.width || decoded->height != rgb.height)
      return Status::Corrupt(std::string(spec_.name) + " decoded a frame of another size");
    if (decoded->color_range == AVCOL_RANGE_UNSPECIFIED)
      decoded->color_range = spec_.full_range ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG;
    FramePtr result = NewFrame(AV_PIX_FMT_RGB24, rgb.width, rgb.height);
    if (!result) return Status::ResourceLimit("out of memory for frames");
    LCODEC_RETURN_IF_ERROR(Convert(*decoded, result.get()));
    out->decoded = Image{rgb.width, rgb.height, 3, 8, std::vector<uint16_t>(rgb.samples.size())};
    for (int y = 0; y < rgb.height; ++y) {
      const uint8_t* row = result->data[0] + static_cast<size_t>(y) * result->linesize[0];
      std::copy(row, row + rgb.width * 3, out->decoded.samples.begin() + static_cast<size_t>(y) * rgb.width * 3);
    }
    return Status::Ok();
  }

 private:
  Status Fail(const char* what, int code) const { return AvFailure(spec_.name, what, code); }

  Status Encode(const AVFrame& frame, double setting, std::vector<PacketPtr>* packets) {
    ContextPtr c;
    LCODEC_RETURN_IF_ERROR(NewCodecContext(encoder_, &c));
    c->width = frame.width;
    c->height = frame.height;
    c->pix_fmt = static_cast<AVPixelFormat>(frame.format);
    c->time_base = AVRational{1, 25};
    c->color_range = frame.color_range;
    c->colorspace = frame.colorspace;
    c->color_primaries = AVCOL_PRI_BT709;      // sRGB primaries
    c->color_trc = AVCOL_TRC_IEC61966_2_1;     // sRGB transfer
    AVDictionary* options = OptionDictionary(spec_.options);
    spec_.apply(setting, c.get(), &options);
    LCODEC_RETURN_IF_ERROR(OpenCodec(spec_.name, c.get(), &options));
    FramePtr input(av_frame_clone(&frame));
    if (!input) return Status::ResourceLimit("out of memory for frames");
    input->pts = 0;
    input->quality = c->global_quality;  // mjpeg reads its quantiser here
    int rc = avcodec_send_frame(c.get(), input.get());
    if (rc >= 0) rc = avcodec_send_frame(c.get(), nullptr);
    if (rc < 0) return Fail("encoding failed", rc);
    LCODEC_RETURN_IF_ERROR(ReceivePackets(spec_.name, c.get(), packets));
    if (packets->empty()) return Status::InvalidArgument(std::string(spec_.name) + ": the encoder produced nothing");
    return Status::Ok();
  }

  Status Decode(const std::vector<PacketPtr>& packets, AVFrame* out) {
    ContextPtr c;
    LCODEC_RETURN_IF_ERROR(NewCodecContext(decoder_, &c));
    LCODEC_RETURN_IF_ERROR(OpenCodec(spec_.name, c.get(), nullptr));
    int rc = 0;
    for (const PacketPtr& p : packets)
      if ((rc = avcodec_send_packet(c.get(), p.get())) < 0) return Fail("decoding failed", rc);
    if ((rc = avcodec_send_packet(c.get(), nullptr)) < 0) return Fail("decoding failed", rc);
    rc = avcodec_receive_frame(c.get(), out);
    if (rc < 0) return Fail("decoding gave no frame", rc);
    return Status::Ok();
  }

  const Spec& spec_;
  const AVCodec* encoder_;
  const AVCodec* decoder_;
};

}  // namespace

const std::vector<std::string>& AvImageCodecNames() {
  static const std::vector<std::string> names = SpecNames(Specs());
  return names;
}

Status MakeAvImageCodec(const std::string& name, std::unique_ptr<ImageCodec>* out) {
  QuietAvLog();
  const Spec* spec = nullptr;
  const AVCodec* encoder = nullptr;
  LCODEC_RETURN_IF_ERROR(FindSpec(Specs(), name, &spec, &encoder));
  for (const char* decoder_name : spec->decoders) {
    if (const AVCodec* decoder = avcodec_find_decoder_by_name(decoder_name)) {
      *out = std::make_unique<AvImageCodec>(*spec, encoder, decoder);
      return Status::Ok();
    }
  }
  return Status::Unsupported(name + ": this libavcodec has no decoder for it");
}

}  // namespace lcodec::eval
