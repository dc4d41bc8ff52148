// Video encoder: frames -> lcodec container, one frame at a time.
//
// Each frame goes into one FRAM section, as an intra frame (the image
// codec's payload), a predicted frame (block modes against the previous
// frame's latent, runtime/block_modes.h) or a repeat of the previous frame,
// whichever the model estimates cheapest; memory holds one frame and one
// reference latent whatever the video's length. An
// audio track goes through the audio codec (encoder/audio_encoder.h), whose
// sections are written between the frames as they come out. What a reader
// needs first but a streaming writer learns only at the end (the frame
// count in HEAD, the audio length in AINF) is written as a placeholder and
// rewritten in place by Finish.
#ifndef LCODEC_ENCODER_VIDEO_ENCODER_H_
#define LCODEC_ENCODER_VIDEO_ENCODER_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bitstream/container.h"
#include "common/file_util.h"
#include "common/image.h"
#include "common/status.h"
#include "encoder/audio_encoder.h"
#include "encoder/image_encoder.h"
#include "runtime/audio_model.h"
#include "runtime/image_model.h"
#include "runtime/video_layout.h"

namespace lcodec::encoder {

// An audio track to code along with the frames, with the audio codec.
struct VideoAudioTrack {
  runtime::AudioModel* model = nullptr;  // must outlive the encoder
  int sample_rate = 0, channels = 0, bit_depth = 16;
  int64_t start = 0;  // when its first sample plays: time base ticks on the frames' clock
  AudioEncodeOptions options;
};

struct VideoEncodeOptions {
  double quality = 4;  // the model's range; the same for every frame
  int threads = 1;     // entropy-coding threads (transforms use torch's setting)
  runtime::ImageTiling tiling;
  // An intra frame at least every this many frames (1: all intra): where a
  // decoder can start, and where damage to a stream stops propagating.
  int keyframe_interval = 60;
  std::optional<VideoAudioTrack> audio;  // none: a video without sound
};

class VideoEncoder {
 public:
  explicit VideoEncoder(runtime::ImageModel& model) : model_(model) {}
  VideoEncoder(const VideoEncoder&) = delete;
  VideoEncoder& operator=(const VideoEncoder&) = delete;

  // Starts a stream at `path` (written atomically: it appears only when
  // Finish succeeds) or at the end of *out. InvalidArgument for a format
  // without pixels, frame rate or time base, a quality outside the model's,
  // or an audio track the audio codec refuses.
  Status Open(const std::string& path, bool overwrite, const runtime::VideoFormat& format,
              const VideoEncodeOptions& options);
  Status OpenMemory(std::vector<uint8_t>* out, const runtime::VideoFormat& format, const VideoEncodeOptions& options);

  // The audio track's next samples (options.audio), interleaved channels.
  // Alternate with AddFrame in time order (the samples up to a frame's time
  // before that frame) so that a decoder holds only seconds of either.
  Status AddAudio(const float* interleaved, int64_t frames);

  // Codes one 8-bit RGB frame of the format's size. Timestamps (in time base
  // ticks) must increase strictly, as a muxer needs them to.
  Status AddFrame(const Image& frame, int64_t pts, ImageEncodeStats* stats = nullptr);

  // Completes the stream; InvalidArgument if no frame was added (a video
  // stream holds at least one) or an audio track got no samples.
  Status Finish(AudioEncodeStats* audio_stats = nullptr);

  uint64_t frames() const { return header_.frame_count; }
  uint64_t frames_of_type(runtime::FrameType type) const { return frame_types_[static_cast<size_t>(type)]; }
  uint64_t bytes() const { return bytes_; }              // FRAM bodies so far
  uint64_t audio_bytes() const { return audio_bytes_; }  // AUDC bodies so far
  uint64_t audio_frames() const { return audio_frames_; }  // samples per channel so far
  bool has_audio() const { return audio_started_; }

 private:
  Status Start(const runtime::VideoFormat& format, const VideoEncodeOptions& options);
  Status WritePrefix(bitstream::ContainerWriter& writer, const bitstream::StreamHeader& header,
                     std::vector<uint8_t>* out);
  Status AddSections(const std::vector<bitstream::Section>& sections);
  Status Flush();
  Status RewritePrefix();
  Status CodeFrame(ImageLatent& latent, const ImageEncodeOptions& options, runtime::FramePrefix* prefix,
                   torch::Tensor* reference, ImageEncodeStats* stats);

  runtime::ImageModel& model_;
  // The container is built in `staging_` and moved out to the file or to
  // *memory_ after every section, so that Finish can rewrite the sections
  // before the first frame (HEAD, VINF, AINF), which the writer cannot.
  bitstream::ContainerWriter writer_;
  std::vector<uint8_t> staging_;
  AtomicOutputFile file_;
  std::string path_;                        // for messages; empty when writing to memory
  std::vector<uint8_t>* memory_ = nullptr;
  size_t memory_start_ = 0;                 // where this stream starts in *memory_
  size_t written_ = 0;                      // bytes moved out of staging_
  size_t prefix_bytes_ = 0;                 // HEAD, VINF and AINF as first written
  bitstream::StreamHeader header_;
  runtime::VideoFormat format_;
  VideoEncodeOptions options_;
  int64_t last_pts_ = 0;
  uint64_t bytes_ = 0;
  std::vector<uint8_t> body_;  // reused for each FRAM section
  // Temporal prediction: the previous frame's y_hat (undefined before the
  // first frame), frames since the last intra one, and this frame's blobs.
  torch::Tensor reference_;
  int frames_since_intra_ = 0;
  std::vector<uint8_t> hyper_latent_, modes_, symbols_;
  std::array<uint64_t, runtime::kFrameTypeCount> frame_types_{};
  // The audio track.
  AudioEncoder audio_;
  runtime::AudioTrackInfo audio_info_;
  bool audio_started_ = false;              // options.audio was given
  uint64_t audio_bytes_ = 0, audio_frames_ = 0;
  std::vector<bitstream::Section> audio_sections_;  // reused
};

}  // namespace lcodec::encoder

#endif  // LCODEC_ENCODER_VIDEO_ENCODER_H_
