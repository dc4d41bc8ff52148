// Runs the libFuzzer entry point of bitstream/fuzz_container.cc without
// libFuzzer, so every build (g++ included) fuzzes the container a little:
// each file of the seed corpus, then a seeded, deterministic pass of mutants
// built from them.
//
//   fuzz_driver CORPUS_DIR [MUTANTS] [SEED]
//
// A property violation aborts inside the entry point. Half of the mutants get
// their CRCs recomputed, otherwise nearly all would stop at the CRC check and
// the header validation behind it would go untested.
#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "bitstream/container.h"
#include "tests/bitstream/test_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

using lcodec::bitstream::testing::LocateSections;
using lcodec::bitstream::testing::PutLE;
using lcodec::bitstream::testing::Reseal;
using lcodec::bitstream::testing::SectionSpan;

std::vector<uint8_t> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

// Applies one random edit of the kinds that damaged or hostile files show.
void Mutate(std::mt19937& rng, std::vector<uint8_t>* b) {
  auto pick = [&](size_t n) { return n == 0 ? 0 : static_cast<size_t>(rng() % n); };
  switch (rng() % 7) {
    case 0:  // flip a bit
      if (!b->empty()) (*b)[pick(b->size())] ^= static_cast<uint8_t>(1u << (rng() % 8));
      break;
    case 1: {  // set a byte, often to a boundary value
      static const uint8_t kValues[] = {0x00, 0x01, 0x7F, 0x80, 0xFF};
      if (!b->empty()) (*b)[pick(b->size())] = rng() % 2 ? kValues[pick(5)] : static_cast<uint8_t>(rng());
      break;
    }
    case 2:  // truncate
      b->resize(pick(b->size() + 1));
      break;
    case 3: {  // insert random bytes
      const size_t at = pick(b->size() + 1);
      std::vector<uint8_t> extra(1 + pick(16));
      for (uint8_t& x : extra) x = static_cast<uint8_t>(rng());
      b->insert(b->begin() + static_cast<std::ptrdiff_t>(at), extra.begin(), extra.end());
      break;
    }
    case 4: {  // erase a range
      const size_t at = pick(b->size() + 1);
      const size_t n = std::min(b->size() - at, 1 + pick(16));
      b->erase(b->begin() + static_cast<std::ptrdiff_t>(at), b->begin() + static_cast<std::ptrdiff_t>(at + n));
      break;
    }
    case 5: {  // change a section's length field
      const std::vector<SectionSpan> spans = LocateSections(*b);
      if (spans.empty()) break;
      const SectionSpan s = spans[pick(spans.size())];
      const uint64_t lengths[] = {0, s.length + 1ull, s.length - 1ull, 0xFFFFFFFFull, 0x80000000ull, rng()};
      PutLE(b, s.offset + 4, lengths[pick(6)] & 0xFFFFFFFF, 4);
      break;
    }
    case 6: {  // duplicate a whole section at another section boundary
      const std::vector<SectionSpan> spans = LocateSections(*b);
      if (spans.empty()) break;
      const SectionSpan s = spans[pick(spans.size())];
      const SectionSpan to = spans[pick(spans.size())];
      const std::vector<uint8_t> copy(b->begin() + static_cast<std::ptrdiff_t>(s.offset),
                                      b->begin() + static_cast<std::ptrdiff_t>(s.offset + 12 + s.length));
      b->insert(b->begin() + static_cast<std::ptrdiff_t>(to.offset), copy.begin(), copy.end());
      break;
    }
  }
}

bool Parses(const std::vector<uint8_t>& b) {
  lcodec::bitstream::StreamHeader header;
  std::vector<lcodec::bitstream::Section> sections;
  return lcodec::bitstream::ParseContainer(b.data(), b.size(), lcodec::bitstream::ParseLimits(), &header, &sections)
      .ok();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 4) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR [MUTANTS] [SEED]\n", argv[0]);
    return 2;
  }
  const long mutants = argc > 2 ? std::atol(argv[2]) : 500000;
  std::mt19937 rng(argc > 3 ? static_cast<uint32_t>(std::atol(argv[3])) : 1);

  std::vector<std::vector<uint8_t>> seeds;
  for (const auto& entry : std::filesystem::directory_iterator(argv[1])) {
    if (entry.is_regular_file()) seeds.push_back(ReadFile(entry.path()));
  }
  if (seeds.empty()) {
    std::fprintf(stderr, "fuzz_driver: no seed files in %s\n", argv[1]);
    return 1;
  }
  for (const auto& seed : seeds) LLVMFuzzerTestOneInput(seed.data(), seed.size());

  long accepted = 0;
  for (long i = 0; i < mutants; ++i) {
    std::vector<uint8_t> b = seeds[rng() % seeds.size()];
    for (uint32_t n = 1 + rng() % 4; n > 0; --n) Mutate(rng, &b);
    if (rng() % 2) Reseal(&b);
    LLVMFuzzerTestOneInput(b.data(), b.size());
    accepted += Parses(b);
  }
  std::printf("fuzz_driver: %zu seeds, %ld mutants: %ld accepted, %ld rejected, no property violated\n",
              seeds.size(), mutants, accepted, mutants - accepted);
  // A pass that accepts nothing or everything is not exploring the parser.
  if (mutants > 1000 && (accepted == 0 || accepted == mutants)) {
    std::fprintf(stderr, "fuzz_driver: the mutants no longer reach both outcomes; fix the mutator\n");
    return 1;
  }
  return 0;
}
