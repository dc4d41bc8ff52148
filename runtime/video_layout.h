// The video stream's sections (bitstream/SPEC.md, "Video payload"), shared by
// the video encoder and decoder (and lcodec info) so that they cannot
// disagree: one VINF section with the time base; if the video has an audio
// track, one AINF section describing it; then one FRAM section per frame,
// each holding its timestamp and one image payload (runtime/image_layout.h),
// interleaved in time order with the audio codec's own AUDC sections.
#ifndef LCODEC_RUNTIME_VIDEO_LAYOUT_H_
#define LCODEC_RUNTIME_VIDEO_LAYOUT_H_

#include <cstdint>
#include <vector>

#include "bitstream/byte_io.h"
#include "bitstream/container.h"
#include "common/status.h"

namespace lcodec::runtime {

inline constexpr bitstream::Tag kVideoInfoTag = bitstream::MakeTag("VINF");
inline constexpr bitstream::Tag kFrameTag = bitstream::MakeTag("FRAM");
inline constexpr bitstream::Tag kAudioInfoTag = bitstream::MakeTag("AINF");

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

// The audio track of a video: what the audio decoder needs (an audio
// stream's header: rate, channels, bit depth, quality, length, audio model)
// and when its first sample plays, in the video's time base ticks on the
// clock of the FRAM timestamps.
struct AudioTrackInfo {
  int64_t start = 0;
  bitstream::StreamHeader header;  // modality audio
};

// AINF body: u64 start (two's complement) | the audio header as a complete
// lcodec container without sections (magic, HEAD, END), so that the audio
// header is written and checked by the container's own code.
inline Status WriteAudioTrackInfo(const AudioTrackInfo& info, std::vector<uint8_t>* body) {
  body->clear();
  const uint64_t start = static_cast<uint64_t>(info.start);
  bitstream::ByteWriter(body).Field(&start);
  std::vector<uint8_t> header;
  LCODEC_RETURN_IF_ERROR(bitstream::SerializeContainer(info.header, {}, &header));
  body->insert(body->end(), header.begin(), header.end());
  return Status::Ok();
}

// Corrupt unless `body` is an AINF body holding an audio header without
// sections; ResourceLimit if its length breaks `limits` (--max-audio-samples).
inline Status ParseAudioTrackInfo(const std::vector<uint8_t>& body, const bitstream::ParseLimits& limits,
                                  AudioTrackInfo* info) {
  bitstream::ByteReader reader(body.data(), body.size());
  uint64_t start = 0;
  reader.Field(&start);
  if (!reader.ok()) return Status::Corrupt("video stream's 'AINF' section is cut short");
  info->start = static_cast<int64_t>(start);
  std::vector<bitstream::Section> sections;
  const Status status = bitstream::ParseContainer(body.data() + 8, body.size() - 8, limits, &info->header, &sections);
  if (status.code() == Status::Code::kResourceLimit) return status;
  if (!status.ok()) return Status::Corrupt("video stream's audio track header: " + status.message());
  if (info->header.modality != bitstream::Modality::kAudio || !sections.empty())
    return Status::Corrupt("video stream's 'AINF' section does not hold an audio header");
  return Status::Ok();
}

}  // namespace lcodec::runtime

#endif  // LCODEC_RUNTIME_VIDEO_LAYOUT_H_
