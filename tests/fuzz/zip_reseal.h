// Recomputes the CRC-32 of the stored members of a ZIP archive (model files
// are TorchScript archives, ZIP with mostly uncompressed members), so that a
// mutated member gets past libtorch's CRC check to the parsing behind it;
// and damages member sizes on purpose.
#ifndef LCODEC_TESTS_FUZZ_ZIP_RESEAL_H_
#define LCODEC_TESTS_FUZZ_ZIP_RESEAL_H_

#include <cstdint>
#include <string>
#include <vector>

namespace lcodec::testing {

// Best effort: walks the central directory as far as it is intact and fixes
// the CRC fields (local and central) of every stored member it can locate.
// Deflated members and anything it cannot make sense of are left alone.
void ResealZip(std::vector<uint8_t>* zip);

// Rewrites the sizes in the local and central headers of member `name`, to
// make damaged archives for tests; false unless both headers were found.
bool SetZipMemberSizes(std::vector<uint8_t>* zip, const std::string& name, uint32_t compressed, uint32_t size);

}  // namespace lcodec::testing

#endif  // LCODEC_TESTS_FUZZ_ZIP_RESEAL_H_
