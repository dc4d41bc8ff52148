// Video encoder: frames -> lcodec container, one frame at a time.
//
// Each frame is coded on its own with the image model (intra only) into one
// FRAM section, so memory holds one frame whatever the video's length, and
// the frame count, which a streaming reader learns only at the end, is
// patched into HEAD by Finish.
#ifndef LCODEC_ENCODER_VIDEO_ENCODER_H_
#define LCODEC_ENCODER_VIDEO_ENCODER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "bitstream/container.h"
#include "common/image.h"
#include "common/status.h"
#include "encoder/image_encoder.h"
#include "runtime/image_model.h"
#include "runtime/video_layout.h"

namespace lcodec::encoder {

struct VideoEncodeOptions {
  double quality = 4;  // the model's range; the same for every frame
  int threads = 1;     // entropy-coding threads (transforms use torch's setting)
  runtime::ImageTiling tiling;
};

class VideoEncoder {
 public:
  explicit VideoEncoder(runtime::ImageModel& model) : model_(model) {}
  VideoEncoder(const VideoEncoder&) = delete;
  VideoEncoder& operator=(const VideoEncoder&) = delete;

  // Starts a stream at `path` (written atomically: it appears only when
  // Finish succeeds) or at the end of *out. InvalidArgument for a format
  // without pixels, frame rate or time base, or a quality outside the model's.
  Status Open(const std::string& path, bool overwrite, const runtime::VideoFormat& format,
              const VideoEncodeOptions& options);
  Status OpenMemory(std::vector<uint8_t>* out, const runtime::VideoFormat& format, const VideoEncodeOptions& options);

  // Codes one 8-bit RGB frame of the format's size. Timestamps (in time base
  // ticks) must increase strictly, as a muxer needs them to.
  Status AddFrame(const Image& frame, int64_t pts, ImageEncodeStats* stats = nullptr);

  // Completes the stream; InvalidArgument if no frame was added (a video
  // stream holds at least one).
  Status Finish();

  uint64_t frames() const { return header_.frame_count; }
  uint64_t bytes() const { return bytes_; }  // FRAM bodies so far

 private:
  Status Start(const runtime::VideoFormat& format, const VideoEncodeOptions& options);
  Status WriteInfo();

  runtime::ImageModel& model_;
  bitstream::ContainerWriter writer_;
  bitstream::StreamHeader header_;
  runtime::VideoFormat format_;
  VideoEncodeOptions options_;
  int64_t last_pts_ = 0;
  uint64_t bytes_ = 0;
  std::vector<uint8_t> body_;  // reused for each FRAM section
};

}  // namespace lcodec::encoder

#endif  // LCODEC_ENCODER_VIDEO_ENCODER_H_
