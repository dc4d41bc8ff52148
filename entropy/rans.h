// rANS: the range coder that turns integer symbols plus their CDFs into bytes.
//
// Variant: a 64-bit state kept in [2^31, 2^63), renormalized 32 bits at a
// time (F. Giesen's "rans64"). Why this one:
//   - the state's lower bound is 2^15 times the CDF total (2^16), so the
//     approximation rANS makes costs a negligible fraction of a bit;
//   - after any symbol the decoder needs at most one 32-bit refill, so each
//     step has a single, rarely taken branch instead of a byte loop;
//   - decoding a symbol is one table lookup and one 64-bit multiply.
// A stream costs 8 bytes for the final state; the substream layer
// (entropy/symbol_coder.h) keeps substreams long enough for that not to matter.
//
// Each value is coded with the CDF its index picks from a CdfTable. The same
// mechanism serves a Gaussian conditional (index = quantized scale) and a
// factorized prior (index = channel). A value outside the CDF's range codes
// the escape symbol followed by raw bits, each coded as a uniform rANS symbol:
//   6 bits:  above << 5 | length        above: value >= offset + n
//   length bits, high chunk (length - 16 bits, if length > 16) first, then
//   the low (at most 16) bits:          the bits of d + 1 below its top bit
// where d = value - (offset + n) when above, else offset - 1 - value, so
// 0 <= d < 2^32 and length = bit_length(d + 1) - 1 <= 31. The decoder thus
// never loops on a count it read, and every int32 value round-trips.
//
// Byte format of a stream: the encoder's final state as a little-endian
// uint64, then the 32-bit renormalization words, little-endian, in the order
// the decoder consumes them.
#ifndef LCODEC_ENTROPY_RANS_H_
#define LCODEC_ENTROPY_RANS_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/status.h"
#include "entropy/cdf_table.h"

namespace lcodec::entropy {

// The state's lower bound; also the state a stream starts and ends in, which
// gives the decoder a free integrity check.
inline constexpr uint64_t kRansStateLow = uint64_t{1} << 31;

// rANS must encode in reverse, so the encoder queues each symbol's interval
// and produces the bytes at Finish.
class RansEncoder {
 public:
  // `table` must outlive the encoder.
  explicit RansEncoder(const CdfTable& table) : table_(table) {}

  // Queues values[k] coded with CDF indexes[k], for k < count. If an index is
  // >= table.size(), returns InvalidArgument and queues nothing of this call.
  Status Encode(const int32_t* values, const uint16_t* indexes, size_t count);

  // Appends the stream of everything queued since the last Finish to `out`
  // (8 bytes when nothing was queued) and empties the queue.
  void Finish(std::vector<uint8_t>* out);

 private:
  // One queued rANS symbol: the interval [start, start + freq) out of
  // 1 << bits. A CDF symbol has bits = kCdfPrecision; raw bits are a
  // symbol of frequency 1 out of 1 << (number of bits).
  struct Symbol {
    uint16_t start;
    uint16_t freq;
    uint8_t bits;
  };

  void PutBits(uint32_t value, int count);
  void PutEscapedValue(int32_t value, int32_t offset, uint32_t symbol_count);

  const CdfTable& table_;
  std::vector<Symbol> queue_;
  std::vector<uint32_t> words_;  // Finish's scratch, kept to reuse its memory
};

// Decodes one stream. It never reads outside [data, data + size): when the
// data runs out or makes no sense it goes on returning harmless values and
// Finish reports the damage, so callers check once, not per symbol.
class RansDecoder {
 public:
  // `table` and the data must outlive the decoder.
  RansDecoder(const CdfTable& table, const uint8_t* data, size_t size);

  // Decodes the next `count` values, value k with CDF indexes[k], into
  // values[]. An index >= table.size() yields 0 and marks the stream damaged.
  void Decode(const uint16_t* indexes, size_t count, int32_t* values);

  // Ok if every value so far decoded cleanly, the stream was consumed
  // exactly, and the state is back where the encoder started; else Corrupt.
  Status Finish() const;

 private:
  uint32_t ReadWord();
  uint32_t TakeBits(uint64_t* state, int count);
  int32_t DecodeEscapedValue(uint64_t* state, uint16_t index);
  void Fail(const char* why) {
    if (!error_) error_ = why;
  }

  const CdfTable& table_;
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  uint64_t state_ = kRansStateLow;
  const char* error_ = nullptr;  // the first damage seen, if any
};

}  // namespace lcodec::entropy

#endif  // LCODEC_ENTROPY_RANS_H_
