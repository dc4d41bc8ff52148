#include "eval/audio_resample.h"

#include <memory>
#include <utility>

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
}

namespace lcodec::eval {

Status ResampleAudio(const Audio& in, int sample_rate, Audio* out) {
  if (in.sample_rate == sample_rate) {
    *out = in;
    return Status::Ok();
  }
  AVChannelLayout layout;
  av_channel_layout_default(&layout, in.channels);
  SwrContext* swr = nullptr;
  if (swr_alloc_set_opts2(&swr, &layout, AV_SAMPLE_FMT_FLT, sample_rate, &layout, AV_SAMPLE_FMT_FLT, in.sample_rate, 0,
                          nullptr) < 0 ||
      swr_init(swr) < 0) {
    swr_free(&swr);
    return Status::Unsupported("cannot resample " + std::to_string(in.sample_rate) + " Hz to " +
                               std::to_string(sample_rate) + " Hz");
  }
  std::unique_ptr<SwrContext, void (*)(SwrContext*)> owner(swr, [](SwrContext* s) { swr_free(&s); });
  const int64_t frames = in.frames();
  const int64_t want = (frames * sample_rate + in.sample_rate / 2) / in.sample_rate;
  // libswresample compensates its filter's delay itself: output starts at
  // time 0, and flushing releases the tail.
  std::vector<float> resampled(static_cast<size_t>(want + 256) * in.channels);
  int64_t made = 0;
  auto convert = [&](const float* input, int count) {
    uint8_t* output = reinterpret_cast<uint8_t*>(resampled.data() + made * in.channels);
    const uint8_t* source = reinterpret_cast<const uint8_t*>(input);
    const int got = swr_convert(swr, &output, static_cast<int>(resampled.size() / in.channels - made),
                                input ? &source : nullptr, count);
    if (got > 0) made += got;
    return got;
  };
  if (convert(in.samples.data(), static_cast<int>(frames)) < 0 || convert(nullptr, 0) < 0)
    return Status::Corrupt("resampling failed");
  // Rounding may leave the count a sample off `want`.
  resampled.resize(static_cast<size_t>(want) * in.channels, 0.0f);
  *out = Audio{sample_rate, in.channels, in.bit_depth, std::move(resampled)};
  return Status::Ok();
}

}  // namespace lcodec::eval
