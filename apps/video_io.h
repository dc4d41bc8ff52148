// Video files through libavformat, libavcodec and libswscale, one frame at a
// time so that a video is never held whole: any video FFmpeg reads comes in
// as 8-bit RGB frames with their timestamps; frames go out to a video file
// (lossless FFV1 in Matroska by default, with an audio track if given: FLAC
// by default) or to numbered PNG files. The input's audio track is read by
// apps/audio_io.h's AudioFileReader, which demuxes the same file on its own.
#ifndef LCODEC_APPS_VIDEO_IO_H_
#define LCODEC_APPS_VIDEO_IO_H_

#include <cstdint>
#include <memory>
#include <string>

#include "common/image.h"
#include "common/status.h"
#include "runtime/video_layout.h"

namespace lcodec::apps {

struct VideoFrame {
  Image image;      // 8-bit RGB
  int64_t pts = 0;  // in the time base's ticks
};

class VideoReader {
 public:
  VideoReader();
  ~VideoReader();
  VideoReader(const VideoReader&) = delete;
  VideoReader& operator=(const VideoReader&) = delete;

  // Opens the file's best video stream. InvalidArgument for a file without
  // video (an image, audio only), Unsupported when no decoder is built in.
  Status Open(const std::string& path);

  // Valid after Open: size, nominal frame rate and the stream's time base.
  const runtime::VideoFormat& format() const { return format_; }
  bool has_audio() const { return has_audio_; }
  // When the audio track's first sample plays, in the video time base's
  // ticks on the frames' clock (the file's start times).
  int64_t audio_start() const { return audio_start_; }
  // The container's estimate, 0 when unknown: for progress only.
  int64_t estimated_frames() const { return estimated_frames_; }
  // The stream's duration in seconds, 0 when unknown: for progress only.
  double duration_seconds() const { return duration_seconds_; }

  // The next frame in presentation order, or *at_end. Timestamps increase
  // strictly: a frame without one, or with one that does not increase, gets
  // the previous one plus a frame at the nominal rate.
  Status Next(VideoFrame* frame, bool* at_end);

 private:
  struct State;  // libav contexts
  std::unique_ptr<State> state_;
  std::string path_;
  runtime::VideoFormat format_;
  bool has_audio_ = false;
  int64_t audio_start_ = 0;
  int64_t estimated_frames_ = 0;
  double duration_seconds_ = 0;
};

// An audio track to write along with the frames.
struct AudioTrackFormat {
  int sample_rate = 0, channels = 0;
  int bit_depth = 16;  // 24 or 32 keep 24 bits where the codec can (FLAC), else 16
  int64_t start = 0;  // when its first sample plays, in the video time base's ticks
};

struct VideoWriterOptions {
  // An FFmpeg encoder name (ffmpeg -encoders); ffv1 is lossless.
  std::string codec = "ffv1";
  std::string audio_codec = "flac";  // the same, for the audio track
  int crf = -1;  // passed to encoders that take -crf (libx264, libx265, ...) when >= 0
  bool overwrite = false;
};

// True when `path` holds a printf-style frame number ("frames/%06d.png"):
// such outputs are written as one PNG per frame, numbered from 1.
bool IsFramePattern(const std::string& path);

class VideoWriter {
 public:
  VideoWriter();
  ~VideoWriter();  // an unfinished output is removed
  VideoWriter(const VideoWriter&) = delete;
  VideoWriter& operator=(const VideoWriter&) = delete;

  // A video file whose container the extension picks (.mkv, .mp4, .avi,
  // .mov, ...), written atomically: it appears only when Finish succeeds. Or
  // numbered PNG frames when IsFramePattern(path), each written atomically.
  // With `audio`, a video file gets an audio track (numbered frames cannot).
  Status Open(const std::string& path, const runtime::VideoFormat& format, const VideoWriterOptions& options,
              const AudioTrackFormat* audio = nullptr);

  // One 8-bit RGB frame of the format's size, timestamps increasing.
  Status Write(const Image& frame, int64_t pts);
  // The audio track's next samples (interleaved floats in [-1, 1]), which
  // continue where the previous ones ended.
  Status WriteAudio(const float* interleaved, int64_t frames);

  // Flushes the encoder, writes the trailer and puts the file in place.
  Status Finish();

 private:
  struct State;  // libav contexts, or the frame pattern
  Status OpenAudio(const std::string& codec_name, const AudioTrackFormat& audio);
  Status EncodeAudio(int frames);  // the first `frames` pending ones; 0 flushes the encoder
  std::unique_ptr<State> state_;
};

}  // namespace lcodec::apps

#endif  // LCODEC_APPS_VIDEO_IO_H_
