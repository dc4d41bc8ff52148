// Fuzz target for the container parser: libFuzzer's entry point. With
// LCODEC_LIBFUZZER it is a clang libFuzzer binary; in every build it also
// runs under tests/bitstream/fuzz_driver.cc over the seed corpus.
//
// Besides "never crash", it checks a property of the format: whatever parses
// re-serializes to a container that parses to the same header and sections,
// and a version 1.0 stream re-serializes to the very same bytes, because
// every stream has exactly one encoding.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "bitstream/container.h"

namespace {

void Require(bool condition, const char* property) {
  if (condition) return;
  std::fprintf(stderr, "fuzz_container: property violated: %s\n", property);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lcodec::bitstream;
  StreamHeader header;
  std::vector<Section> sections;
  if (!ParseContainer(data, size, ParseLimits(), &header, &sections).ok()) return 0;

  std::vector<uint8_t> bytes;
  Require(SerializeContainer(header, sections, &bytes).ok(), "the writer accepts what the reader accepted");
  if (data[5] == kVersionMinor) {  // data[5]: the minor version, present since parsing succeeded
    Require(bytes.size() == size && std::memcmp(bytes.data(), data, size) == 0,
            "a stream of this version re-serializes to the same bytes");
  }
  StreamHeader header2;
  std::vector<Section> sections2;
  Require(ParseContainer(bytes.data(), bytes.size(), ParseLimits(), &header2, &sections2).ok(),
          "a re-serialized stream parses");
  Require(header2 == header && sections2 == sections, "a re-serialized stream parses to the same content");
  return 0;
}
