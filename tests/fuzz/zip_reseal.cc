#include "tests/fuzz/zip_reseal.h"

#include <algorithm>

#include "bitstream/crc32.h"

namespace lcodec::testing {
namespace {

// ZIP's CRC-32 is the container's (bitstream/crc32.h).
constexpr uint32_t kLocalHeader = 0x04034b50, kCentralHeader = 0x02014b50, kEndOfCentralDirectory = 0x06054b50;
constexpr size_t kLocalHeaderSize = 30, kCentralHeaderSize = 46, kEndSize = 22;

uint32_t Get(const std::vector<uint8_t>& b, size_t at, int bytes) {
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = v << 8 | b[at + i];
  return v;
}

void Put32(std::vector<uint8_t>* b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) (*b)[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

}  // namespace

void ResealZip(std::vector<uint8_t>* zip) {
  const std::vector<uint8_t>& b = *zip;
  if (b.size() < kEndSize) return;
  size_t end = b.size() - kEndSize;  // the end record, normally without a comment
  while (end > 0 && Get(b, end, 4) != kEndOfCentralDirectory) --end;
  if (Get(b, end, 4) != kEndOfCentralDirectory) return;
  const uint32_t entries = Get(b, end + 10, 2);
  size_t central = Get(b, end + 16, 4);
  for (uint32_t e = 0; e < entries; ++e) {
    if (central + kCentralHeaderSize > b.size() || Get(b, central, 4) != kCentralHeader) return;
    const uint32_t method = Get(b, central + 10, 2);
    const uint32_t compressed = Get(b, central + 20, 4);
    const size_t local = Get(b, central + 42, 4);
    const size_t next = central + kCentralHeaderSize + Get(b, central + 28, 2) + Get(b, central + 30, 2) +
                        Get(b, central + 32, 2);
    if (method == 0 && local + kLocalHeaderSize <= b.size() && Get(b, local, 4) == kLocalHeader) {
      const size_t data = local + kLocalHeaderSize + Get(b, local + 26, 2) + Get(b, local + 28, 2);
      if (data <= b.size() && compressed <= b.size() - data) {
        const uint32_t crc = bitstream::Crc32(b.data() + data, compressed);
        Put32(zip, local + 14, crc);
        Put32(zip, central + 16, crc);
      }
    }
    central = next;
  }
}

bool SetZipMemberSizes(std::vector<uint8_t>* zip, const std::string& name, uint32_t compressed, uint32_t size) {
  const std::vector<uint8_t>& b = *zip;
  const auto named = [&](size_t at) { return std::equal(name.begin(), name.end(), b.begin() + at); };
  int patched = 0;
  for (size_t at = 0; at + kCentralHeaderSize + name.size() <= b.size(); ++at) {
    if (Get(b, at, 4) == kLocalHeader && Get(b, at + 26, 2) == name.size() && named(at + kLocalHeaderSize)) {
      Put32(zip, at + 18, compressed);
      Put32(zip, at + 22, size);
      ++patched;
    } else if (Get(b, at, 4) == kCentralHeader && Get(b, at + 28, 2) == name.size() &&
               named(at + kCentralHeaderSize)) {
      Put32(zip, at + 20, compressed);
      Put32(zip, at + 24, size);
      ++patched;
    }
  }
  return patched == 2;
}

}  // namespace lcodec::testing
