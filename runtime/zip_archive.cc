#include "runtime/zip_archive.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <limits>

namespace lcodec::runtime {
namespace {

constexpr uint32_t kLocalHeader = 0x04034b50, kCentralHeader = 0x02014b50, kEnd = 0x06054b50,
                   kZip64End = 0x06064b50, kZip64Locator = 0x07064b50;
constexpr size_t kLocalHeaderSize = 30, kCentralHeaderSize = 46, kEndSize = 22, kZip64EndSize = 56,
                 kZip64LocatorSize = 20;
constexpr size_t kMaxCommentSize = 0xffff;
constexpr uint32_t kZip64Marker = 0xffffffff;  // a 32-bit field whose value is in a ZIP64 extra field

// Little-endian reads; callers check the range first.
uint64_t Get(const uint8_t* p, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = v << 8 | p[i];
  return v;
}

// miniz looks names up without regard to ASCII case.
std::string Folded(const std::string& name) {
  std::string folded = name;
  for (char& c : folded) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return folded;
}

Status Damaged(const std::string& why) { return Status::Corrupt("damaged ZIP archive: " + why); }

}  // namespace

Status ZipArchive::Open(const uint8_t* data, size_t size, uint64_t max_inflated_size, ZipArchive* out) {
  *out = ZipArchive();
  // The end record: the last signature with room for the record after it,
  // searched as far back as a comment can reach, as miniz does.
  if (size < kEndSize) return Damaged("too short");
  size_t end = size - kEndSize;
  const size_t lowest = end > kMaxCommentSize ? end - kMaxCommentSize : 0;
  while (end > lowest && Get(data + end, 4) != kEnd) --end;
  if (Get(data + end, 4) != kEnd) return Damaged("no end of central directory");
  if (Get(data + end + 4, 2) != 0 || Get(data + end + 6, 2) != 0) return Damaged("spans several disks");
  uint64_t entries = Get(data + end + 10, 2);
  uint64_t directory_size = Get(data + end + 12, 4);
  uint64_t directory = Get(data + end + 16, 4);
  // torch.jit.save always adds ZIP64 end records; miniz looks for them
  // only where both fit before the end record, and then takes their figures.
  if (end >= kZip64LocatorSize + kZip64EndSize && Get(data + end - kZip64LocatorSize, 4) == kZip64Locator) {
    const uint64_t record = Get(data + end - kZip64LocatorSize + 8, 8);
    if (record > size || size - record < kZip64EndSize || Get(data + record, 4) != kZip64End)
      return Damaged("bad ZIP64 end record");
    if (Get(data + record + 16, 4) != 0 || Get(data + record + 20, 4) != 0) return Damaged("spans several disks");
    entries = Get(data + record + 32, 8);
    if (Get(data + record + 24, 8) != entries) return Damaged("spans several disks");
    directory_size = Get(data + record + 40, 8);
    directory = Get(data + record + 48, 8);
  }
  if (entries == 0) return Damaged("no members");
  if (directory > size || directory_size > size - directory || entries > directory_size / kCentralHeaderSize)
    return Damaged("central directory outside the file");

  uint64_t inflated = 0;
  const uint64_t directory_end = directory + directory_size;
  uint64_t at = directory;
  for (uint64_t e = 0; e < entries; ++e) {
    if (directory_end - at < kCentralHeaderSize || Get(data + at, 4) != kCentralHeader)
      return Damaged("bad central directory entry");
    const uint8_t* entry = data + at;
    const uint64_t name_size = Get(entry + 28, 2);
    const uint64_t entry_size = kCentralHeaderSize + name_size + Get(entry + 30, 2) + Get(entry + 32, 2);
    if (directory_end - at < entry_size) return Damaged("bad central directory entry");
    Member member;
    member.name.assign(reinterpret_cast<const char*>(entry + kCentralHeaderSize), name_size);
    // libtorch passes names as C strings: one with a NUL is another name to it.
    if (member.name.find('\0') != std::string::npos) return Damaged("a member name holds a NUL");
    const uint64_t method = Get(entry + 10, 2);
    member.deflated = method == 8;
    member.compressed_size = Get(entry + 20, 4);
    member.size = Get(entry + 24, 4);
    const uint64_t local = Get(entry + 42, 4);
    if (Get(entry + 8, 2) & 1) return Damaged("encrypted member '" + member.name + "'");
    if (method != 0 && method != 8) return Damaged("member '" + member.name + "' uses an unknown compression");
    if (member.compressed_size == kZip64Marker || member.size == kZip64Marker || local == kZip64Marker)
      return Damaged("member '" + member.name + "' needs ZIP64 sizes");
    if (!out->index_.emplace(Folded(member.name), out->members_.size()).second)
      return Damaged("member '" + member.name + "' appears twice");
    if (local > size || size - local < kLocalHeaderSize || Get(data + local, 4) != kLocalHeader)
      return Damaged("member '" + member.name + "' has no local header");
    member.data_offset = local + kLocalHeaderSize + Get(data + local + 26, 2) + Get(data + local + 28, 2);
    if (member.data_offset > size || member.compressed_size > size - member.data_offset)
      return Damaged("member '" + member.name + "' lies outside the file");
    if (member.deflated) {
      inflated += member.size;
      if (inflated > max_inflated_size) return Damaged("compressed members would inflate too far");
    } else if (member.compressed_size != member.size) {
      return Damaged("stored member '" + member.name + "' has two sizes");
    }
    out->members_.push_back(std::move(member));
    at += entry_size;
  }
  out->data_ = data;
  out->size_ = size;
  return Status::Ok();
}

const ZipArchive::Member* ZipArchive::Find(const std::string& name) const {
  const auto found = index_.find(Folded(name));
  return found == index_.end() ? nullptr : &members_[found->second];
}

Status ZipArchive::Read(const Member& member, std::vector<uint8_t>* out) const {
  const uint8_t* compressed = data_ + member.data_offset;
  if (!member.deflated) {
    out->assign(compressed, compressed + member.size);
    return Status::Ok();
  }
  out->assign(member.size, 0);
  z_stream stream{};
  if (inflateInit2(&stream, -MAX_WBITS) != Z_OK) return Status::ResourceLimit("cannot start zlib");
  // zlib's counts are 32-bit; member sizes are too (no ZIP64 sizes above).
  stream.next_in = const_cast<Bytef*>(compressed);
  stream.avail_in = static_cast<uInt>(member.compressed_size);
  uint8_t nothing;  // zlib refuses a null output even for an empty member
  stream.next_out = member.size ? out->data() : &nothing;
  stream.avail_out = static_cast<uInt>(member.size);
  const int result = inflate(&stream, Z_FINISH);
  const bool complete = result == Z_STREAM_END && stream.total_out == member.size;
  inflateEnd(&stream);
  if (!complete) return Damaged("member '" + member.name + "' does not inflate to its size");
  return Status::Ok();
}

}  // namespace lcodec::runtime
