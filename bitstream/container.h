// The lcodec container: one file format for images, audio and video.
//
//   File    := Magic Section("HEAD") Section(tag)* Section("END ")
//   Section := tag[4] | u32 length | body[length] | u32 crc32
//
// bitstream/SPEC.md specifies every field; container.cc is the only code that
// knows the syntax. Coded data (tiles, frames, audio chunks) travels in
// sections whose tags and bodies belong to the codec, not to this layer.
#ifndef LCODEC_BITSTREAM_CONTAINER_H_
#define LCODEC_BITSTREAM_CONTAINER_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "common/file_util.h"
#include "common/status.h"

namespace lcodec::bitstream {

// The version this build writes. It reads any 1.x (see SPEC.md, Versioning).
inline constexpr uint8_t kVersionMajor = 1;
inline constexpr uint8_t kVersionMinor = 1;

enum class Modality : uint8_t { kImage = 1, kAudio = 2, kVideo = 3 };

// HEAD flag bits (SPEC.md, HEAD). Version 1.1 defines one, for video: the
// frames carry a frame type and may be predicted from the previous frame
// (runtime/video_layout.h). A 1.0 reader refuses such a stream as needing an
// upgrade instead of misreading its frames.
inline constexpr uint32_t kFlagPredictedFrames = 1u << 0;

using Tag = std::array<char, 4>;
// MakeTag("TILE"): the array reference makes a tag of any length but 4 a
// compile error.
constexpr Tag MakeTag(const char (&s)[5]) { return {s[0], s[1], s[2], s[3]}; }
inline constexpr Tag kHeadTag = MakeTag("HEAD");
inline constexpr Tag kEndTag = MakeTag("END ");

using ModelId = std::array<uint8_t, 32>;  // SHA-256 of the model file
inline constexpr size_t kMaxModelNameBytes = 64;

// What a decoder must know before the first coded section: the HEAD section.
// Fields that a modality does not use must be 0, so that every stream has one
// encoding and a decoder never sees a value it would silently ignore.
struct StreamHeader {
  Modality modality = Modality::kImage;
  ModelId model_id{};
  std::string model_name;       // UTF-8, 1..64 bytes, no control characters
  uint32_t width = 0;           // image, video
  uint32_t height = 0;          // image, video
  uint16_t channels = 0;        // colour channels (image, video) or audio channels
  uint8_t bit_depth = 0;        // bits per sample
  uint32_t sample_rate = 0;     // audio, Hz
  uint32_t frame_rate_num = 0;  // video, frames per second = num / den
  uint32_t frame_rate_den = 0;  // video
  uint64_t frame_count = 0;     // audio: samples per channel; video: frames
  float quality = 0;            // the encoder's quality setting, finite, >= 0
  uint32_t tile_width = 0;      // image, video; both 0 = untiled
  uint32_t tile_height = 0;
  uint32_t flags = 0;           // kFlag* bits; others must be 0
};
bool operator==(const StreamHeader& a, const StreamHeader& b);
inline bool operator!=(const StreamHeader& a, const StreamHeader& b) { return !(a == b); }

struct Section {
  Tag tag{};
  std::vector<uint8_t> body;
};
inline bool operator==(const Section& a, const Section& b) { return a.tag == b.tag && a.body == b.body; }
inline bool operator!=(const Section& a, const Section& b) { return !(a == b); }

// How much a reader agrees to allocate or iterate for one stream. Files come
// from strangers and a 100-byte header can claim a terapixel image, so every
// such claim is checked here, before anything is allocated. Exceeding a limit
// is Status::ResourceLimit naming the command-line flag that raises it.
struct ParseLimits {
  uint64_t max_pixels = uint64_t{1} << 28;         // width * height     (--max-pixels)
  uint64_t max_audio_samples = uint64_t{1} << 32;  // frames * channels  (--max-audio-samples)
  uint64_t max_frames = uint64_t{1} << 20;         // video frame_count  (--max-frames)
  uint64_t max_section_bytes = uint64_t{1} << 30;  // one section body   (--max-section-bytes)
  uint64_t max_sections = uint64_t{1} << 24;       // between HEAD and END (--max-sections)
};

// InvalidArgument naming both models unless the stream was made with the
// model whose SHA-256 is `loaded_id` (names are informative; ids decide).
Status CheckModel(const StreamHeader& header, const ModelId& loaded_id, const std::string& loaded_name);

// Writes a container to a file or to memory, one section at a time, so long
// audio and video need never be held whole.
class ContainerWriter {
 public:
  ContainerWriter() = default;
  ContainerWriter(const ContainerWriter&) = delete;
  ContainerWriter& operator=(const ContainerWriter&) = delete;
  // An unfinished file is removed: `path` never holds a partial container.
  ~ContainerWriter() = default;

  // Start a container (signature and HEAD) in a new file at `path`, or at the
  // end of *out. The header is validated as a reader would (InvalidArgument).
  // A file is written atomically (AtomicOutputFile): it appears at `path`
  // only when Finish succeeds; an existing file is replaced only if
  // `overwrite`.
  Status Open(const std::string& path, const StreamHeader& header, bool overwrite);
  Status OpenMemory(std::vector<uint8_t>* out, const StreamHeader& header);

  // Appends a section: 4 printable ASCII characters other than HEAD and END.
  Status Add(const Tag& tag, const uint8_t* body, size_t size);

  // Writes END and, for a file, puts it in place. Only then is the container
  // complete. A streaming encoder that learns the frame count only at the end
  // passes `final_header`: it replaces the HEAD written by Open and must
  // encode to the same number of bytes (the same model_name length).
  Status Finish(const StreamHeader* final_header = nullptr);

 private:
  Status Start(const StreamHeader& header);
  Status WriteSection(const Tag& tag, const uint8_t* body, size_t size);
  Status Write(const uint8_t* data, size_t size);
  Status RewriteHead(const StreamHeader& header);

  AtomicOutputFile file_;                   // set by Open
  bool to_file_ = false;
  std::string path_;                        // for messages
  std::vector<uint8_t>* memory_ = nullptr;  // set by OpenMemory
  size_t memory_start_ = 0;                 // where this container starts in *memory_
  size_t head_bytes_ = 0;                   // encoded HEAD body size
  bool open_ = false;                       // between Start and Finish
};

// The whole container in memory.
Status SerializeContainer(const StreamHeader& header, const std::vector<Section>& sections,
                          std::vector<uint8_t>* out);

class ByteSource;  // where a ContainerReader's bytes come from (container.cc)

// Reads a container one section at a time: memory use is bounded by the
// largest section, whatever the length of the stream.
class ContainerReader {
 public:
  ContainerReader();
  ContainerReader(const ContainerReader&) = delete;
  ContainerReader& operator=(const ContainerReader&) = delete;
  ~ContainerReader();

  // Reads and validates the signature and HEAD. OpenMemory does not copy:
  // `data` must outlive the reader.
  Status Open(const std::string& path, const ParseLimits& limits);
  Status OpenMemory(const uint8_t* data, size_t size, const ParseLimits& limits);

  // Valid after a successful Open.
  const StreamHeader& header() const { return header_; }

  // Reads the section after the previous one into *out, or sets *at_end once
  // END has been read and nothing follows it. After a failure, or before a
  // successful Open, returns that failure again.
  Status Next(Section* out, bool* at_end);

 private:
  Status Start(std::unique_ptr<ByteSource> source, const ParseLimits& limits);
  Status ReadHead();
  Status ReadNext(Section* out);
  Status ReadSection(Section* out);

  std::unique_ptr<ByteSource> source_;
  ParseLimits limits_;
  StreamHeader header_;
  uint64_t sections_ = 0;  // returned by Next so far
  bool at_end_ = false;
  Status status_;          // sticky: the first failure
};

// Parses a whole container held in memory (the same code as ContainerReader).
Status ParseContainer(const uint8_t* data, size_t size, const ParseLimits& limits, StreamHeader* header,
                      std::vector<Section>* sections);

}  // namespace lcodec::bitstream

#endif  // LCODEC_BITSTREAM_CONTAINER_H_
