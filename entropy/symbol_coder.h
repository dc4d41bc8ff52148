// Symbol coding for the codecs: a whole latent tensor in, one blob out.
//
// The symbols are cut into contiguous substreams of symbols_per_substream
// (the last one shorter), each an independent rANS stream (entropy/rans.h),
// so that encoding and decoding can use several threads. The cut depends
// only on the symbol count and symbols_per_substream, never on the thread
// count, so the bytes are the same however many threads made them.
//
// Blob format (varint = unsigned LEB128, at most 10 bytes):
//   varint  symbols_per_substream            >= 1
//   varint  substream count                  = ceil(count / symbols_per_substream)
//   varint  byte length of each substream, in order
//   the substreams, back to back             lengths sum to exactly the rest
// The symbol count itself is not stored: the caller knows it from the tensor
// shape, and the decoder checks the blob against it.
#ifndef LCODEC_ENTROPY_SYMBOL_CODER_H_
#define LCODEC_ENTROPY_SYMBOL_CODER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/status.h"
#include "entropy/cdf_table.h"
#include "entropy/rans.h"

namespace lcodec::entropy {

struct CodingOptions {
  // Long enough that a substream's 8-byte state and its length field cost
  // little even at low rates (2^16 cost 1.2 % of a 768x512 photo's bits at
  // 0.28 bpp: the block-DCT latent has 3 symbols per pixel); short enough
  // that a 1-megapixel image's latents split across a few threads.
  size_t symbols_per_substream = size_t{1} << 18;
  int threads = 1;  // at most this many threads encode, >= 1
};

// Codes values[k] with CDF indexes[k] of `table`, for k < count, and
// replaces `out` with the blob. InvalidArgument if an index is outside the
// table or an option is out of range.
Status EncodeSymbols(const CdfTable& table, const int32_t* values, const uint16_t* indexes, size_t count,
                     const CodingOptions& options, std::vector<uint8_t>* out);

// Decodes `count` values from a blob made by EncodeSymbols with the same
// table and indexes, using up to `threads` (>= 1) threads. Corrupt if the
// blob is damaged, does not match `count`, or uses an index outside the
// table; InvalidArgument if threads < 1. On failure values[] holds garbage.
Status DecodeSymbols(const CdfTable& table, const uint8_t* data, size_t size, const uint16_t* indexes, size_t count,
                     int threads, int32_t* values);

// Decodes a blob piece by piece, for coders whose next indexes depend on
// the values decoded so far (a context model): the pieces' counts add up to
// the blob's count, and each piece may span substreams, which then decode
// on several threads.
class SymbolDecoder {
 public:
  // Reads the blob's header. `table` and the data must outlive the decoder.
  // Corrupt if the header is damaged or does not match `count`.
  Status Open(const CdfTable& table, const uint8_t* data, size_t size, size_t count);

  // Decodes the next `count` values with CDF indexes[k] into values[].
  // InvalidArgument if that goes past the blob's count or threads < 1.
  // Damage inside the substreams shows up in Finish.
  Status Decode(const uint16_t* indexes, size_t count, int threads, int32_t* values);

  // Ok once every value was decoded and every substream checked out; else
  // Corrupt, naming the first damaged substream.
  Status Finish() const;

 private:
  const CdfTable* table_ = nullptr;
  size_t count_ = 0;           // values in the blob
  size_t decoded_ = 0;         // values decoded so far
  size_t per_substream_ = 1;   // values per substream (the last one fewer)
  std::vector<RansDecoder> substreams_;
};

}  // namespace lcodec::entropy

#endif  // LCODEC_ENTROPY_SYMBOL_CODER_H_
