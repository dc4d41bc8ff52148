#include "entropy/rans.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <vector>

#include "tests/entropy/test_util.h"

namespace lcodec::entropy {
namespace {

constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
constexpr int32_t kMax = std::numeric_limits<int32_t>::max();

std::vector<uint8_t> EncodeStream(const CdfTable& table, const Symbols& s) {
  RansEncoder encoder(table);
  const Status status = encoder.Encode(s.values.data(), s.indexes.data(), s.values.size());
  EXPECT_TRUE(status.ok()) << status.ToString();
  std::vector<uint8_t> stream;
  encoder.Finish(&stream);
  return stream;
}

// Decodes `stream` with the indexes of `s`; returns the decoder's verdict.
Status DecodeStream(const CdfTable& table, const std::vector<uint8_t>& stream, const std::vector<uint16_t>& indexes,
                    std::vector<int32_t>* values) {
  values->assign(indexes.size(), 0);
  RansDecoder decoder(table, stream.data(), stream.size());
  decoder.Decode(indexes.data(), indexes.size(), values->data());
  return decoder.Finish();
}

void ExpectRoundTrip(const CdfTable& table, const Symbols& s) {
  const std::vector<uint8_t> stream = EncodeStream(table, s);
  std::vector<int32_t> decoded;
  const Status status = DecodeStream(table, stream, s.indexes, &decoded);
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_EQ(decoded, s.values);
}

CdfTable SmallTable() {
  CdfTable table;
  EXPECT_TRUE(CdfTable::Create({{0, 20000, 60000, 65536}, {0, 1, 65535, 65536}}, {-1, 10}, &table).ok());
  return table;
}

TEST(RansTest, EmptyStream) {
  const CdfTable table = SmallTable();
  const std::vector<uint8_t> stream = EncodeStream(table, {});
  EXPECT_EQ(stream.size(), 8u);
  std::vector<int32_t> decoded;
  EXPECT_TRUE(DecodeStream(table, stream, {}, &decoded).ok());
}

TEST(RansTest, OneSymbol) {
  const CdfTable table = SmallTable();
  for (int32_t v : {-2, -1, 0, 1, 10, 11, 12, kMin, kMax}) {
    for (uint16_t i : {0, 1}) ExpectRoundTrip(table, {{v}, {i}});
  }
}

// Pins the byte format: a stream is the final state, little-endian, then
// the renormalization words. Files in the wild depend on these bytes.
TEST(RansTest, ByteFormat) {
  const CdfTable table = SmallTable();
  EXPECT_EQ(EncodeStream(table, {}), (std::vector<uint8_t>{0x00, 0x00, 0x00, 0x80, 0, 0, 0, 0}));
  // Value 0 is symbol 1 of CDF 0, [20000, 60000): from x = 2^31,
  // x' = (x / 40000) << 16 | (x % 40000 + 20000) = 53687 << 16 | 23648.
  EXPECT_EQ(EncodeStream(table, {{0}, {0}}), (std::vector<uint8_t>{0x60, 0x5c, 0xb7, 0xd1, 0, 0, 0, 0}));
  // Escapes on both sides, of up to 32 bits.
  const Symbols escapes = {{-100000, kMax, 12, -1, kMin}, {0, 0, 1, 1, 1}};
  EXPECT_EQ(EncodeStream(table, escapes),
            (std::vector<uint8_t>{0x50, 0xfc, 0x8b, 0x84, 0x11, 0x00, 0x00, 0x00, 0x9f, 0x86, 0xfe, 0xf7,
                                  0xff, 0xff, 0xff, 0xff, 0xe0, 0xff, 0x3f, 0x00, 0xc3, 0xfe, 0xff, 0x3f,
                                  0x00, 0x00, 0x05, 0x00}));
}

TEST(RansTest, RandomStreams) {
  std::mt19937_64 rng(1);
  for (int round = 0; round < 20; ++round) {
    const CdfTable table = RandomTable(&rng, 1 + static_cast<int>(rng() % 64), 1 + static_cast<int>(rng() % 300));
    ExpectRoundTrip(table, RandomSymbols(table, rng() % 20000, 50, &rng));
  }
}

TEST(RansTest, ValuesAtTheEdgesOfEveryCdf) {
  std::mt19937_64 rng(2);
  const CdfTable table = RandomTable(&rng, 40, 100);
  Symbols s;
  for (int repeat = 0; repeat < 3; ++repeat) {
    for (size_t i = 0; i < table.size(); ++i) {
      const int32_t first = table.offset(i);
      const int32_t last = first + static_cast<int32_t>(table.symbol_count(i)) - 1;
      for (int32_t v : {first, last, first - 1, last + 1, first - 2, last + 2, kMin, kMax, kMin + 1, kMax - 1}) {
        s.values.push_back(v);
        s.indexes.push_back(static_cast<uint16_t>(i));
      }
    }
  }
  ExpectRoundTrip(table, s);
}

// Escapes whose distance from the range needs every length of raw bits,
// including 0, 16, 17 and 31 (the chunking boundaries), with ranges that
// touch INT32_MIN and INT32_MAX.
TEST(RansTest, EscapesOfEveryMagnitude) {
  const std::vector<uint32_t> cdf = {0, 30000, 60000, 65536};  // two values and the escape
  CdfTable table;
  ASSERT_TRUE(CdfTable::Create({cdf, cdf, cdf}, {0, kMin, kMax - 2}, &table).ok());
  Symbols s;
  for (uint16_t i = 0; i < 3; ++i) {
    const int64_t first = table.offset(i);
    const int64_t last = first + 1;
    for (int bits = 0; bits <= 32; ++bits) {
      const int64_t magnitude = int64_t{1} << bits;  // d + 1 = 2^bits and 2^bits - 1
      for (int64_t d : {magnitude - 1, magnitude - 2}) {
        for (int64_t v : {last + 1 + d, first - 1 - d}) {
          if (d < 0 || v < kMin || v > kMax || (v >= first && v <= last)) continue;
          s.values.push_back(static_cast<int32_t>(v));
          s.indexes.push_back(i);
        }
      }
    }
    for (int32_t v : {kMin, kMax}) {
      s.values.push_back(v);
      s.indexes.push_back(i);
    }
  }
  ExpectRoundTrip(table, s);
}

TEST(RansTest, TwoMillionSymbols) {
  std::mt19937_64 rng(3);
  const CdfTable table = RandomTable(&rng, 64, 800);
  ExpectRoundTrip(table, RandomSymbols(table, 2'000'000, 1000, &rng));
}

TEST(RansTest, EncodeCallsAndDecodeCallsNeedNotMatch) {
  std::mt19937_64 rng(4);
  const CdfTable table = RandomTable(&rng, 8, 20);
  const Symbols s = RandomSymbols(table, 1000, 10, &rng);
  RansEncoder encoder(table);
  ASSERT_TRUE(encoder.Encode(s.values.data(), s.indexes.data(), 300).ok());
  ASSERT_TRUE(encoder.Encode(s.values.data() + 300, s.indexes.data() + 300, 700).ok());
  std::vector<uint8_t> stream;
  encoder.Finish(&stream);
  EXPECT_EQ(stream, EncodeStream(table, s));

  std::vector<int32_t> decoded(1000);
  RansDecoder decoder(table, stream.data(), stream.size());
  decoder.Decode(s.indexes.data(), 1, decoded.data());
  decoder.Decode(s.indexes.data() + 1, 999, decoded.data() + 1);
  EXPECT_TRUE(decoder.Finish().ok());
  EXPECT_EQ(decoded, s.values);
}

TEST(RansTest, FinishStartsANewStream) {
  std::mt19937_64 rng(5);
  const CdfTable table = RandomTable(&rng, 4, 10);
  const Symbols s = RandomSymbols(table, 100, 10, &rng);
  RansEncoder encoder(table);
  std::vector<uint8_t> first, second;
  ASSERT_TRUE(encoder.Encode(s.values.data(), s.indexes.data(), 100).ok());
  encoder.Finish(&first);
  ASSERT_TRUE(encoder.Encode(s.values.data(), s.indexes.data(), 100).ok());
  encoder.Finish(&second);
  EXPECT_EQ(first, second);
}

TEST(RansTest, EncodeRejectsAnIndexOutsideTheTable) {
  const CdfTable table = SmallTable();
  const Symbols good = {{0, 11}, {0, 1}};
  RansEncoder encoder(table);
  ASSERT_TRUE(encoder.Encode(good.values.data(), good.indexes.data(), 2).ok());
  const std::vector<int32_t> values = {0, 0};
  const std::vector<uint16_t> indexes = {1, 2};
  const Status status = encoder.Encode(values.data(), indexes.data(), 2);
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  // Nothing of the failed call was queued.
  std::vector<uint8_t> stream;
  encoder.Finish(&stream);
  EXPECT_EQ(stream, EncodeStream(table, good));
}

TEST(RansTest, DecodeRejectsAnIndexOutsideTheTable) {
  const CdfTable table = SmallTable();
  const Symbols s = {{0, 11}, {0, 1}};
  const std::vector<uint8_t> stream = EncodeStream(table, s);
  std::vector<int32_t> decoded;
  EXPECT_EQ(DecodeStream(table, stream, {0, 2}, &decoded).code(), Status::Code::kCorrupt);
  EXPECT_EQ(decoded[1], 0);
}

class DamagedStreamTest : public testing::Test {
 protected:
  DamagedStreamTest() : rng_(6), table_(RandomTable(&rng_, 16, 40)), symbols_(RandomSymbols(table_, 3000, 20, &rng_)) {
    stream_ = EncodeStream(table_, symbols_);
  }
  Status Decode(const std::vector<uint8_t>& stream) { return DecodeStream(table_, stream, symbols_.indexes, &decoded_); }

  std::mt19937_64 rng_;
  CdfTable table_;
  Symbols symbols_;
  std::vector<uint8_t> stream_;
  std::vector<int32_t> decoded_;
};

TEST_F(DamagedStreamTest, EveryTruncationIsCorrupt) {
  ASSERT_TRUE(Decode(stream_).ok());
  for (size_t size = 0; size < stream_.size(); ++size) {
    const std::vector<uint8_t> cut(stream_.begin(), stream_.begin() + size);
    EXPECT_EQ(Decode(cut).code(), Status::Code::kCorrupt) << "size " << size;
  }
}

TEST_F(DamagedStreamTest, TrailingBytesAreCorrupt) {
  std::vector<uint8_t> longer = stream_;
  for (int extra = 0; extra < 5; ++extra) {
    longer.push_back(0);
    EXPECT_EQ(Decode(longer).code(), Status::Code::kCorrupt);
  }
}

TEST_F(DamagedStreamTest, FlippedBitsNeverPassUnnoticed) {
  for (size_t bit = 0; bit < 8 * stream_.size(); bit += 7) {
    std::vector<uint8_t> damaged = stream_;
    damaged[bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
    const Status status = Decode(damaged);
    EXPECT_TRUE(!status.ok() || decoded_ != symbols_.values) << "bit " << bit;
  }
}

TEST_F(DamagedStreamTest, StatesOutOfRangeAreCorrupt) {
  for (uint64_t state : {uint64_t{0}, kRansStateLow - 1, kRansStateLow << 32, ~uint64_t{0}}) {
    std::vector<uint8_t> damaged = stream_;
    for (int b = 0; b < 8; ++b) damaged[b] = static_cast<uint8_t>(state >> (8 * b));
    EXPECT_EQ(Decode(damaged).code(), Status::Code::kCorrupt);
  }
}

TEST_F(DamagedStreamTest, GarbageDecodesSafely) {
  for (int round = 0; round < 200; ++round) {
    std::vector<uint8_t> garbage(rng_() % 200);
    for (uint8_t& b : garbage) b = static_cast<uint8_t>(rng_());
    EXPECT_FALSE(Decode(garbage).ok());
  }
}

// A hostile stream can escape to a value beyond int32: here, one made with
// the same CDF at a lower offset.
TEST(RansTest, EscapedValuesBeyondInt32AreCorrupt) {
  const std::vector<uint32_t> cdf = {0, 60000, 65536};
  CdfTable low, high;
  ASSERT_TRUE(CdfTable::Create({cdf}, {kMin}, &low).ok());
  ASSERT_TRUE(CdfTable::Create({cdf}, {0}, &high).ok());
  const std::vector<uint8_t> stream = EncodeStream(low, {{kMax}, {0}});
  std::vector<int32_t> decoded;
  EXPECT_EQ(DecodeStream(high, stream, {0}, &decoded).code(), Status::Code::kCorrupt);
}

}  // namespace
}  // namespace lcodec::entropy
