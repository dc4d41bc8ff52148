#include "apps/video_io.h"

#include <algorithm>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include "apps/image_io.h"
#include "common/file_util.h"
#include "eval/av_util.h"

namespace lcodec::apps {
namespace {

using eval::AvError;
using eval::ContextPtr;
using eval::FramePtr;
using eval::PacketPtr;

struct InputDeleter {
  void operator()(AVFormatContext* c) const { avformat_close_input(&c); }
};
struct ScalerDeleter {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};
using ScalerPtr = std::unique_ptr<SwsContext, ScalerDeleter>;

// libav's own log lines would repeat, less clearly, what our Status says.
void QuietLibav() { av_log_set_level(AV_LOG_FATAL); }

// Converts `frame` to packed RGB24 in *out, reusing `scaler` while the
// frames' format stays the same.
Status ToRgb(const AVFrame& frame, ScalerPtr* scaler, Image* out) {
  scaler->reset(sws_getCachedContext(scaler->release(), frame.width, frame.height,
                                     static_cast<AVPixelFormat>(frame.format), frame.width, frame.height,
                                     AV_PIX_FMT_RGB24, SWS_BICUBIC | SWS_ACCURATE_RND, nullptr, nullptr, nullptr));
  if (!*scaler) return Status::Unsupported("cannot convert video frames of this pixel format to RGB");
  std::vector<uint8_t> rgb(static_cast<size_t>(frame.width) * frame.height * 3);
  uint8_t* planes[4] = {rgb.data(), nullptr, nullptr, nullptr};
  int strides[4] = {frame.width * 3, 0, 0, 0};
  sws_scale(scaler->get(), frame.data, frame.linesize, 0, frame.height, planes, strides);
  out->width = frame.width;
  out->height = frame.height;
  out->channels = 3;
  out->bit_depth = 8;
  out->samples.assign(rgb.begin(), rgb.end());
  return Status::Ok();
}

}  // namespace

// ---------------------------------------------------------------- reading

struct VideoReader::State {
  std::unique_ptr<AVFormatContext, InputDeleter> input;
  ContextPtr decoder;
  FramePtr frame;
  PacketPtr packet;
  ScalerPtr scaler;
  int stream = -1;
  bool flushed = false;    // the decoder has been told the input ended
  int64_t frames = 0;      // returned so far
  int64_t last_pts = 0;
  int64_t frame_ticks = 1;  // one frame at the nominal rate, in time base ticks
};

VideoReader::VideoReader() = default;
VideoReader::~VideoReader() = default;

Status VideoReader::Open(const std::string& path) {
  QuietLibav();
  path_ = path;
  state_ = std::make_unique<State>();
  AVFormatContext* input = nullptr;
  int error = avformat_open_input(&input, path.c_str(), nullptr, nullptr);
  if (error < 0) return Status::IOError("cannot open '" + path + "': " + AvError(error));
  state_->input.reset(input);
  error = avformat_find_stream_info(input, nullptr);
  if (error < 0) return Status::Corrupt("'" + path + "': " + AvError(error));
  const AVCodec* codec = nullptr;
  state_->stream = av_find_best_stream(input, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
  if (state_->stream == AVERROR_DECODER_NOT_FOUND)
    return Status::Unsupported("'" + path + "': this FFmpeg build has no decoder for its video");
  if (state_->stream < 0 || (input->streams[state_->stream]->disposition & AV_DISPOSITION_ATTACHED_PIC))
    return Status::InvalidArgument("'" + path + "' has no video stream");
  AVStream* stream = input->streams[state_->stream];
  has_audio_ = av_find_best_stream(input, AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0) >= 0;

  state_->decoder.reset(avcodec_alloc_context3(codec));
  if (!state_->decoder) return Status::ResourceLimit("out of memory opening '" + path + "'");
  error = avcodec_parameters_to_context(state_->decoder.get(), stream->codecpar);
  if (error >= 0) error = avcodec_open2(state_->decoder.get(), codec, nullptr);
  if (error < 0) return Status::Unsupported("cannot decode the video of '" + path + "': " + AvError(error));
  state_->frame.reset(av_frame_alloc());
  state_->packet.reset(av_packet_alloc());
  if (!state_->frame || !state_->packet) return Status::ResourceLimit("out of memory opening '" + path + "'");

  const AVCodecParameters& parameters = *stream->codecpar;
  if (parameters.width < 1 || parameters.height < 1)
    return Status::Corrupt("'" + path + "': its video has no frame size");
  AVRational rate = av_guess_frame_rate(input, stream, nullptr);
  if (rate.num < 1 || rate.den < 1) rate = AVRational{25, 1};  // unknown: FFmpeg's own default
  if (stream->time_base.num < 1 || stream->time_base.den < 1)
    return Status::Corrupt("'" + path + "': its video has no time base");
  format_.width = static_cast<uint32_t>(parameters.width);
  format_.height = static_cast<uint32_t>(parameters.height);
  format_.frame_rate_num = static_cast<uint32_t>(rate.num);
  format_.frame_rate_den = static_cast<uint32_t>(rate.den);
  format_.time_base_num = static_cast<uint32_t>(stream->time_base.num);
  format_.time_base_den = static_cast<uint32_t>(stream->time_base.den);
  state_->frame_ticks = std::max<int64_t>(1, av_rescale_q(1, av_inv_q(rate), stream->time_base));
  estimated_frames_ = std::max<int64_t>(0, stream->nb_frames);
  if (stream->duration != AV_NOPTS_VALUE && stream->duration > 0) {
    duration_seconds_ = static_cast<double>(stream->duration) * av_q2d(stream->time_base);
  } else if (input->duration > 0) {
    duration_seconds_ = static_cast<double>(input->duration) / AV_TIME_BASE;
  }
  return Status::Ok();
}

Status VideoReader::Next(VideoFrame* out, bool* at_end) {
  *at_end = false;
  if (!state_ || !state_->decoder) return Status::InvalidArgument("VideoReader::Next before a successful Open");
  AVCodecContext* decoder = state_->decoder.get();
  AVFrame* frame = state_->frame.get();
  for (;;) {
    int error = avcodec_receive_frame(decoder, frame);
    if (error == AVERROR_EOF) {
      *at_end = true;
      return Status::Ok();
    }
    if (error >= 0) break;
    if (error != AVERROR(EAGAIN)) return Status::Corrupt("cannot decode '" + path_ + "': " + AvError(error));
    // The decoder wants input: the next packet of our stream, or the flush.
    AVPacket* packet = state_->packet.get();
    error = av_read_frame(state_->input.get(), packet);
    if (error == AVERROR_EOF) {
      if (state_->flushed) return Status::Corrupt("cannot decode '" + path_ + "': the decoder did not finish");
      state_->flushed = true;
      error = avcodec_send_packet(decoder, nullptr);
    } else if (error < 0) {
      return Status::Corrupt("cannot read '" + path_ + "': " + AvError(error));
    } else {
      if (packet->stream_index == state_->stream) error = avcodec_send_packet(decoder, packet);
      av_packet_unref(packet);
    }
    // A damaged packet is dropped, as players do; the frames around it still come.
    if (error < 0 && error != AVERROR_INVALIDDATA && error != AVERROR(EAGAIN))
      return Status::Corrupt("cannot decode '" + path_ + "': " + AvError(error));
  }
  if (frame->width != static_cast<int>(format_.width) || frame->height != static_cast<int>(format_.height)) {
    const Status status = Status::Unsupported(
        "'" + path_ + "' changes frame size from " + std::to_string(format_.width) + "x" +
        std::to_string(format_.height) + " to " + std::to_string(frame->width) + "x" + std::to_string(frame->height) +
        " at frame " + std::to_string(state_->frames + 1) + "; lcodec codes one size per video");
    av_frame_unref(frame);
    return status;
  }
  const Status status = ToRgb(*frame, &state_->scaler, &out->image);
  int64_t pts = frame->best_effort_timestamp;
  av_frame_unref(frame);
  LCODEC_RETURN_IF_ERROR(status);
  if (state_->frames > 0 && (pts == AV_NOPTS_VALUE || pts <= state_->last_pts)) {
    pts = state_->last_pts + state_->frame_ticks;
  } else if (pts == AV_NOPTS_VALUE) {
    pts = 0;
  }
  out->pts = pts;
  state_->last_pts = pts;
  ++state_->frames;
  return Status::Ok();
}

// ---------------------------------------------------------------- writing

bool IsFramePattern(const std::string& path) {
  char name[4096];
  return av_get_frame_filename2(name, sizeof name, path.c_str(), 1, 0) == 0;
}

struct OutputDeleter {
  void operator()(AVFormatContext* c) const {
    if (c->pb && !(c->oformat->flags & AVFMT_NOFILE)) avio_closep(&c->pb);
    avformat_free_context(c);
  }
};

struct VideoWriter::State {
  // Numbered frames.
  std::string pattern;
  bool overwrite = false;
  // A video file.
  AtomicOutputFile file;
  std::unique_ptr<AVFormatContext, OutputDeleter> output;
  ContextPtr encoder;
  FramePtr frame;
  PacketPtr packet;
  ScalerPtr scaler;
  AVStream* stream = nullptr;
  std::string path;
  runtime::VideoFormat format;
  int64_t frames = 0;  // written so far
};

VideoWriter::VideoWriter() = default;
VideoWriter::~VideoWriter() = default;

namespace {

// The encoder's pixel format that loses least from RGB24.
AVPixelFormat PixelFormatFor(const AVCodec& codec) {
  if (!codec.pix_fmts) return AV_PIX_FMT_RGB24;
  return avcodec_find_best_pix_fmt_of_list(codec.pix_fmts, AV_PIX_FMT_RGB24, 0, nullptr);
}

}  // namespace

Status VideoWriter::Open(const std::string& path, const runtime::VideoFormat& format,
                         const VideoWriterOptions& options) {
  QuietLibav();
  state_ = std::make_unique<State>();
  state_->path = path;
  state_->format = format;
  state_->overwrite = options.overwrite;
  if (IsFramePattern(path)) {
    state_->pattern = path;
    return Status::Ok();
  }
  const AVOutputFormat* container = av_guess_format(nullptr, path.c_str(), nullptr);
  if (!container || (container->flags & AVFMT_NOFILE))
    return Status::InvalidArgument("cannot tell a video format from the name '" + path +
                                   "': use .mkv, .mp4, .mov, .avi, or a frame pattern such as frames/%06d.png");
  const AVCodec* codec = avcodec_find_encoder_by_name(options.codec.c_str());
  if (!codec || codec->type != AVMEDIA_TYPE_VIDEO)
    return Status::InvalidArgument("no video encoder named '" + options.codec +
                                   "' in this FFmpeg build (see ffmpeg -encoders)");
  if (avformat_query_codec(container, codec->id, FF_COMPLIANCE_NORMAL) == 0)
    return Status::InvalidArgument("a ." + std::string(container->name) + " file cannot hold " + options.codec +
                                   " video; pick another --video-codec or use .mkv");
  const AVPixelFormat pixel_format = PixelFormatFor(*codec);
  const AVPixFmtDescriptor* descriptor = av_pix_fmt_desc_get(pixel_format);
  if (descriptor && ((descriptor->log2_chroma_w && format.width % 2) || (descriptor->log2_chroma_h && format.height % 2)))
    return Status::InvalidArgument(options.codec + " codes " + descriptor->name + ", which needs an even width and "
                                   "height, but the video is " + std::to_string(format.width) + "x" +
                                   std::to_string(format.height) + "; use --video-codec ffv1");

  LCODEC_RETURN_IF_ERROR(state_->file.Create(path, options.overwrite));
  AVFormatContext* output = nullptr;
  int error = avformat_alloc_output_context2(&output, container, nullptr, state_->file.temp_path().c_str());
  if (error < 0) return Status::InvalidArgument("cannot write '" + path + "': " + AvError(error));
  state_->output.reset(output);

  state_->encoder.reset(avcodec_alloc_context3(codec));
  state_->frame.reset(av_frame_alloc());
  state_->packet.reset(av_packet_alloc());
  if (!state_->encoder || !state_->frame || !state_->packet)
    return Status::ResourceLimit("out of memory opening '" + path + "'");
  AVCodecContext* encoder = state_->encoder.get();
  encoder->width = static_cast<int>(format.width);
  encoder->height = static_cast<int>(format.height);
  encoder->pix_fmt = pixel_format;
  encoder->sample_aspect_ratio = AVRational{1, 1};
  encoder->time_base = AVRational{static_cast<int>(format.time_base_num), static_cast<int>(format.time_base_den)};
  encoder->framerate = AVRational{static_cast<int>(format.frame_rate_num), static_cast<int>(format.frame_rate_den)};
  if (container->flags & AVFMT_GLOBALHEADER) encoder->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  if (options.crf >= 0 && av_opt_set_int(encoder->priv_data, "crf", options.crf, 0) < 0)
    return Status::InvalidArgument("--crf: the encoder " + options.codec + " has no crf setting");
  error = avcodec_open2(encoder, codec, nullptr);
  if (error < 0)
    return Status::InvalidArgument("cannot open the encoder " + options.codec + " for " +
                                   std::to_string(format.width) + "x" + std::to_string(format.height) + " " +
                                   av_get_pix_fmt_name(pixel_format) + ": " + AvError(error));

  state_->stream = avformat_new_stream(output, nullptr);
  if (!state_->stream) return Status::ResourceLimit("out of memory opening '" + path + "'");
  error = avcodec_parameters_from_context(state_->stream->codecpar, encoder);
  if (error < 0) return Status::InvalidArgument("cannot write '" + path + "': " + AvError(error));
  state_->stream->time_base = encoder->time_base;
  state_->stream->avg_frame_rate = encoder->framerate;
  state_->stream->r_frame_rate = encoder->framerate;

  error = avio_open(&output->pb, state_->file.temp_path().c_str(), AVIO_FLAG_WRITE);
  if (error < 0) return Status::IOError("cannot write '" + path + "': " + AvError(error));
  error = avformat_write_header(output, nullptr);
  if (error < 0) return Status::InvalidArgument("cannot write '" + path + "': " + AvError(error));

  AVFrame* frame = state_->frame.get();
  frame->format = pixel_format;
  frame->width = encoder->width;
  frame->height = encoder->height;
  error = av_frame_get_buffer(frame, 0);
  if (error < 0) return Status::ResourceLimit("out of memory opening '" + path + "': " + AvError(error));
  state_->scaler.reset(sws_getContext(encoder->width, encoder->height, AV_PIX_FMT_RGB24, encoder->width,
                                      encoder->height, pixel_format, SWS_BICUBIC | SWS_ACCURATE_RND, nullptr, nullptr,
                                      nullptr));
  if (!state_->scaler) return Status::Unsupported("cannot convert RGB to " + std::string(av_get_pix_fmt_name(pixel_format)));
  return Status::Ok();
}

namespace {

// Hands the encoder's finished packets to the muxer.
Status Drain(AVCodecContext* encoder, AVFormatContext* output, AVStream* stream, AVPacket* packet,
             const std::string& path) {
  for (;;) {
    int error = avcodec_receive_packet(encoder, packet);
    if (error == AVERROR(EAGAIN) || error == AVERROR_EOF) return Status::Ok();
    if (error < 0) return Status::InvalidArgument("cannot encode '" + path + "': " + AvError(error));
    av_packet_rescale_ts(packet, encoder->time_base, stream->time_base);
    packet->stream_index = stream->index;
    error = av_interleaved_write_frame(output, packet);
    if (error < 0) return Status::IOError("cannot write '" + path + "': " + AvError(error));
  }
}

}  // namespace

Status VideoWriter::Write(const Image& image, int64_t pts) {
  if (!state_) return Status::InvalidArgument("VideoWriter::Write before a successful Open");
  if (image.channels != 3 || image.bit_depth != 8 || image.width != static_cast<int>(state_->format.width) ||
      image.height != static_cast<int>(state_->format.height))
    return Status::InvalidArgument("video frames must be 8-bit RGB of the video's size");
  ++state_->frames;
  if (!state_->pattern.empty()) {
    char name[4096];
    if (av_get_frame_filename2(name, sizeof name, state_->pattern.c_str(), static_cast<int>(state_->frames), 0) < 0)
      return Status::InvalidArgument("cannot number frame " + std::to_string(state_->frames) + " with '" +
                                     state_->pattern + "'");
    return WriteImage(name, image, state_->overwrite);
  }
  AVFrame* frame = state_->frame.get();
  int error = av_frame_make_writable(frame);
  if (error < 0) return Status::ResourceLimit("out of memory writing '" + state_->path + "'");
  const std::vector<uint8_t> rgb(image.samples.begin(), image.samples.end());
  const uint8_t* planes[4] = {rgb.data(), nullptr, nullptr, nullptr};
  const int strides[4] = {image.width * 3, 0, 0, 0};
  sws_scale(state_->scaler.get(), planes, strides, 0, image.height, frame->data, frame->linesize);
  frame->pts = pts;
  error = avcodec_send_frame(state_->encoder.get(), frame);
  if (error < 0) return Status::InvalidArgument("cannot encode '" + state_->path + "': " + AvError(error));
  return Drain(state_->encoder.get(), state_->output.get(), state_->stream, state_->packet.get(), state_->path);
}

Status VideoWriter::Finish() {
  if (!state_) return Status::InvalidArgument("VideoWriter::Finish before a successful Open");
  if (!state_->pattern.empty()) return Status::Ok();
  int error = avcodec_send_frame(state_->encoder.get(), nullptr);
  if (error < 0) return Status::InvalidArgument("cannot encode '" + state_->path + "': " + AvError(error));
  LCODEC_RETURN_IF_ERROR(
      Drain(state_->encoder.get(), state_->output.get(), state_->stream, state_->packet.get(), state_->path));
  error = av_write_trailer(state_->output.get());
  if (error < 0) return Status::IOError("cannot write '" + state_->path + "': " + AvError(error));
  error = avio_closep(&state_->output->pb);
  if (error < 0) return Status::IOError("cannot write '" + state_->path + "': " + AvError(error));
  return state_->file.Commit();
}

}  // namespace lcodec::apps
