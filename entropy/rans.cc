#include "entropy/rans.h"

#include <limits>
#include <string>

namespace lcodec::entropy {
namespace {

// Escaped values: a 6-bit header (side, length), then up to 31 raw bits sent
// in chunks that each fit one uniform rANS symbol.
constexpr int kEscapeHeaderBits = 6;
constexpr int kRawChunkBits = 16;

// The raw bits of an escaped value split into a high and a low chunk.
struct RawChunks {
  int high;
  int low;
};
RawChunks SplitRawBits(int length) {
  const int high = length > kRawChunkBits ? length - kRawChunkBits : 0;
  return {high, length - high};
}

int BitLength(uint64_t v) {
  int n = 0;
  for (; v; v >>= 1) ++n;
  return n;
}

uint32_t LoadLE32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

void AppendLE32(uint32_t v, std::vector<uint8_t>* out) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<uint8_t>(v >> (8 * i)));
}

}  // namespace

Status RansEncoder::Encode(const int32_t* values, const uint16_t* indexes, size_t count) {
  const size_t queued_before = queue_.size();
  queue_.reserve(queued_before + count);
  for (size_t k = 0; k < count; ++k) {
    if (indexes[k] >= table_.size()) {
      queue_.resize(queued_before);
      return Status::InvalidArgument("symbol " + std::to_string(k) + " uses CDF " + std::to_string(indexes[k]) +
                                     " of a table of " + std::to_string(table_.size()));
    }
    const CdfTable::Interval in = table_.IntervalOf(indexes[k], values[k]);
    queue_.push_back({static_cast<uint16_t>(in.start), static_cast<uint16_t>(in.freq), kCdfPrecision});
    if (in.escape) {
      PutEscapedValue(values[k], table_.offset(indexes[k]), table_.symbol_count(indexes[k]));
    }
  }
  return Status::Ok();
}

void RansEncoder::PutBits(uint32_t value, int count) {
  if (count > 0) queue_.push_back({static_cast<uint16_t>(value), 1, static_cast<uint8_t>(count)});
}

void RansEncoder::PutEscapedValue(int32_t value, int32_t offset, uint32_t symbol_count) {
  // The value is out of range, so it is either above the last coded value
  // or below the first; d counts the distance from that edge.
  const bool above = value >= offset;
  const uint64_t d = above ? static_cast<uint64_t>(int64_t{value} - offset - symbol_count)
                           : static_cast<uint64_t>(int64_t{offset} - 1 - value);
  const uint64_t magnitude = d + 1;
  const int length = BitLength(magnitude) - 1;
  PutBits(static_cast<uint32_t>(above) << 5 | static_cast<uint32_t>(length), kEscapeHeaderBits);
  const RawChunks chunks = SplitRawBits(length);
  PutBits(static_cast<uint32_t>((magnitude >> chunks.low) & ((1u << chunks.high) - 1)), chunks.high);
  PutBits(static_cast<uint32_t>(magnitude & ((1u << chunks.low) - 1)), chunks.low);
}

void RansEncoder::Finish(std::vector<uint8_t>* out) {
  words_.clear();
  uint64_t x = kRansStateLow;
  for (auto it = queue_.rbegin(); it != queue_.rend(); ++it) {
    const uint64_t freq = it->freq;
    // Keep the state in range after coding: x must stay below 2^63.
    const uint64_t x_max = ((kRansStateLow >> it->bits) << 32) * freq;
    if (x >= x_max) {
      words_.push_back(static_cast<uint32_t>(x));
      x >>= 32;
    }
    const uint64_t quotient = x / freq;
    x = (quotient << it->bits) + (x - quotient * freq) + it->start;
  }
  queue_.clear();

  out->reserve(out->size() + 8 + 4 * words_.size());
  AppendLE32(static_cast<uint32_t>(x), out);
  AppendLE32(static_cast<uint32_t>(x >> 32), out);
  for (auto it = words_.rbegin(); it != words_.rend(); ++it) AppendLE32(*it, out);
}

RansDecoder::RansDecoder(const CdfTable& table, const uint8_t* data, size_t size)
    : table_(table), data_(data), size_(size) {
  if (size_ < 8) {
    Fail("stream shorter than its state");
    return;
  }
  const uint64_t x = LoadLE32(data_) | uint64_t{LoadLE32(data_ + 4)} << 32;
  pos_ = 8;
  // The encoder's state always ends in range; anything else is damage. Keep
  // the default state then, so decoding stays well-defined.
  if (x < kRansStateLow || x >= kRansStateLow << 32) {
    Fail("stream state out of range");
    return;
  }
  state_ = x;
}

uint32_t RansDecoder::ReadWord() {
  if (size_ - pos_ < 4) {
    Fail("stream truncated");
    return 0;
  }
  const uint32_t word = LoadLE32(data_ + pos_);
  pos_ += 4;
  return word;
}

uint32_t RansDecoder::TakeBits(uint64_t* state, int count) {
  if (count == 0) return 0;
  const uint32_t bits = static_cast<uint32_t>(*state) & ((1u << count) - 1);
  *state >>= count;
  if (*state < kRansStateLow) *state = *state << 32 | ReadWord();
  return bits;
}

int32_t RansDecoder::DecodeEscapedValue(uint64_t* state, uint16_t index) {
  const uint32_t header = TakeBits(state, kEscapeHeaderBits);
  const bool above = header >> 5;
  const RawChunks chunks = SplitRawBits(static_cast<int>(header & 31));
  uint64_t magnitude = 1;
  magnitude = magnitude << chunks.high | TakeBits(state, chunks.high);
  magnitude = magnitude << chunks.low | TakeBits(state, chunks.low);
  const int64_t d = static_cast<int64_t>(magnitude - 1);
  const int64_t value = above ? int64_t{table_.offset(index)} + table_.symbol_count(index) + d
                              : int64_t{table_.offset(index)} - 1 - d;
  if (value < std::numeric_limits<int32_t>::min() || value > std::numeric_limits<int32_t>::max()) {
    Fail("escaped value outside int32");
    return 0;
  }
  return static_cast<int32_t>(value);
}

void RansDecoder::Decode(const uint16_t* indexes, size_t count, int32_t* values) {
  const size_t cdfs = table_.size();
  uint64_t x = state_;
  for (size_t k = 0; k < count; ++k) {
    const uint16_t index = indexes[k];
    if (index >= cdfs) {
      Fail("CDF index outside the table");
      values[k] = 0;
      continue;
    }
    const uint32_t slot = static_cast<uint32_t>(x) & (kCdfTotal - 1);
    const CdfTable::Interval in = table_.IntervalAt(index, slot);
    x = in.freq * (x >> kCdfPrecision) + slot - in.start;
    if (x < kRansStateLow) x = x << 32 | ReadWord();
    values[k] = in.escape ? DecodeEscapedValue(&x, index) : in.value;
  }
  state_ = x;
}

Status RansDecoder::Finish() const {
  if (error_) return Status::Corrupt(error_);
  if (pos_ != size_) return Status::Corrupt("stream has trailing bytes");
  if (state_ != kRansStateLow) return Status::Corrupt("stream final state mismatch");
  return Status::Ok();
}

}  // namespace lcodec::entropy
