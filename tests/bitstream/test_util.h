// Helpers shared by the container tests, the seed-corpus generator and the
// fuzz driver: sample headers, and surgery on serialized containers that
// knows the section framing of bitstream/SPEC.md.
#ifndef LCODEC_TESTS_BITSTREAM_TEST_UTIL_H_
#define LCODEC_TESTS_BITSTREAM_TEST_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "bitstream/container.h"

namespace lcodec::bitstream::testing {

// Offsets of the framing (SPEC.md): the HEAD body starts after the 6-byte
// magic and HEAD's 8-byte tag and length.
inline constexpr size_t kMinorVersionOffset = 5;
inline constexpr size_t kHeadBodyOffset = 14;

// Small valid headers, one per modality.
StreamHeader ImageHeader();
StreamHeader AudioHeader();
StreamHeader VideoHeader();

// `count` sections tagged `tag` with deterministic pseudo-random bodies of
// 0..max_bytes bytes (portable: the same bytes with every standard library).
std::vector<Section> RandomSections(Tag tag, int count, size_t max_bytes, uint32_t seed);

// Where one section of a serialized container lies.
struct SectionSpan {
  size_t offset;    // of its tag
  uint32_t length;  // of its body
};

// Walks the framing after the magic as far as it fits in `bytes`, whether or
// not CRCs and tags are right.
std::vector<SectionSpan> LocateSections(const std::vector<uint8_t>& bytes);

// Recomputes the CRC of every section that LocateSections finds, so that a
// deliberate change gets past the CRC check to the checks behind it.
void Reseal(std::vector<uint8_t>* bytes);

// Writes `size` bytes of `value` little-endian at `offset`.
void PutLE(std::vector<uint8_t>* bytes, size_t offset, uint64_t value, size_t size);

}  // namespace lcodec::bitstream::testing

#endif  // LCODEC_TESTS_BITSTREAM_TEST_UTIL_H_
