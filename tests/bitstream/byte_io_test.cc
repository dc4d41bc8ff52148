#include "bitstream/byte_io.h"

#include <gtest/gtest.h>

#include <cmath>

namespace lcodec::bitstream {
namespace {

enum class Color : uint16_t { kRed = 0x1234 };

TEST(ByteIo, FieldsRoundTripLittleEndian) {
  std::vector<uint8_t> bytes;
  ByteWriter w(&bytes);
  const uint8_t a = 0xAB;
  const uint16_t b = 0x1234;
  const uint32_t c = 0xDEADBEEF;
  const uint64_t d = 0x0123456789ABCDEF;
  const float e = -1.5f;
  const Color f = Color::kRed;
  const std::string g = "hi";
  w.Field(&a), w.Field(&b), w.Field(&c), w.Field(&d), w.Field(&e), w.Field(&f), w.String8(&g);
  const std::vector<uint8_t> expected = {0xAB, 0x34, 0x12, 0xEF, 0xBE, 0xAD, 0xDE, 0xEF, 0xCD, 0xAB, 0x89, 0x67,
                                         0x45, 0x23, 0x01, 0x00, 0x00, 0xC0, 0xBF, 0x34, 0x12, 2,    'h',  'i'};
  EXPECT_EQ(bytes, expected);

  ByteReader r(bytes.data(), bytes.size());
  uint8_t a2;
  uint16_t b2;
  uint32_t c2;
  uint64_t d2;
  float e2;
  Color f2;
  std::string g2;
  r.Field(&a2), r.Field(&b2), r.Field(&c2), r.Field(&d2), r.Field(&e2), r.Field(&f2), r.String8(&g2);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.remaining(), 0u);
  EXPECT_EQ(a2, a);
  EXPECT_EQ(b2, b);
  EXPECT_EQ(c2, c);
  EXPECT_EQ(d2, d);
  EXPECT_EQ(e2, e);
  EXPECT_EQ(f2, f);
  EXPECT_EQ(g2, g);
}

TEST(ByteIo, ReadingPastTheEndFailsAndYieldsZeros) {
  const uint8_t bytes[3] = {1, 2, 3};
  ByteReader r(bytes, sizeof(bytes));
  uint16_t x;
  r.Field(&x);
  EXPECT_TRUE(r.ok());
  uint32_t y = 7;
  r.Field(&y);  // needs 4 bytes, 1 left
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(y, 0u);
  uint8_t z = 7;
  r.Field(&z);  // the failure latches: even a 1-byte read fails now
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(z, 0u);
}

TEST(ByteIo, String8LengthBeyondTheDataFails) {
  const uint8_t bytes[3] = {5, 'a', 'b'};
  ByteReader r(bytes, sizeof(bytes));
  std::string s;
  r.String8(&s);
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace lcodec::bitstream
