#include "entropy/symbol_coder.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "tests/entropy/test_util.h"

namespace lcodec::entropy {
namespace {

std::vector<uint8_t> Encode(const CdfTable& table, const Symbols& s, size_t per_substream, int threads) {
  CodingOptions options;
  options.symbols_per_substream = per_substream;
  options.threads = threads;
  std::vector<uint8_t> blob;
  const Status status = EncodeSymbols(table, s.values.data(), s.indexes.data(), s.values.size(), options, &blob);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return blob;
}

Status Decode(const CdfTable& table, const std::vector<uint8_t>& blob, const std::vector<uint16_t>& indexes,
              int threads, std::vector<int32_t>* values) {
  values->assign(indexes.size(), 0);
  return DecodeSymbols(table, blob.data(), blob.size(), indexes.data(), indexes.size(), threads, values->data());
}

void ExpectRoundTrip(const CdfTable& table, const Symbols& s, size_t per_substream, int threads) {
  const std::vector<uint8_t> blob = Encode(table, s, per_substream, threads);
  std::vector<int32_t> decoded;
  const Status status = Decode(table, blob, s.indexes, threads, &decoded);
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_EQ(decoded, s.values);
}

// Pins the blob header: varints for symbols per substream, substream count
// and each substream's length, then the substreams.
TEST(SymbolCoderTest, BlobFormat) {
  CdfTable table;
  ASSERT_TRUE(CdfTable::Create({{0, 20000, 60000, 65536}}, {-1}, &table).ok());
  EXPECT_EQ(Encode(table, {}, size_t{1} << 16, 1), (std::vector<uint8_t>{0x80, 0x80, 0x04, 0x00}));
  EXPECT_EQ(Encode(table, {{0}, {0}}, 10, 1),
            (std::vector<uint8_t>{0x0a, 0x01, 0x08, 0x60, 0x5c, 0xb7, 0xd1, 0, 0, 0, 0}));
}

TEST(SymbolCoderTest, BytesAndValuesDoNotDependOnThreads) {
  std::mt19937_64 rng(1);
  const CdfTable table = RandomTable(&rng, 32, 200);
  const Symbols s = RandomSymbols(table, 100'000, 100, &rng);
  const std::vector<uint8_t> reference = Encode(table, s, 1000, 1);
  for (int threads : {1, 2, 4, 7}) {
    EXPECT_EQ(Encode(table, s, 1000, threads), reference) << threads << " threads";
    std::vector<int32_t> decoded;
    const Status status = Decode(table, reference, s.indexes, threads, &decoded);
    ASSERT_TRUE(status.ok()) << status.ToString();
    EXPECT_EQ(decoded, s.values) << threads << " threads";
  }
}

// A context model decodes a blob in pieces whose indexes it learns one
// piece at a time; pieces may start and end anywhere within substreams.
TEST(SymbolCoderTest, PiecewiseDecodingEqualsWholeDecoding) {
  std::mt19937_64 rng(5);
  const CdfTable table = RandomTable(&rng, 16, 100);
  const Symbols s = RandomSymbols(table, 10'000, 50, &rng);
  const std::vector<uint8_t> blob = Encode(table, s, 1000, 1);
  for (int threads : {1, 3}) {
    SymbolDecoder decoder;
    ASSERT_TRUE(decoder.Open(table, blob.data(), blob.size(), s.values.size()).ok());
    std::vector<int32_t> decoded(s.values.size());
    size_t done = 0;
    for (size_t piece : {size_t{1}, size_t{999}, size_t{0}, size_t{2500}, size_t{3}, size_t{6497}}) {
      ASSERT_TRUE(decoder.Decode(s.indexes.data() + done, piece, threads, decoded.data() + done).ok());
      done += piece;
      EXPECT_EQ(decoder.Finish().ok(), done == s.values.size());
    }
    EXPECT_EQ(decoded, s.values);
    EXPECT_TRUE(decoder.Finish().ok());
    EXPECT_EQ(decoder.Decode(s.indexes.data(), 1, threads, decoded.data()).code(), Status::Code::kInvalidArgument);
  }
  SymbolDecoder damaged;
  std::vector<uint8_t> flipped = blob;
  flipped.back() ^= 0x10;
  ASSERT_TRUE(damaged.Open(table, flipped.data(), flipped.size(), s.values.size()).ok());
  std::vector<int32_t> decoded(s.values.size());
  ASSERT_TRUE(damaged.Decode(s.indexes.data(), s.values.size(), 2, decoded.data()).ok());
  EXPECT_EQ(damaged.Finish().code(), Status::Code::kCorrupt);
}

TEST(SymbolCoderTest, SubstreamSizes) {
  std::mt19937_64 rng(2);
  const CdfTable table = RandomTable(&rng, 8, 30);
  for (size_t count : {0, 1, 2, 99, 100, 101, 1000}) {
    const Symbols s = RandomSymbols(table, count, 20, &rng);
    for (size_t per : {size_t{1}, size_t{7}, size_t{100}, size_t{1} << 16, ~size_t{0}}) {
      for (int threads : {1, 3}) ExpectRoundTrip(table, s, per, threads);
    }
  }
}

TEST(SymbolCoderTest, FewMillionSymbols) {
  std::mt19937_64 rng(3);
  const CdfTable table = RandomTable(&rng, 64, 500);
  ExpectRoundTrip(table, RandomSymbols(table, 3'000'000, 5000, &rng), CodingOptions().symbols_per_substream, 2);
}

TEST(SymbolCoderTest, FactorizedPriorOverChannels) {
  std::mt19937_64 rng(4);
  const int channels = 12;
  const size_t plane = 17 * 9;
  const CdfTable table = RandomTable(&rng, channels, 60);
  Symbols s;
  ASSERT_TRUE(ChannelIndexes(channels, plane, &s.indexes).ok());
  for (uint16_t c : s.indexes) s.values.push_back(table.offset(c) + static_cast<int32_t>(rng() % 64) - 2);
  ExpectRoundTrip(table, s, 500, 2);
}

TEST(SymbolCoderTest, RejectsBadArguments) {
  std::mt19937_64 rng(5);
  const CdfTable table = RandomTable(&rng, 4, 10);
  Symbols s = RandomSymbols(table, 100, 10, &rng);
  std::vector<uint8_t> blob;
  CodingOptions options;
  options.symbols_per_substream = 0;
  EXPECT_EQ(EncodeSymbols(table, s.values.data(), s.indexes.data(), 100, options, &blob).code(),
            Status::Code::kInvalidArgument);
  options = CodingOptions();
  options.threads = 0;
  EXPECT_EQ(EncodeSymbols(table, s.values.data(), s.indexes.data(), 100, options, &blob).code(),
            Status::Code::kInvalidArgument);
  blob = Encode(table, s, 10, 1);
  std::vector<int32_t> decoded;
  EXPECT_EQ(Decode(table, blob, s.indexes, 0, &decoded).code(), Status::Code::kInvalidArgument);

  // An index outside the table, in whichever substream and thread.
  s.indexes[57] = 4;
  for (int threads : {1, 4}) {
    options = CodingOptions();
    options.symbols_per_substream = 10;
    options.threads = threads;
    EXPECT_EQ(EncodeSymbols(table, s.values.data(), s.indexes.data(), 100, options, &blob).code(),
              Status::Code::kInvalidArgument);
    EXPECT_EQ(Decode(table, Encode(table, RandomSymbols(table, 100, 10, &rng), 10, 1), s.indexes, threads, &decoded)
                  .code(),
              Status::Code::kCorrupt);
  }
}

class DamagedBlobTest : public testing::Test {
 protected:
  DamagedBlobTest() : rng_(6), table_(RandomTable(&rng_, 16, 40)), symbols_(RandomSymbols(table_, 2000, 20, &rng_)) {
    blob_ = Encode(table_, symbols_, 300, 1);
  }
  Status Decode(const std::vector<uint8_t>& blob, size_t count, int threads = 1) {
    std::vector<uint16_t> indexes = symbols_.indexes;
    indexes.resize(count);
    return lcodec::entropy::Decode(table_, blob, indexes, threads, &decoded_);
  }

  std::mt19937_64 rng_;
  CdfTable table_;
  Symbols symbols_;
  std::vector<uint8_t> blob_;
  std::vector<int32_t> decoded_;
};

TEST_F(DamagedBlobTest, EveryTruncationIsCorrupt) {
  ASSERT_TRUE(Decode(blob_, 2000).ok());
  for (size_t size = 0; size < blob_.size(); ++size) {
    const std::vector<uint8_t> cut(blob_.begin(), blob_.begin() + size);
    EXPECT_EQ(Decode(cut, 2000, 2).code(), Status::Code::kCorrupt) << "size " << size;
  }
}

TEST_F(DamagedBlobTest, WrongSymbolCountIsCorrupt) {
  // 7 substreams of 300 symbols: counts that need 6 or 8 fail on the header,
  // the others on the last substream's contents.
  for (size_t count : {0, 1, 1800, 1801, 1999, 2001, 2100, 2101, 5000}) {
    EXPECT_EQ(Decode(blob_, count).code(), Status::Code::kCorrupt) << count;
  }
}

TEST_F(DamagedBlobTest, EveryByteCorruptionIsSafe) {
  int undetected = 0;
  for (size_t pos = 0; pos < blob_.size(); ++pos) {
    std::vector<uint8_t> damaged = blob_;
    damaged[pos] ^= static_cast<uint8_t>(1 + rng_() % 255);
    const Status status = Decode(damaged, 2000, 2);
    if (status.ok() && decoded_ == symbols_.values) ++undetected;
  }
  EXPECT_EQ(undetected, 0);
}

TEST_F(DamagedBlobTest, BadHeadersAreCorrupt) {
  const std::vector<std::vector<uint8_t>> headers = {
      {},
      {0x00, 0x01, 0x08},                                                  // 0 symbols per substream
      {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},  // varint too long
      {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02},        // varint over 64 bits
      {0x80},                                                              // varint cut short
      {0x01, 0xff, 0xff, 0xff, 0xff, 0x0f},                                // absurd substream count
  };
  for (const std::vector<uint8_t>& header : headers) EXPECT_EQ(Decode(header, 1).code(), Status::Code::kCorrupt);

  // One substream whose length overstates, then understates, the data.
  std::vector<uint8_t> blob = Encode(table_, {{7}, {0}}, 10, 1);
  ASSERT_EQ(blob[2], blob.size() - 3);
  ++blob[2];
  EXPECT_EQ(Decode(blob, 1).code(), Status::Code::kCorrupt);
  blob[2] -= 2;
  EXPECT_EQ(Decode(blob, 1).code(), Status::Code::kCorrupt);
  blob[2] = 0xff;  // and a length too large for any data
  blob.insert(blob.begin() + 3, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01});
  EXPECT_EQ(Decode(blob, 1).code(), Status::Code::kCorrupt);
}

TEST_F(DamagedBlobTest, GarbageDecodesSafely) {
  for (int round = 0; round < 300; ++round) {
    std::vector<uint8_t> garbage(rng_() % 300);
    for (uint8_t& b : garbage) b = static_cast<uint8_t>(rng_());
    // Make some of it look like a plausible header.
    if (round % 2 && garbage.size() > 3) {
      garbage[0] = 100;
      garbage[1] = 1;
    }
    EXPECT_FALSE(Decode(garbage, 100, 2).ok());
  }
}

}  // namespace
}  // namespace lcodec::entropy
