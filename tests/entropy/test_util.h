// Random tables and symbol streams shared by the entropy tests.
#ifndef LCODEC_TESTS_ENTROPY_TEST_UTIL_H_
#define LCODEC_TESTS_ENTROPY_TEST_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "entropy/cdf_table.h"

namespace lcodec::entropy {

// `count` CDFs of 1 .. max_symbols values each, at offsets on both sides of
// zero, quantized from pmfs that mix ordinary, tiny and zero probabilities.
CdfTable RandomTable(std::mt19937_64* rng, int count, int max_symbols);

// `count` symbols with random indexes into `table`. Values follow their CDF
// (so the stream is realistic), except that about one in `escape_every` is
// replaced by an escape of random magnitude, up to the int32 limits.
struct Symbols {
  std::vector<int32_t> values;
  std::vector<uint16_t> indexes;
};
Symbols RandomSymbols(const CdfTable& table, size_t count, int escape_every, std::mt19937_64* rng);

// A value outside CDF i's range, from just outside it to INT32_MIN/MAX.
int32_t RandomEscape(const CdfTable& table, size_t i, std::mt19937_64* rng);

}  // namespace lcodec::entropy

#endif  // LCODEC_TESTS_ENTROPY_TEST_UTIL_H_
