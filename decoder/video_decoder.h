// Video decoder: lcodec container -> frames, one at a time.
//
// Reads one section at a time (bitstream::ContainerReader), so memory holds
// one frame, plus the previous frame and its latent for predicted and
// repeated frames (runtime/block_modes.h), whatever the video's length. The header's frame count and size
// are checked against ParseLimits before anything is allocated. An audio
// track is decoded along the way by the audio codec
// (decoder/audio_decoder.h), if the caller asks for it with StartAudio.
#ifndef LCODEC_DECODER_VIDEO_DECODER_H_
#define LCODEC_DECODER_VIDEO_DECODER_H_

#include <cstdint>
#include <string>

#include "bitstream/container.h"
#include "common/audio.h"
#include "common/image.h"
#include "common/status.h"
#include "decoder/audio_decoder.h"
#include "decoder/image_decoder.h"
#include "runtime/audio_model.h"
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

  // Reads HEAD, VINF and AINF if present. Fails cleanly on damaged streams, streams of another
  // modality and streams made with another model. OpenMemory does not copy.
  Status Open(const std::string& path, const VideoDecodeOptions& options);
  Status OpenMemory(const uint8_t* data, size_t size, const VideoDecodeOptions& options);

  // Valid after a successful Open.
  const bitstream::StreamHeader& header() const { return reader_.header(); }
  const runtime::VideoFormat& format() const { return format_; }
  // Whether the stream has an audio track, and its header and start time.
  bool has_audio() const { return has_audio_; }
  const runtime::AudioTrackInfo& audio_track() const { return audio_track_; }

  // Decodes the audio track too, with `model` (which must outlive the
  // decoder), after Open and before the first Next; without this call the
  // track is skipped. InvalidArgument naming both models if the track was
  // made with another audio model.
  Status StartAudio(runtime::AudioModel* model);

  // Decodes the next frame (8-bit RGB) and its timestamp in time base ticks,
  // or sets *at_end once the stream has ended with exactly the frame count
  // its header declares (and an audio track with exactly its length). After
  // StartAudio, *audio receives the track's samples decoded since the
  // previous call, at the track's rate and channels: they continue where
  // the previous ones ended, the first plays at audio_track().start. A
  // failure is sticky.
  Status Next(Image* frame, int64_t* pts, bool* at_end, Audio* audio = nullptr);

  uint64_t frames() const { return frames_; }  // decoded so far

 private:
  Status Start(const VideoDecodeOptions& options);
  Status ReadAudioInfo();
  Status DecodeFrame(const bitstream::Section& section, Image* frame, int64_t* pts);
  Status DecodePayload(const runtime::FramePrefix& prefix, const uint8_t* data, size_t size, Image* frame);
  Status DecodeAudio(const bitstream::Section* section, Audio* audio);

  runtime::ImageModel& model_;
  bitstream::ContainerReader reader_;
  bitstream::Section pending_;  // read by Open after VINF when it is not AINF
  bool has_pending_ = false;
  runtime::VideoFormat format_;
  ImageDecodeOptions image_options_;
  bool has_audio_ = false;
  runtime::AudioTrackInfo audio_track_;
  AudioDecoder audio_;
  AudioDecodeOptions audio_options_;
  bool decoding_audio_ = false;  // between StartAudio and the end of the track
  Audio ready_;                  // reused
  bool typed_frames_ = false;   // kFlagPredictedFrames: each FRAM says its type
  torch::Tensor reference_;     // the previous frame's y_hat
  Image previous_;              // and its pixels
  uint64_t frames_ = 0;
  int64_t last_pts_ = 0;
  Status status_ = Status::InvalidArgument("VideoDecoder::Next before a successful Open");
};

}  // namespace lcodec::decoder

#endif  // LCODEC_DECODER_VIDEO_DECODER_H_
