#include "eval/av_audio_codecs.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <functional>
#include <utility>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/channel_layout.h>
#include <libavutil/samplefmt.h>
}

#include "eval/audio_resample.h"
#include "eval/av_util.h"

namespace lcodec::eval {
namespace {

// How one classical codec is driven.
struct Spec {
  const char* name;
  const char* encoder;  // libavcodec encoder name
  const char* decoder;  // libavcodec decoder name
  int max_channels;
  bool decoder_drops_delay;  // the decoder itself skips the encoder's initial padding
  AvOptions options;          // fixed encoder options
  std::vector<double> sweep;  // kbps, low to high
  std::function<int(int clip_rate, double kbps)> coding_rate;
  const char* rate_rule;  // coding_rate in words, for Config()
};

bool AacHasRate(int rate) {
  for (const int r : {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000})
    if (r == rate) return true;
  return false;
}

const std::vector<Spec>& Specs() {
  static const std::vector<Spec> specs = {
      {"opus", "libopus", "opus", 2, true, {{"vbr", "on"}, {"frame_duration", "20"}},
       {6, 8, 12, 16, 24, 32, 48, 64}, [](int, double) { return 48000; }, "48 kHz"},
      {"aac", "aac", "aac", 8, false, {}, {16, 24, 32, 48, 64, 96},
       [](int rate, double) { return AacHasRate(rate) ? rate : 48000; }, "the clip's rate if AAC has it, else 48 kHz"},
      {"mp3", "libmp3lame", "mp3float", 2, true, {}, {8, 16, 24, 32, 48, 64, 96},
       [](int rate, double kbps) {
         if (kbps < 32) return 16000;
         if (kbps < 64) return 24000;
         return rate == 44100 || rate == 32000 ? rate : 48000;
       },
       "16 kHz under 32 kbps, 24 kHz under 64 kbps, else 44.1/32 kHz as the clip or 48 kHz"},
  };
  return specs;
}

// The sample formats we convert interleaved floats to and from.
bool Handled(AVSampleFormat format) {
  switch (format) {
    case AV_SAMPLE_FMT_FLT: case AV_SAMPLE_FMT_FLTP: case AV_SAMPLE_FMT_S16:
    case AV_SAMPLE_FMT_S16P: case AV_SAMPLE_FMT_S32: case AV_SAMPLE_FMT_S32P: return true;
    default: return false;
  }
}

// frames x channels interleaved floats into `frame` (its format, planar or not).
void FillFrame(const float* interleaved, int frames, int channels, AVFrame* frame) {
  const auto format = static_cast<AVSampleFormat>(frame->format);
  const bool planar = av_sample_fmt_is_planar(format);
  const AVSampleFormat packed = av_get_packed_sample_fmt(format);
  for (int i = 0; i < frame->nb_samples; ++i)
    for (int c = 0; c < channels; ++c) {
      const float v = i < frames ? interleaved[static_cast<size_t>(i) * channels + c] : 0.0f;  // padding: silence
      const int plane = planar ? c : 0, index = planar ? i : i * channels + c;
      const double clipped = std::clamp(static_cast<double>(v), -1.0, 1.0);
      if (packed == AV_SAMPLE_FMT_FLT) reinterpret_cast<float*>(frame->extended_data[plane])[index] = v;
      else if (packed == AV_SAMPLE_FMT_S16)
        reinterpret_cast<int16_t*>(frame->extended_data[plane])[index] =
            static_cast<int16_t>(std::lround(std::min(clipped * 32768, 32767.0)));
      else
        reinterpret_cast<int32_t*>(frame->extended_data[plane])[index] =
            static_cast<int32_t>(std::llround(std::min(clipped * 2147483648.0, 2147483647.0)));
    }
}

void AppendFrame(const AVFrame& frame, int channels, std::vector<float>* out) {
  const auto format = static_cast<AVSampleFormat>(frame.format);
  const bool planar = av_sample_fmt_is_planar(format);
  const AVSampleFormat packed = av_get_packed_sample_fmt(format);
  for (int i = 0; i < frame.nb_samples; ++i)
    for (int c = 0; c < channels; ++c) {
      const int plane = planar ? c : 0, index = planar ? i : i * channels + c;
      if (packed == AV_SAMPLE_FMT_FLT)
        out->push_back(reinterpret_cast<const float*>(frame.extended_data[plane])[index]);
      else if (packed == AV_SAMPLE_FMT_S16)
        out->push_back(reinterpret_cast<const int16_t*>(frame.extended_data[plane])[index] / 32768.0f);
      else
        out->push_back(
            static_cast<float>(reinterpret_cast<const int32_t*>(frame.extended_data[plane])[index] / 2147483648.0));
    }
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

class AvAudioCodec : public AudioCodec {
 public:
  AvAudioCodec(const Spec& spec, std::vector<double> sweep, const AVCodec* encoder, const AVCodec* decoder)
      : spec_(spec), sweep_(std::move(sweep)), encoder_(encoder), decoder_(decoder) {}

  std::vector<double> Settings() const override { return sweep_; }

  std::string Config() const override {
    return DescribeConfig(*encoder_, *decoder_, std::string("coded at ") + spec_.rate_rule, spec_.options, "kbps",
                          sweep_);
  }

  Status RoundTrip(const Audio& clip, double kbps, AudioRoundTripResult* out) override {
    if (clip.channels > spec_.max_channels)
      return Status::Unsupported(std::string(spec_.name) + " is evaluated on up to " +
                                 std::to_string(spec_.max_channels) + " channels, not " +
                                 std::to_string(clip.channels));
    Audio coded_input;
    LCODEC_RETURN_IF_ERROR(ResampleAudio(clip, spec_.coding_rate(clip.sample_rate, kbps), &coded_input));

    ContextPtr encoder;
    std::vector<PacketPtr> packets;
    auto start = std::chrono::steady_clock::now();
    LCODEC_RETURN_IF_ERROR(Encode(coded_input, kbps, &encoder, &packets));
    out->encode_seconds = SecondsSince(start);
    out->bytes = static_cast<uint64_t>(std::max(0, encoder->extradata_size));
    for (const PacketPtr& p : packets) out->bytes += p->size;

    Audio decoded{coded_input.sample_rate, clip.channels, clip.bit_depth, {}};
    start = std::chrono::steady_clock::now();
    LCODEC_RETURN_IF_ERROR(Decode(*encoder, packets, &decoded.samples));
    out->decode_seconds = SecondsSince(start);
    // Alignment: see the header.
    const size_t skip = spec_.decoder_drops_delay ? 0 : static_cast<size_t>(encoder->initial_padding) * clip.channels;
    decoded.samples.erase(decoded.samples.begin(), decoded.samples.begin() + std::min(skip, decoded.samples.size()));
    decoded.samples.resize(coded_input.samples.size(), 0.0f);
    LCODEC_RETURN_IF_ERROR(ResampleAudio(decoded, clip.sample_rate, &out->decoded));
    out->decoded.samples.resize(clip.samples.size(), 0.0f);
    return Status::Ok();
  }

 private:
  Status Fail(const char* what, int code) const { return AvFailure(spec_.name, what, code); }

  AVSampleFormat EncoderFormat() const {
    for (const AVSampleFormat* f = encoder_->sample_fmts; f && *f != AV_SAMPLE_FMT_NONE; ++f)
      if (Handled(*f)) return *f;
    return AV_SAMPLE_FMT_NONE;
  }

  Status Encode(const Audio& input, double kbps, ContextPtr* context, std::vector<PacketPtr>* packets) {
    LCODEC_RETURN_IF_ERROR(NewCodecContext(encoder_, context));
    AVCodecContext* c = context->get();
    c->sample_rate = input.sample_rate;
    av_channel_layout_default(&c->ch_layout, input.channels);
    c->sample_fmt = EncoderFormat();
    if (c->sample_fmt == AV_SAMPLE_FMT_NONE)
      return Status::Unsupported(std::string(spec_.name) + ": no usable sample format");
    c->bit_rate = static_cast<int64_t>(kbps * 1000);
    c->time_base = AVRational{1, input.sample_rate};
    AVDictionary* options = OptionDictionary(spec_.options);
    LCODEC_RETURN_IF_ERROR(OpenCodec(spec_.name, c, &options));

    // Fixed-size frames, the last padded with silence unless the encoder
    // takes a short one.
    const bool variable = encoder_->capabilities & AV_CODEC_CAP_VARIABLE_FRAME_SIZE;
    const bool short_last = encoder_->capabilities & AV_CODEC_CAP_SMALL_LAST_FRAME;
    const int frame_size = c->frame_size > 0 && !variable ? c->frame_size : 1024;
    const int64_t frames = input.frames();
    FramePtr frame(av_frame_alloc());
    if (!frame) return Status::ResourceLimit("out of memory for frames");
    int rc = 0;
    for (int64_t at = 0; at < frames; at += frame_size) {
      const int count = static_cast<int>(std::min<int64_t>(frame_size, frames - at));
      av_frame_unref(frame.get());
      frame->nb_samples = count < frame_size && !short_last && !variable ? frame_size : count;
      frame->format = c->sample_fmt;
      frame->sample_rate = c->sample_rate;
      if (av_channel_layout_copy(&frame->ch_layout, &c->ch_layout) < 0 || av_frame_get_buffer(frame.get(), 0) < 0)
        return Status::ResourceLimit("out of memory for frames");
      FillFrame(input.samples.data() + at * input.channels, count, input.channels, frame.get());
      frame->pts = at;
      if ((rc = avcodec_send_frame(c, frame.get())) < 0) return Fail("encoding failed", rc);
      LCODEC_RETURN_IF_ERROR(ReceivePackets(spec_.name, c, packets));
    }
    if ((rc = avcodec_send_frame(c, nullptr)) < 0) return Fail("encoding failed", rc);
    LCODEC_RETURN_IF_ERROR(ReceivePackets(spec_.name, c, packets));
    if (packets->empty()) return Status::InvalidArgument(std::string(spec_.name) + ": the encoder produced nothing");
    return Status::Ok();
  }

  Status Decode(const AVCodecContext& encoder, const std::vector<PacketPtr>& packets, std::vector<float>* out) {
    ContextPtr c;
    LCODEC_RETURN_IF_ERROR(NewCodecContext(decoder_, &c));
    c->sample_rate = encoder.sample_rate;
    if (av_channel_layout_copy(&c->ch_layout, &encoder.ch_layout) < 0) return Status::ResourceLimit("out of memory");
    if (encoder.extradata_size > 0) {
      c->extradata = static_cast<uint8_t*>(av_mallocz(encoder.extradata_size + AV_INPUT_BUFFER_PADDING_SIZE));
      if (!c->extradata) return Status::ResourceLimit("out of memory");
      std::memcpy(c->extradata, encoder.extradata, encoder.extradata_size);
      c->extradata_size = encoder.extradata_size;
    }
    LCODEC_RETURN_IF_ERROR(OpenCodec(spec_.name, c.get(), nullptr));
    FramePtr frame(av_frame_alloc());
    if (!frame) return Status::ResourceLimit("out of memory for frames");
    const int channels = encoder.ch_layout.nb_channels;
    auto drain = [&]() -> Status {
      for (;;) {
        const int r = avcodec_receive_frame(c.get(), frame.get());
        if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return Status::Ok();
        if (r < 0) return Fail("decoding failed", r);
        if (!Handled(static_cast<AVSampleFormat>(frame->format)) || frame->ch_layout.nb_channels != channels)
          return Status::Unsupported(std::string(spec_.name) + ": the decoder's output format is not handled");
        AppendFrame(*frame, channels, out);
        av_frame_unref(frame.get());
      }
    };
    int rc = 0;
    for (const PacketPtr& p : packets) {
      if ((rc = avcodec_send_packet(c.get(), p.get())) < 0) return Fail("decoding failed", rc);
      LCODEC_RETURN_IF_ERROR(drain());
    }
    if ((rc = avcodec_send_packet(c.get(), nullptr)) < 0) return Fail("decoding failed", rc);
    return drain();
  }

  const Spec& spec_;
  const std::vector<double> sweep_;  // kbps, low to high
  const AVCodec* encoder_;
  const AVCodec* decoder_;
};

}  // namespace

const std::vector<std::string>& AvAudioCodecNames() {
  static const std::vector<std::string> names = SpecNames(Specs());
  return names;
}

Status MakeAvAudioCodec(const std::string& name, const std::vector<double>& kbps, std::unique_ptr<AudioCodec>* out) {
  QuietAvLog();
  const Spec* spec = nullptr;
  const AVCodec* encoder = nullptr;
  LCODEC_RETURN_IF_ERROR(FindSpec(Specs(), name, &spec, &encoder));
  const AVCodec* decoder = avcodec_find_decoder_by_name(spec->decoder);
  if (!decoder) return Status::Unsupported(name + ": this libavcodec has no " + spec->decoder + " decoder");
  std::vector<double> sweep = kbps.empty() ? spec->sweep : kbps;
  std::sort(sweep.begin(), sweep.end());
  *out = std::make_unique<AvAudioCodec>(*spec, std::move(sweep), encoder, decoder);
  return Status::Ok();
}

}  // namespace lcodec::eval
