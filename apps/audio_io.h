// Reading and writing audio files for the CLI and for evaluation runs.
//
// WAV, FLAC and Ogg/Vorbis (and whatever else libsndfile reads) go through
// libsndfile; any other format FFmpeg can demux and decode (MP3, AAC/M4A,
// Opus, the audio track of a video...) through libavformat/libavcodec.
// Long files are read and written in chunks, so memory stays bounded.
#ifndef LCODEC_APPS_AUDIO_IO_H_
#define LCODEC_APPS_AUDIO_IO_H_

#include <cstdint>
#include <memory>
#include <string>

#include "common/audio.h"
#include "common/status.h"

namespace lcodec::apps {

struct AudioFileInfo {
  int sample_rate = 0;
  int channels = 0;
  int bit_depth = 16;   // 8, 16, 24 or 32 (float); what the source stores, or 16 if lossy
  int64_t frames = -1;  // samples per channel; -1 when the container does not say
};

// Reads an audio file chunk by chunk.
class AudioFileReader {
 public:
  AudioFileReader();
  ~AudioFileReader();
  AudioFileReader(const AudioFileReader&) = delete;
  AudioFileReader& operator=(const AudioFileReader&) = delete;

  // A missing, unreadable or non-audio file gives one clear message naming it.
  Status Open(const std::string& path);
  const AudioFileInfo& info() const;

  // Replaces chunk->samples with up to `max_frames` frames (interleaved);
  // sets *at_end once the file is exhausted (the chunk may then be short or
  // empty). chunk's sample_rate, channels and bit_depth follow info().
  Status Read(int64_t max_frames, Audio* chunk, bool* at_end);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes an audio file chunk by chunk, atomically (common/file_util.h:
// AtomicOutputFile): the file appears at `path` only when Finish succeeds.
// The format follows the extension: .wav, .flac, .ogg (Vorbis). Integer PCM
// formats store `bit_depth` bits (FLAC: 8, 16, 24); samples are clipped to
// [-1, 1] and rounded.
class AudioFileWriter {
 public:
  AudioFileWriter();
  ~AudioFileWriter();  // an unfinished file is removed
  AudioFileWriter(const AudioFileWriter&) = delete;
  AudioFileWriter& operator=(const AudioFileWriter&) = delete;

  Status Open(const std::string& path, int sample_rate, int channels, int bit_depth, bool overwrite);
  Status Write(const float* interleaved, int64_t frames);
  Status Finish();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Whole-file helpers on top of the two classes above.
Status ReadAudio(const std::string& path, Audio* out);
Status WriteAudio(const std::string& path, const Audio& audio, bool overwrite);

}  // namespace lcodec::apps

#endif  // LCODEC_APPS_AUDIO_IO_H_
