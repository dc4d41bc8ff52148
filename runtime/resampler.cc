#include "runtime/resampler.h"

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/error.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
}

#include <algorithm>
#include <string>

namespace lcodec::runtime {
namespace {

constexpr int kMaxChannels = 64;  // libswresample's SWR_CH_MAX
constexpr int kMaxRate = 768000;
// Converting in pieces bounds the temporary output buffer.
constexpr int64_t kPieceFrames = 1 << 16;

void FreeSwr(SwrContext* swr) { swr_free(&swr); }

Status SwrError(const char* what, int error) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(error, text, sizeof text);
  return Status::InvalidArgument(std::string("resampling failed: ") + what + ": " + text);
}

}  // namespace

Resampler::Resampler() : swr_(nullptr, FreeSwr) {}
Resampler::~Resampler() = default;

Status Resampler::Open(int channels, int in_rate, int out_rate) {
  if (channels < 1 || channels > kMaxChannels)
    return Status::Unsupported("cannot resample " + std::to_string(channels) + " channels (1..64)");
  if (in_rate < 1 || in_rate > kMaxRate || out_rate < 1 || out_rate > kMaxRate)
    return Status::InvalidArgument("sample rates must be 1..768000 Hz");
  channels_ = channels;
  passthrough_ = in_rate == out_rate;
  swr_.reset();
  if (passthrough_) return Status::Ok();
  // The channels are independent signals (mid, side, ...): an unspecified
  // layout of the same count on both sides, so nothing is remixed.
  AVChannelLayout layout{};
  layout.order = AV_CHANNEL_ORDER_UNSPEC;
  layout.nb_channels = channels;
  SwrContext* swr = nullptr;
  int error = swr_alloc_set_opts2(&swr, &layout, AV_SAMPLE_FMT_FLTP, out_rate, &layout, AV_SAMPLE_FMT_FLTP,
                                  in_rate, 0, nullptr);
  if (error < 0) return SwrError("cannot configure", error);
  swr_.reset(swr);
  if ((error = swr_init(swr)) < 0) return SwrError("cannot start", error);
  return Status::Ok();
}

Status Resampler::Convert(const float* const* in, int64_t frames, PlanarAudio* out) {
  out->resize(static_cast<size_t>(channels_));
  const int capacity = swr_get_out_samples(swr_.get(), static_cast<int>(frames));
  if (capacity < 0) return SwrError("cannot size the output", capacity);
  std::vector<uint8_t*> planes(static_cast<size_t>(channels_));
  std::vector<size_t> old_sizes(static_cast<size_t>(channels_));
  for (int c = 0; c < channels_; ++c) {
    std::vector<float>& plane = (*out)[static_cast<size_t>(c)];
    old_sizes[static_cast<size_t>(c)] = plane.size();
    plane.resize(plane.size() + static_cast<size_t>(capacity));
    planes[static_cast<size_t>(c)] = reinterpret_cast<uint8_t*>(plane.data() + old_sizes[static_cast<size_t>(c)]);
  }
  const int produced = swr_convert(swr_.get(), planes.data(), capacity, reinterpret_cast<const uint8_t**>(
                                   const_cast<const float**>(in)), static_cast<int>(frames));
  if (produced < 0) return SwrError("cannot convert", produced);
  for (int c = 0; c < channels_; ++c)
    (*out)[static_cast<size_t>(c)].resize(old_sizes[static_cast<size_t>(c)] + static_cast<size_t>(produced));
  return Status::Ok();
}

Status Resampler::Process(const PlanarAudio& in, int64_t frames, PlanarAudio* out) {
  if (static_cast<int>(in.size()) != channels_) return Status::InvalidArgument("resampler: wrong channel count");
  out->resize(static_cast<size_t>(channels_));
  if (passthrough_) {
    for (int c = 0; c < channels_; ++c)
      (*out)[c].insert((*out)[c].end(), in[c].begin(), in[c].begin() + frames);
    return Status::Ok();
  }
  std::vector<const float*> pointers(static_cast<size_t>(channels_));
  for (int64_t done = 0; done < frames; done += kPieceFrames) {
    for (int c = 0; c < channels_; ++c) pointers[static_cast<size_t>(c)] = in[c].data() + done;
    LCODEC_RETURN_IF_ERROR(Convert(pointers.data(), std::min(kPieceFrames, frames - done), out));
  }
  return Status::Ok();
}

Status Resampler::Flush(PlanarAudio* out) {
  out->resize(static_cast<size_t>(channels_));
  if (passthrough_) return Status::Ok();
  return Convert(nullptr, 0, out);
}

}  // namespace lcodec::runtime
