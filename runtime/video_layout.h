// The video stream's sections (bitstream/SPEC.md, "Video"), shared by the
// video encoder and decoder so that the two sides cannot disagree: one VINF
// section with the time base, then one FRAM section per frame, each holding
// its timestamp and one image payload (runtime/image_layout.h).
#ifndef LCODEC_RUNTIME_VIDEO_LAYOUT_H_
#define LCODEC_RUNTIME_VIDEO_LAYOUT_H_

#include <cstdint>

#include "bitstream/container.h"

namespace lcodec::runtime {

inline constexpr bitstream::Tag kVideoInfoTag = bitstream::MakeTag("VINF");
inline constexpr bitstream::Tag kFrameTag = bitstream::MakeTag("FRAM");

// What a video stream says about all its frames. Timestamps count ticks of
// time_base_num / time_base_den seconds, as in the input file, so that
// variable frame rates and the input's exact times survive.
struct VideoFormat {
  uint32_t width = 0, height = 0;
  uint32_t frame_rate_num = 0, frame_rate_den = 0;  // nominal frames per second, num / den
  uint32_t time_base_num = 0, time_base_den = 0;    // seconds per timestamp tick, num / den
};

// VINF body: u32 time_base_num | u32 time_base_den.
template <class IO, class Format>
void VisitVideoInfo(IO& io, Format* format) {
  io.Field(&format->time_base_num);
  io.Field(&format->time_base_den);
}

// FRAM body: u64 pts (two's complement) | u32 n | ZLAT body [n] | YLAT body [rest].
struct FramePrefix {
  uint64_t pts = 0;
  uint32_t hyper_latent_bytes = 0;
};
inline constexpr size_t kFramePrefixBytes = 12;

template <class IO, class Prefix>
void VisitFramePrefix(IO& io, Prefix* prefix) {
  io.Field(&prefix->pts);
  io.Field(&prefix->hyper_latent_bytes);
}

}  // namespace lcodec::runtime

#endif  // LCODEC_RUNTIME_VIDEO_LAYOUT_H_
