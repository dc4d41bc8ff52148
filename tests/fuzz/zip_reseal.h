// Recomputes the CRC-32 of the stored members of a ZIP archive (model files
// are TorchScript archives, ZIP with mostly uncompressed members), so that a
// mutated member gets past libtorch's CRC check to the parsing behind it.
#ifndef LCODEC_TESTS_FUZZ_ZIP_RESEAL_H_
#define LCODEC_TESTS_FUZZ_ZIP_RESEAL_H_

#include <cstdint>
#include <vector>

namespace lcodec::testing {

// Best effort: walks the central directory as far as it is intact and fixes
// the CRC fields (local and central) of every stored member it can locate.
// Deflated members and anything it cannot make sense of are left alone.
void ResealZip(std::vector<uint8_t>* zip);

}  // namespace lcodec::testing

#endif  // LCODEC_TESTS_FUZZ_ZIP_RESEAL_H_
