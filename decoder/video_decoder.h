// Video decoder: lcodec container -> frames, one at a time.
//
// Reads one section at a time (bitstream::ContainerReader), so memory holds
// one frame whatever the video's length. The header's frame count and size
// are checked against ParseLimits before anything is allocated.
#ifndef LCODEC_DECODER_VIDEO_DECODER_H_
#define LCODEC_DECODER_VIDEO_DECODER_H_

#include <cstdint>
#include <string>

#include "bitstream/container.h"
#include "common/image.h"
#include "common/status.h"
#include "decoder/image_decoder.h"
#include "runtime/image_model.h"
#include "runtime/video_layout.h"

namespace lcodec::decoder {

struct VideoDecodeOptions {
  int threads = 1;  // entropy-decoding threads; the output does not depend on it
  bitstream::ParseLimits limits;
};

class VideoDecoder {
 public:
  explicit VideoDecoder(runtime::ImageModel& model) : model_(model) {}
  VideoDecoder(const VideoDecoder&) = delete;
  VideoDecoder& operator=(const VideoDecoder&) = delete;

  // Reads HEAD and VINF. Fails cleanly on damaged streams, streams of another
  // modality and streams made with another model. OpenMemory does not copy.
  Status Open(const std::string& path, const VideoDecodeOptions& options);
  Status OpenMemory(const uint8_t* data, size_t size, const VideoDecodeOptions& options);

  // Valid after a successful Open.
  const bitstream::StreamHeader& header() const { return reader_.header(); }
  const runtime::VideoFormat& format() const { return format_; }

  // Decodes the next frame (8-bit RGB) and its timestamp in time base ticks,
  // or sets *at_end once the stream has ended with exactly the frame count
  // its header declares. A failure is sticky.
  Status Next(Image* frame, int64_t* pts, bool* at_end);

  uint64_t frames() const { return frames_; }  // decoded so far

 private:
  Status Start(const VideoDecodeOptions& options);
  Status DecodeFrame(const bitstream::Section& section, Image* frame, int64_t* pts);

  runtime::ImageModel& model_;
  bitstream::ContainerReader reader_;
  runtime::VideoFormat format_;
  ImageDecodeOptions image_options_;
  uint64_t frames_ = 0;
  int64_t last_pts_ = 0;
  Status status_ = Status::InvalidArgument("VideoDecoder::Next before a successful Open");
};

}  // namespace lcodec::decoder

#endif  // LCODEC_DECODER_VIDEO_DECODER_H_
