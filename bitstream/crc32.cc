#include "bitstream/crc32.h"

#include <array>

namespace lcodec::bitstream {
namespace {

// table[b] is the CRC register update for one input byte b, so the loop below
// consumes a byte per step instead of a bit.
constexpr std::array<uint32_t, 256> MakeTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t r = b;
    for (int bit = 0; bit < 8; ++bit) r = (r >> 1) ^ (0xEDB88320u & (0u - (r & 1)));
    table[b] = r;
  }
  return table;
}

constexpr std::array<uint32_t, 256> kTable = MakeTable();

}  // namespace

uint32_t Crc32(const uint8_t* data, size_t size, uint32_t crc) {
  // The pre- and post-inversion cancel between pieces, which is what lets a
  // caller pass the previous result straight back in.
  uint32_t r = ~crc;
  for (size_t i = 0; i < size; ++i) r = kTable[(r ^ data[i]) & 0xFF] ^ (r >> 8);
  return ~r;
}

}  // namespace lcodec::bitstream
