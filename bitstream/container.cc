#include "bitstream/container.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdarg>
#include <cstring>
#include <utility>

#include "bitstream/byte_io.h"
#include "bitstream/crc32.h"

namespace lcodec::bitstream {
namespace {

constexpr char kSignature[4] = {'L', 'C', 'D', 'C'};
constexpr size_t kMagicBytes = 6;          // signature, major, minor
constexpr size_t kSectionPrefixBytes = 8;  // tag, length
constexpr size_t kCrcBytes = 4;

__attribute__((format(printf, 1, 2))) std::string Printf(const char* format, ...) {
  char buffer[512];  // messages quote at most a tag and two 64-byte names
  va_list args;
  va_start(args, format);
  std::vsnprintf(buffer, sizeof(buffer), format, args);
  va_end(args);
  return buffer;
}

bool IsPrintableAscii(char c) { return c >= 0x20 && c <= 0x7E; }

bool IsValidTag(const Tag& tag) { return std::all_of(tag.begin(), tag.end(), IsPrintableAscii); }

// 'TILE', with anything unprintable escaped: tags in messages may be damaged.
std::string TagName(const Tag& tag) {
  std::string s = "'";
  for (char c : tag) {
    s += IsPrintableAscii(c) ? std::string(1, c) : Printf("\\x%02X", static_cast<uint8_t>(c));
  }
  return s + "'";
}

const char* ModalityName(Modality m) {
  switch (m) {
    case Modality::kImage: return "image";
    case Modality::kAudio: return "audio";
    case Modality::kVideo: return "video";
  }
  return "unknown";
}

// Model names are printed in error messages on a terminal, so they must be
// UTF-8 text: no C0/C1 control characters that could drive the terminal, no
// overlong forms or surrogates that could disguise one.
bool IsPrintableUtf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    const auto lead = static_cast<uint8_t>(s[i]);
    size_t extra;
    uint32_t cp, min_cp;
    if (lead < 0x80) {
      extra = 0, cp = lead, min_cp = 0;
    } else if ((lead & 0xE0) == 0xC0) {
      extra = 1, cp = lead & 0x1F, min_cp = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      extra = 2, cp = lead & 0x0F, min_cp = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      extra = 3, cp = lead & 0x07, min_cp = 0x10000;
    } else {
      return false;
    }
    if (s.size() - i <= extra) return false;
    for (size_t k = 1; k <= extra; ++k) {
      const auto c = static_cast<uint8_t>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    if (cp < min_cp || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) return false;
    i += extra + 1;
  }
  return true;
}

// "3fa2b1c0…": enough of a SHA-256 to tell two models apart in a message.
std::string ShortHex(const ModelId& id) {
  return Printf("%02x%02x%02x%02x\u2026", id[0], id[1], id[2], id[3]);
}

// The section framing, in stream order (SPEC.md, "Sections").
template <class Io, class TagT, class LengthT>
void VisitSectionPrefix(Io& io, TagT* tag, LengthT* length) {
  io.Bytes(tag->data(), tag->size());
  io.Field(length);
}

// The HEAD body of version 1.0, in stream order (SPEC.md, "HEAD"). Visited
// with a ByteReader it decodes, with a ByteWriter it encodes: the one place
// where the layout is written down in code.
template <class Io, class Header>
void VisitHead(Io& io, Header& h) {
  io.Field(&h.modality);
  io.Field(&h.bit_depth);
  io.Field(&h.channels);
  io.Field(&h.width);
  io.Field(&h.height);
  io.Field(&h.sample_rate);
  io.Field(&h.frame_rate_num);
  io.Field(&h.frame_rate_den);
  io.Field(&h.frame_count);
  io.Field(&h.quality);
  io.Field(&h.tile_width);
  io.Field(&h.tile_height);
  io.Field(&h.flags);
  io.Bytes(h.model_id.data(), h.model_id.size());
  io.String8(&h.model_name);
}

std::vector<uint8_t> EncodeHead(const StreamHeader& h) {
  std::vector<uint8_t> body;
  ByteWriter w(&body);
  VisitHead(w, h);
  return body;
}

// `field` of a `modality` stream must lie in [lo, hi]; fields a modality does
// not use have lo == hi == 0.
Status CheckField(Modality modality, const char* field, uint64_t value, uint64_t lo, uint64_t hi) {
  if (value >= lo && value <= hi) return Status::Ok();
  if (hi == 0) {
    return Status::Corrupt(Printf("HEAD: %s is %" PRIu64 " but must be 0 in %s streams", field, value,
                                  ModalityName(modality)));
  }
  return Status::Corrupt(Printf("HEAD: %s is %" PRIu64 " but must be in %" PRIu64 "..%" PRIu64 " in %s streams",
                                field, value, lo, hi, ModalityName(modality)));
}

Status CheckBitDepth(const StreamHeader& h, std::initializer_list<uint8_t> allowed) {
  if (std::find(allowed.begin(), allowed.end(), h.bit_depth) != allowed.end()) return Status::Ok();
  std::string list;
  for (uint8_t d : allowed) list += (list.empty() ? "" : ", ") + std::to_string(d);
  return Status::Corrupt(
      Printf("HEAD: bit_depth is %u but must be one of %s in %s streams", h.bit_depth, list.c_str(),
             ModalityName(h.modality)));
}

// The rules of SPEC.md, "HEAD validation". `stream_minor` is the minor
// version the stream declares: flags from a newer minor are Unsupported, not
// Corrupt, because a newer encoder may legitimately set them.
Status ValidateHeader(const StreamHeader& h, uint8_t stream_minor) {
  constexpr uint64_t kU32 = UINT32_MAX;
  constexpr uint64_t kU64 = UINT64_MAX;
  const Modality m = h.modality;
  switch (m) {
    case Modality::kImage:
      for (Status s : {CheckField(m, "width", h.width, 1, kU32), CheckField(m, "height", h.height, 1, kU32),
                       CheckField(m, "channels", h.channels, 1, 4), CheckBitDepth(h, {8, 16}),
                       CheckField(m, "sample_rate", h.sample_rate, 0, 0),
                       CheckField(m, "frame_rate_num", h.frame_rate_num, 0, 0),
                       CheckField(m, "frame_rate_den", h.frame_rate_den, 0, 0),
                       CheckField(m, "frame_count", h.frame_count, 0, 0)}) {
        LCODEC_RETURN_IF_ERROR(s);
      }
      break;
    case Modality::kAudio:
      for (Status s : {CheckField(m, "width", h.width, 0, 0), CheckField(m, "height", h.height, 0, 0),
                       CheckField(m, "channels", h.channels, 1, 64), CheckBitDepth(h, {8, 16, 24, 32}),
                       CheckField(m, "sample_rate", h.sample_rate, 1, 768000),
                       CheckField(m, "frame_rate_num", h.frame_rate_num, 0, 0),
                       CheckField(m, "frame_rate_den", h.frame_rate_den, 0, 0),
                       CheckField(m, "frame_count", h.frame_count, 1, kU64),
                       CheckField(m, "tile_width", h.tile_width, 0, 0),
                       CheckField(m, "tile_height", h.tile_height, 0, 0)}) {
        LCODEC_RETURN_IF_ERROR(s);
      }
      break;
    case Modality::kVideo:
      for (Status s : {CheckField(m, "width", h.width, 1, kU32), CheckField(m, "height", h.height, 1, kU32),
                       CheckField(m, "channels", h.channels, 1, 4), CheckBitDepth(h, {8, 10, 12, 16}),
                       CheckField(m, "sample_rate", h.sample_rate, 0, 0),
                       CheckField(m, "frame_rate_num", h.frame_rate_num, 1, kU32),
                       CheckField(m, "frame_rate_den", h.frame_rate_den, 1, kU32),
                       CheckField(m, "frame_count", h.frame_count, 1, kU64)}) {
        LCODEC_RETURN_IF_ERROR(s);
      }
      break;
    default:
      return Status::Corrupt(Printf("HEAD: modality is %u but must be 1 (image), 2 (audio) or 3 (video)",
                                    static_cast<unsigned>(m)));
  }
  if ((h.tile_width == 0) != (h.tile_height == 0)) {
    return Status::Corrupt(Printf("HEAD: tile_width is %u and tile_height is %u, but both must be 0 (untiled) or both >= 1",
                                  h.tile_width, h.tile_height));
  }
  if (!std::isfinite(h.quality) || h.quality < 0) {
    return Status::Corrupt(Printf("HEAD: quality is %g but must be finite and >= 0", h.quality));
  }
  const uint32_t known_flags = h.modality == Modality::kVideo && stream_minor >= 1 ? kFlagPredictedFrames : 0;
  if ((h.flags & ~known_flags) != 0) {
    if (stream_minor > kVersionMinor) {
      return Status::Unsupported(Printf("HEAD: flags 0x%08x were defined after container version %u.%u: upgrade lcodec",
                                        h.flags, kVersionMajor, kVersionMinor));
    }
    return Status::Corrupt(Printf("HEAD: flags is 0x%08x but its reserved bits must be 0", h.flags));
  }
  if (h.model_name.empty() || h.model_name.size() > kMaxModelNameBytes) {
    return Status::Corrupt(Printf("HEAD: model_name is %zu bytes but must be 1..%zu", h.model_name.size(),
                                  kMaxModelNameBytes));
  }
  if (!IsPrintableUtf8(h.model_name)) {
    return Status::Corrupt("HEAD: model_name is not UTF-8 text without control characters");
  }
  return Status::Ok();
}

Status DecodeHead(const std::vector<uint8_t>& body, uint8_t stream_minor, StreamHeader* h) {
  ByteReader r(body.data(), body.size());
  VisitHead(r, *h);
  if (!r.ok()) return Status::Corrupt(Printf("HEAD: %zu bytes is too short for its fields", body.size()));
  // Newer minor versions may append fields, which this reader skips.
  if (r.remaining() != 0 && stream_minor <= kVersionMinor) {
    return Status::Corrupt(Printf("HEAD: %zu unexpected bytes after model_name", r.remaining()));
  }
  return ValidateHeader(*h, stream_minor);
}

Status CheckLimits(const StreamHeader& h, const ParseLimits& limits) {
  if (h.modality == Modality::kAudio) {
    // frame_count * channels without overflowing: channels is 1..64.
    if (h.frame_count > limits.max_audio_samples / h.channels) {
      return Status::ResourceLimit(
          Printf("audio of %" PRIu64 " samples x %u channels exceeds the limit of %" PRIu64
                 " samples; raise it with --max-audio-samples",
                 h.frame_count, h.channels, limits.max_audio_samples));
    }
    return Status::Ok();
  }
  const uint64_t pixels = uint64_t{h.width} * h.height;  // both < 2^32: no overflow
  if (pixels > limits.max_pixels) {
    return Status::ResourceLimit(Printf("%s of %ux%u = %" PRIu64 " pixels exceeds the limit of %" PRIu64
                                        " pixels; raise it with --max-pixels",
                                        h.modality == Modality::kVideo ? "video frame" : "image", h.width,
                                        h.height, pixels, limits.max_pixels));
  }
  if (h.modality == Modality::kVideo && h.frame_count > limits.max_frames) {
    return Status::ResourceLimit(Printf("video of %" PRIu64 " frames exceeds the limit of %" PRIu64
                                        " frames; raise it with --max-frames",
                                        h.frame_count, limits.max_frames));
  }
  return Status::Ok();
}

}  // namespace

bool operator==(const StreamHeader& a, const StreamHeader& b) {
  // Equal means "encodes to the same HEAD bytes", which also compares
  // quality bit for bit. Names are compared first because the encoding holds
  // only names of up to 255 bytes.
  return a.model_name == b.model_name && EncodeHead(a) == EncodeHead(b);
}

Status CheckModel(const StreamHeader& header, const ModelId& loaded_id, const std::string& loaded_name) {
  if (header.model_id == loaded_id) return Status::Ok();
  return Status::InvalidArgument(Printf("stream was made with model '%s' (sha256 %s), but the loaded model is '%s' "
                                        "(sha256 %s); pass the model file it was made with (-m)",
                                        header.model_name.c_str(), ShortHex(header.model_id).c_str(),
                                        loaded_name.c_str(), ShortHex(loaded_id).c_str()));
}

// ---------------------------------------------------------------------------
// Writing

namespace {

// A header the writer refuses is the caller's mistake, not a damaged file.
Status CheckHeaderForWriting(const StreamHeader& header) {
  Status s = ValidateHeader(header, kVersionMinor);
  return s.ok() ? s : Status::InvalidArgument("cannot write container: " + s.message());
}

}  // namespace

Status ContainerWriter::Open(const std::string& path, const StreamHeader& header, bool overwrite) {
  if (open_) return Status::InvalidArgument("ContainerWriter::Open: already open");
  LCODEC_RETURN_IF_ERROR(CheckHeaderForWriting(header));
  LCODEC_RETURN_IF_ERROR(file_.Create(path, overwrite));
  to_file_ = true;
  path_ = path;
  memory_ = nullptr;
  return Start(header);
}

Status ContainerWriter::OpenMemory(std::vector<uint8_t>* out, const StreamHeader& header) {
  if (open_) return Status::InvalidArgument("ContainerWriter::OpenMemory: already open");
  LCODEC_RETURN_IF_ERROR(CheckHeaderForWriting(header));
  to_file_ = false;
  memory_ = out;
  memory_start_ = out->size();
  return Start(header);
}

Status ContainerWriter::Start(const StreamHeader& header) {
  const uint8_t magic[kMagicBytes] = {kSignature[0], kSignature[1], kSignature[2], kSignature[3],
                                      kVersionMajor, kVersionMinor};
  LCODEC_RETURN_IF_ERROR(Write(magic, sizeof(magic)));
  const std::vector<uint8_t> head = EncodeHead(header);
  head_bytes_ = head.size();
  LCODEC_RETURN_IF_ERROR(WriteSection(kHeadTag, head.data(), head.size()));
  open_ = true;
  return Status::Ok();
}

Status ContainerWriter::Add(const Tag& tag, const uint8_t* body, size_t size) {
  if (!open_) return Status::InvalidArgument("ContainerWriter::Add: not open");
  if (!IsValidTag(tag) || tag == kHeadTag || tag == kEndTag) {
    return Status::InvalidArgument("ContainerWriter::Add: section tag " + TagName(tag) +
                                   " is not 4 printable ASCII characters other than HEAD and END");
  }
  if (size > UINT32_MAX) {
    return Status::InvalidArgument(Printf("ContainerWriter::Add: a %zu-byte section exceeds the format's 4 GiB limit",
                                          size));
  }
  return WriteSection(tag, body, size);
}

Status ContainerWriter::Finish(const StreamHeader* final_header) {
  if (!open_) return Status::InvalidArgument("ContainerWriter::Finish: not open");
  open_ = false;
  if (final_header) LCODEC_RETURN_IF_ERROR(RewriteHead(*final_header));
  LCODEC_RETURN_IF_ERROR(WriteSection(kEndTag, nullptr, 0));
  if (to_file_) {
    to_file_ = false;
    return file_.Commit();
  }
  return Status::Ok();
}

// Overwrites the HEAD section (right after the magic) in place.
Status ContainerWriter::RewriteHead(const StreamHeader& header) {
  LCODEC_RETURN_IF_ERROR(CheckHeaderForWriting(header));
  const std::vector<uint8_t> head = EncodeHead(header);
  if (head.size() != head_bytes_) {
    return Status::InvalidArgument("ContainerWriter::Finish: the final header must keep the model_name length");
  }
  std::vector<uint8_t> section;
  ByteWriter writer(&section);
  const auto length = static_cast<uint32_t>(head.size());
  VisitSectionPrefix(writer, &kHeadTag, &length);
  section.insert(section.end(), head.begin(), head.end());
  const uint32_t crc = Crc32(section.data(), section.size());
  writer.Field(&crc);
  if (!to_file_) {
    std::copy(section.begin(), section.end(), memory_->begin() + memory_start_ + kMagicBytes);
    return Status::Ok();
  }
  std::FILE* file = file_.file();
  const long end = std::ftell(file);
  if (end < 0 || std::fseek(file, kMagicBytes, SEEK_SET) != 0 ||
      std::fwrite(section.data(), 1, section.size(), file) != section.size() || std::fseek(file, end, SEEK_SET) != 0) {
    return Status::IOError(path_ + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

Status ContainerWriter::WriteSection(const Tag& tag, const uint8_t* body, size_t size) {
  const auto length = static_cast<uint32_t>(size);
  std::vector<uint8_t> prefix;
  ByteWriter prefix_writer(&prefix);
  VisitSectionPrefix(prefix_writer, &tag, &length);
  const uint32_t crc = Crc32(body, size, Crc32(prefix.data(), prefix.size()));
  std::vector<uint8_t> trailer;
  ByteWriter(&trailer).Field(&crc);
  LCODEC_RETURN_IF_ERROR(Write(prefix.data(), prefix.size()));
  LCODEC_RETURN_IF_ERROR(Write(body, size));
  return Write(trailer.data(), trailer.size());
}

Status ContainerWriter::Write(const uint8_t* data, size_t size) {
  if (size == 0) return Status::Ok();  // data may be null
  if (!to_file_) {
    memory_->insert(memory_->end(), data, data + size);
    return Status::Ok();
  }
  if (std::fwrite(data, 1, size, file_.file()) != size) return Status::IOError(path_ + ": " + std::strerror(errno));
  return Status::Ok();
}

Status SerializeContainer(const StreamHeader& header, const std::vector<Section>& sections,
                          std::vector<uint8_t>* out) {
  ContainerWriter writer;
  LCODEC_RETURN_IF_ERROR(writer.OpenMemory(out, header));
  for (const Section& s : sections) LCODEC_RETURN_IF_ERROR(writer.Add(s.tag, s.body.data(), s.body.size()));
  return writer.Finish();
}

// ---------------------------------------------------------------------------
// Reading

// The bytes of a container, read front to back. Its total size is known
// up front, so that every length can be checked against the bytes that
// really exist before anything is allocated for it.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  uint64_t position() const { return position_; }
  uint64_t remaining() const { return size_ - position_; }

  // Copies the next n bytes to dst; the caller has checked n <= remaining().
  Status Read(uint8_t* dst, size_t n) {
    if (n == 0) return Status::Ok();  // dst may be null
    LCODEC_RETURN_IF_ERROR(ReadNextBytes(dst, n));
    position_ += n;
    return Status::Ok();
  }

 protected:
  explicit ByteSource(uint64_t size) : size_(size) {}

 private:
  // Copies n bytes at position() to dst.
  virtual Status ReadNextBytes(uint8_t* dst, size_t n) = 0;

  uint64_t size_;
  uint64_t position_ = 0;
};

namespace {

class MemorySource final : public ByteSource {
 public:
  MemorySource(const uint8_t* data, size_t size) : ByteSource(size), data_(data) {}

 private:
  Status ReadNextBytes(uint8_t* dst, size_t n) override {
    std::memcpy(dst, data_ + position(), n);
    return Status::Ok();
  }

  const uint8_t* data_;
};

class FileSource final : public ByteSource {
 public:
  static Status Open(const std::string& path, std::unique_ptr<ByteSource>* out) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (!file) return Status::IOError(path + ": " + std::strerror(errno));
    struct stat st;
    if (fstat(fileno(file), &st) != 0 || !S_ISREG(st.st_mode)) {
      std::fclose(file);
      return Status::InvalidArgument(path + ": not a regular file");
    }
    out->reset(new FileSource(path, file, static_cast<uint64_t>(st.st_size)));
    return Status::Ok();
  }
  ~FileSource() override { std::fclose(file_); }

 private:
  FileSource(std::string path, std::FILE* file, uint64_t size)
      : ByteSource(size), path_(std::move(path)), file_(file) {}

  Status ReadNextBytes(uint8_t* dst, size_t n) override {
    if (std::fread(dst, 1, n, file_) == n) return Status::Ok();
    if (std::ferror(file_)) return Status::IOError(path_ + ": " + std::strerror(errno));
    return Status::IOError(path_ + ": the file shrank while being read");
  }

  std::string path_;
  std::FILE* file_;
};

}  // namespace

ContainerReader::ContainerReader()
    : status_(Status::InvalidArgument("ContainerReader: Next() before a successful Open()")) {}
ContainerReader::~ContainerReader() = default;

Status ContainerReader::Open(const std::string& path, const ParseLimits& limits) {
  std::unique_ptr<ByteSource> source;
  status_ = FileSource::Open(path, &source);
  return status_.ok() ? Start(std::move(source), limits) : status_;
}

Status ContainerReader::OpenMemory(const uint8_t* data, size_t size, const ParseLimits& limits) {
  return Start(std::make_unique<MemorySource>(data, size), limits);
}

Status ContainerReader::Start(std::unique_ptr<ByteSource> source, const ParseLimits& limits) {
  source_ = std::move(source);
  limits_ = limits;
  header_ = StreamHeader();
  sections_ = 0;
  at_end_ = false;
  status_ = ReadHead();
  return status_;
}

Status ContainerReader::ReadHead() {
  uint8_t magic[kMagicBytes];
  const size_t n = static_cast<size_t>(std::min<uint64_t>(source_->remaining(), kMagicBytes));
  LCODEC_RETURN_IF_ERROR(source_->Read(magic, n));
  if (std::memcmp(magic, kSignature, std::min(n, sizeof(kSignature))) != 0) {
    return Status::Corrupt("not an lcodec container: it does not start with \"LCDC\"");
  }
  if (n < kMagicBytes) {
    return Status::Corrupt(Printf("truncated: %zu bytes, shorter than the %zu-byte signature", n, kMagicBytes));
  }
  const uint8_t major = magic[4], minor = magic[5];
  if (major != kVersionMajor) {
    return Status::Unsupported(Printf("stream is container version %u.%u, but this lcodec reads version %u.x",
                                      major, minor, kVersionMajor));
  }
  Section head;
  LCODEC_RETURN_IF_ERROR(ReadSection(&head));
  if (head.tag != kHeadTag) {
    return Status::Corrupt("the first section is " + TagName(head.tag) + " but must be 'HEAD'");
  }
  LCODEC_RETURN_IF_ERROR(DecodeHead(head.body, minor, &header_));
  return CheckLimits(header_, limits_);
}

Status ContainerReader::Next(Section* out, bool* at_end) {
  if (status_.ok() && !at_end_) status_ = ReadNext(out);
  *at_end = status_.ok() && at_end_;
  return status_;
}

Status ContainerReader::ReadNext(Section* out) {
  const uint64_t offset = source_->position();
  LCODEC_RETURN_IF_ERROR(ReadSection(out));
  if (out->tag == kEndTag) {
    if (!out->body.empty()) {
      return Status::Corrupt(Printf("END section at byte %" PRIu64 " has %zu body bytes but must be empty", offset,
                                    out->body.size()));
    }
    if (source_->remaining() != 0) {
      return Status::Corrupt(Printf("%" PRIu64 " unexpected bytes after the END section at byte %" PRIu64,
                                    source_->remaining(), offset));
    }
    out->tag = {};  // END is framing, not a section the caller sees
    at_end_ = true;
    return Status::Ok();
  }
  if (out->tag == kHeadTag) return Status::Corrupt(Printf("a second HEAD section at byte %" PRIu64, offset));
  if (++sections_ > limits_.max_sections) {
    return Status::ResourceLimit(Printf("more than %" PRIu64 " sections; raise the limit with --max-sections",
                                        limits_.max_sections));
  }
  return Status::Ok();
}

// Reads one section's framing and body and checks its CRC, before anything
// looks at what the section means.
Status ContainerReader::ReadSection(Section* out) {
  const uint64_t offset = source_->position();
  uint8_t prefix[kSectionPrefixBytes];
  if (source_->remaining() < sizeof(prefix)) {
    return Status::Corrupt(Printf("truncated: the file ends at byte %" PRIu64 " %s",
                                  offset + source_->remaining(),
                                  source_->remaining() == 0 ? "without an END section" : "inside a section header"));
  }
  LCODEC_RETURN_IF_ERROR(source_->Read(prefix, sizeof(prefix)));
  ByteReader prefix_reader(prefix, sizeof(prefix));
  uint32_t length;
  VisitSectionPrefix(prefix_reader, &out->tag, &length);
  if (uint64_t{length} + kCrcBytes > source_->remaining()) {
    return Status::Corrupt(Printf("section %s at byte %" PRIu64 " declares %" PRIu32 " body bytes, but only %" PRIu64
                                  " bytes remain for body and CRC: the file is truncated or damaged",
                                  TagName(out->tag).c_str(), offset, length, source_->remaining()));
  }
  if (length > limits_.max_section_bytes) {
    return Status::ResourceLimit(Printf("section %s at byte %" PRIu64 " is %" PRIu32 " bytes, over the limit of %" PRIu64
                                        " bytes; raise it with --max-section-bytes",
                                        TagName(out->tag).c_str(), offset, length, limits_.max_section_bytes));
  }
  out->body.resize(length);
  LCODEC_RETURN_IF_ERROR(source_->Read(out->body.data(), length));
  uint8_t crc_bytes[kCrcBytes];
  LCODEC_RETURN_IF_ERROR(source_->Read(crc_bytes, sizeof(crc_bytes)));
  uint32_t stored;
  ByteReader(crc_bytes, sizeof(crc_bytes)).Field(&stored);
  const uint32_t computed = Crc32(out->body.data(), length, Crc32(prefix, sizeof(prefix)));
  if (stored != computed) {
    return Status::Corrupt(Printf("section %s at byte %" PRIu64 ": CRC mismatch (stored %08x, computed %08x): the file is damaged",
                                  TagName(out->tag).c_str(), offset, stored, computed));
  }
  if (!IsValidTag(out->tag)) {
    return Status::Corrupt(Printf("section at byte %" PRIu64 " has tag %s, but tags are 4 printable ASCII characters",
                                  offset, TagName(out->tag).c_str()));
  }
  return Status::Ok();
}

Status ParseContainer(const uint8_t* data, size_t size, const ParseLimits& limits, StreamHeader* header,
                      std::vector<Section>* sections) {
  ContainerReader reader;
  LCODEC_RETURN_IF_ERROR(reader.OpenMemory(data, size, limits));
  sections->clear();
  for (;;) {
    Section section;
    bool at_end;
    LCODEC_RETURN_IF_ERROR(reader.Next(&section, &at_end));
    if (at_end) break;
    sections->push_back(std::move(section));
  }
  *header = reader.header();
  return Status::Ok();
}

}  // namespace lcodec::bitstream
