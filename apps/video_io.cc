#include "apps/video_io.h"

#include <algorithm>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswresample/swresample.h>
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
struct ResamplerDeleter {
  void operator()(SwrContext* s) const { swr_free(&s); }
};
using ResamplerPtr = std::unique_ptr<SwrContext, ResamplerDeleter>;

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
  // The stream AudioFileReader picks too.
  const int audio = av_find_best_stream(input, AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  has_audio_ = audio >= 0;
  if (has_audio_ && input->streams[audio]->start_time != AV_NOPTS_VALUE)
    audio_start_ = av_rescale_q(input->streams[audio]->start_time, input->streams[audio]->time_base, stream->time_base);
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
  // The audio track: samples wait in `audio_pending` for a whole encoder frame.
  ContextPtr audio_encoder;
  AVStream* audio_stream = nullptr;
  ResamplerPtr audio_converter;  // interleaved float -> the encoder's sample format
  FramePtr audio_frame;
  std::vector<float> audio_pending;
  int audio_frame_size = 0;
  int64_t audio_pts = 0;  // of the next encoder frame, in samples
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
                         const VideoWriterOptions& options, const AudioTrackFormat* audio) {
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
  if (audio) LCODEC_RETURN_IF_ERROR(OpenAudio(options.audio_codec, *audio));

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

namespace {

// The sample format of `codec` closest to `bit_depth` bits: 16-bit integers,
// 32-bit ones holding 24 bits for deeper sources, else the codec's first.
AVSampleFormat SampleFormatFor(const AVCodec& codec, int bit_depth) {
  if (!codec.sample_fmts) return AV_SAMPLE_FMT_FLT;
  const AVSampleFormat wanted = bit_depth > 16 ? AV_SAMPLE_FMT_S32 : AV_SAMPLE_FMT_S16;
  for (const AVSampleFormat* f = codec.sample_fmts; *f != AV_SAMPLE_FMT_NONE; ++f)
    if (*f == wanted || *f == av_get_planar_sample_fmt(wanted)) return *f;
  return codec.sample_fmts[0];
}

bool SupportsRate(const AVCodec& codec, int rate) {
  if (!codec.supported_samplerates) return true;
  for (const int* r = codec.supported_samplerates; *r; ++r)
    if (*r == rate) return true;
  return false;
}

}  // namespace

Status VideoWriter::OpenAudio(const std::string& codec_name, const AudioTrackFormat& audio) {
  State& s = *state_;
  const AVCodec* codec = avcodec_find_encoder_by_name(codec_name.c_str());
  if (!codec || codec->type != AVMEDIA_TYPE_AUDIO)
    return Status::InvalidArgument("no audio encoder named '" + codec_name +
                                   "' in this FFmpeg build (see ffmpeg -encoders)");
  if (avformat_query_codec(s.output->oformat, codec->id, FF_COMPLIANCE_NORMAL) == 0)
    return Status::InvalidArgument("a ." + std::string(s.output->oformat->name) + " file cannot hold " + codec_name +
                                   " audio; pick another --audio-codec or use .mkv");
  if (!SupportsRate(*codec, audio.sample_rate))
    return Status::InvalidArgument("the audio encoder " + codec_name + " cannot code " +
                                   std::to_string(audio.sample_rate) + " Hz audio; use --audio-codec flac");
  s.audio_encoder.reset(avcodec_alloc_context3(codec));
  s.audio_frame.reset(av_frame_alloc());
  if (!s.audio_encoder || !s.audio_frame) return Status::ResourceLimit("out of memory opening '" + s.path + "'");
  AVCodecContext* encoder = s.audio_encoder.get();
  encoder->sample_rate = audio.sample_rate;
  encoder->sample_fmt = SampleFormatFor(*codec, audio.bit_depth);
  if (encoder->sample_fmt == AV_SAMPLE_FMT_S32 || encoder->sample_fmt == AV_SAMPLE_FMT_S32P)
    encoder->bits_per_raw_sample = 24;
  av_channel_layout_default(&encoder->ch_layout, audio.channels);
  encoder->time_base = AVRational{1, audio.sample_rate};
  if (s.output->oformat->flags & AVFMT_GLOBALHEADER) encoder->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  int error = avcodec_open2(encoder, codec, nullptr);
  if (error < 0)
    return Status::InvalidArgument("cannot open the audio encoder " + codec_name + " for " +
                                   std::to_string(audio.channels) + " channel(s) at " +
                                   std::to_string(audio.sample_rate) + " Hz: " + AvError(error));
  SwrContext* converter = nullptr;
  if (swr_alloc_set_opts2(&converter, &encoder->ch_layout, encoder->sample_fmt, audio.sample_rate,
                          &encoder->ch_layout, AV_SAMPLE_FMT_FLT, audio.sample_rate, 0, nullptr) < 0)
    return Status::ResourceLimit("out of memory opening '" + s.path + "'");
  s.audio_converter.reset(converter);
  if (swr_init(converter) < 0) return Status::Unsupported("cannot convert audio samples for " + codec_name);
  s.audio_stream = avformat_new_stream(s.output.get(), nullptr);
  if (!s.audio_stream) return Status::ResourceLimit("out of memory opening '" + s.path + "'");
  error = avcodec_parameters_from_context(s.audio_stream->codecpar, encoder);
  if (error < 0) return Status::InvalidArgument("cannot write '" + s.path + "': " + AvError(error));
  s.audio_stream->time_base = encoder->time_base;
  // Encoders with variable frame sizes (PCM) take any; 4096 keeps packets small.
  s.audio_frame_size = encoder->frame_size > 0 ? encoder->frame_size : 4096;
  const AVRational video_base{static_cast<int>(s.format.time_base_num), static_cast<int>(s.format.time_base_den)};
  s.audio_pts = av_rescale_q(audio.start, video_base, encoder->time_base);
  return Status::Ok();
}

Status VideoWriter::EncodeAudio(int frames) {
  State& s = *state_;
  AVCodecContext* encoder = s.audio_encoder.get();
  AVFrame* frame = nullptr;
  if (frames > 0) {
    frame = s.audio_frame.get();
    av_frame_unref(frame);
    frame->nb_samples = frames;
    frame->format = encoder->sample_fmt;
    frame->sample_rate = encoder->sample_rate;
    int error = av_channel_layout_copy(&frame->ch_layout, &encoder->ch_layout);
    if (error >= 0) error = av_frame_get_buffer(frame, 0);
    if (error < 0) return Status::ResourceLimit("out of memory writing '" + s.path + "'");
    const uint8_t* input = reinterpret_cast<const uint8_t*>(s.audio_pending.data());
    if (swr_convert(s.audio_converter.get(), frame->data, frames, &input, frames) != frames)
      return Status::InvalidArgument("cannot convert the audio samples of '" + s.path + "'");
    s.audio_pending.erase(s.audio_pending.begin(),
                          s.audio_pending.begin() + static_cast<std::ptrdiff_t>(frames) * encoder->ch_layout.nb_channels);
    frame->pts = s.audio_pts;
    s.audio_pts += frames;
  }
  const int error = avcodec_send_frame(encoder, frame);
  if (error < 0) return Status::InvalidArgument("cannot encode the audio of '" + s.path + "': " + AvError(error));
  return Drain(encoder, s.output.get(), s.audio_stream, s.packet.get(), s.path);
}

Status VideoWriter::WriteAudio(const float* interleaved, int64_t frames) {
  if (!state_ || !state_->audio_encoder) return Status::InvalidArgument("VideoWriter::WriteAudio without an audio track");
  State& s = *state_;
  const int channels = s.audio_encoder->ch_layout.nb_channels;
  s.audio_pending.insert(s.audio_pending.end(), interleaved, interleaved + frames * channels);
  while (s.audio_pending.size() >= static_cast<size_t>(s.audio_frame_size) * channels)
    LCODEC_RETURN_IF_ERROR(EncodeAudio(s.audio_frame_size));
  return Status::Ok();
}

Status VideoWriter::Finish() {
  if (!state_) return Status::InvalidArgument("VideoWriter::Finish before a successful Open");
  if (!state_->pattern.empty()) return Status::Ok();
  if (state_->audio_encoder) {
    const int channels = state_->audio_encoder->ch_layout.nb_channels;
    if (!state_->audio_pending.empty())
      LCODEC_RETURN_IF_ERROR(EncodeAudio(static_cast<int>(state_->audio_pending.size() / channels)));
    LCODEC_RETURN_IF_ERROR(EncodeAudio(0));
  }
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
