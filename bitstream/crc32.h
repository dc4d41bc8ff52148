// CRC-32 as used by zlib, PNG and Ethernet (IEEE 802.3): reflected polynomial
// 0xEDB88320, initial value and final xor 0xFFFFFFFF. Every container section
// carries one (see bitstream/SPEC.md).
#ifndef LCODEC_BITSTREAM_CRC32_H_
#define LCODEC_BITSTREAM_CRC32_H_

#include <cstddef>
#include <cstdint>

namespace lcodec::bitstream {

// Returns the CRC of `crc`'s message followed by data[0, size), so a message
// can be checked in pieces: Crc32(b, nb, Crc32(a, na)) == Crc32 of a then b.
// Start with crc = 0 (the CRC of the empty message), as with zlib's crc32().
uint32_t Crc32(const uint8_t* data, size_t size, uint32_t crc = 0);

}  // namespace lcodec::bitstream

#endif  // LCODEC_BITSTREAM_CRC32_H_
