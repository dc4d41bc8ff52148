#include "bitstream/crc32.h"

#include <gtest/gtest.h>

#include <cstring>

namespace lcodec::bitstream {
namespace {

uint32_t CrcOf(const char* s) { return Crc32(reinterpret_cast<const uint8_t*>(s), std::strlen(s)); }

TEST(Crc32, KnownVectors) {
  EXPECT_EQ(CrcOf(""), 0x00000000u);
  EXPECT_EQ(CrcOf("123456789"), 0xCBF43926u);  // the standard check value of CRC-32/ISO-HDLC
  EXPECT_EQ(CrcOf("The quick brown fox jumps over the lazy dog"), 0x414FA339u);
  const uint8_t zeros[32] = {};
  EXPECT_EQ(Crc32(zeros, sizeof(zeros)), 0x190A55ADu);
}

TEST(Crc32, PiecesChainToTheWholeMessage) {
  const char* message = "123456789";
  for (size_t split = 0; split <= 9; ++split) {
    const auto* p = reinterpret_cast<const uint8_t*>(message);
    EXPECT_EQ(Crc32(p + split, 9 - split, Crc32(p, split)), 0xCBF43926u) << "split at " << split;
  }
}

}  // namespace
}  // namespace lcodec::bitstream
