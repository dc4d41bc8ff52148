// The video stream's sections (bitstream/SPEC.md, "Video payload"), shared by
// the video encoder and decoder (and lcodec info) so that they cannot
// disagree: one VINF section with the time base; if the video has an audio
// track, one AINF section describing it; then one FRAM section per frame,
// interleaved in time order with the audio codec's own AUDC sections. A
// FRAM holds the frame's timestamp and, in streams with
// kFlagPredictedFrames, its type: an intra frame is one image payload
// (runtime/image_layout.h); a predicted frame adds a block-mode map that
// lets latent positions refer to the previous frame (runtime/block_modes.h);
// a repeated frame is the previous frame again.
#ifndef LCODEC_RUNTIME_VIDEO_LAYOUT_H_
#define LCODEC_RUNTIME_VIDEO_LAYOUT_H_

#include <array>
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

enum class FrameType : uint8_t {
  kIntra = 0,      // coded on its own, as an image
  kPredicted = 1,  // block modes against the previous frame's latent
  kRepeat = 2,     // the previous frame again: nothing coded
};
inline constexpr size_t kFrameTypeCount = 3;

// What a FRAM body holds before its coded blobs. Streams without
// kFlagPredictedFrames store only pts and hyper_latent_bytes: every frame
// is intra.
struct FramePrefix {
  uint64_t pts = 0;
  FrameType type = FrameType::kIntra;
  uint8_t scale_shift = 0;                       // predicted: k of runtime/block_modes.h
  std::array<uint16_t, 3> mode_frequencies{};    // predicted: the mode map's CDF, one per block mode
  uint32_t hyper_latent_bytes = 0;               // intra, predicted
  uint32_t mode_bytes = 0;                       // predicted
};

// FRAM body:
//   u64 pts (two's complement)
//   with kFlagPredictedFrames: u8 type, then by type
//     intra:     u32 n | ZLAT body [n] | YLAT body [rest]
//     predicted: u8 k | u16 f_intra | u16 f_temporal | u16 f_skip | u32 n | u32 m |
//                ZLAT body [n] | mode map [m] | symbols [rest]
//     repeat:    nothing
//   without it: u32 n | ZLAT body [n] | YLAT body [rest]
// The reader checks `type` itself: an unknown type leaves the later fields unread.
template <class IO, class Prefix>
void VisitFramePrefix(IO& io, Prefix* prefix, bool typed) {
  io.Field(&prefix->pts);
  if (typed) io.Field(&prefix->type);
  if (prefix->type == FrameType::kPredicted) {
    io.Field(&prefix->scale_shift);
    for (auto& frequency : prefix->mode_frequencies) io.Field(&frequency);
  }
  if (prefix->type == FrameType::kIntra || prefix->type == FrameType::kPredicted) io.Field(&prefix->hyper_latent_bytes);
  if (prefix->type == FrameType::kPredicted) io.Field(&prefix->mode_bytes);
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
