// Runs a libFuzzer entry point without libFuzzer, so that every build (g++
// and the ASan build included) runs each fuzz target of this folder over its
// seed corpus and then over a seeded, deterministic pass of mutants:
//
//   <target>_driver [--mutants N] [--seed S] CORPUS_DIR...
//
// A finding aborts (a property violated inside the entry point) or crashes;
// otherwise the driver prints how many executions ran without one.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) __attribute__((weak));

namespace {

std::vector<uint8_t> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

// One edit of the kinds libFuzzer makes most: bit flips, boundary values,
// small inserts and erasures, truncation and splicing in part of another seed.
void Mutate(std::mt19937& rng, const std::vector<std::vector<uint8_t>>& seeds, std::vector<uint8_t>* b) {
  auto pick = [&](size_t n) { return n == 0 ? 0 : static_cast<size_t>(rng() % n); };
  switch (rng() % 6) {
    case 0:
      if (!b->empty()) (*b)[pick(b->size())] ^= static_cast<uint8_t>(1u << (rng() % 8));
      break;
    case 1: {
      static const uint8_t kValues[] = {0x00, 0x01, 0x7F, 0x80, 0xFF};
      if (!b->empty()) (*b)[pick(b->size())] = rng() % 2 ? kValues[pick(5)] : static_cast<uint8_t>(rng());
      break;
    }
    case 2: {
      const size_t at = pick(b->size() + 1);
      std::vector<uint8_t> extra(1 + pick(8));
      for (uint8_t& x : extra) x = static_cast<uint8_t>(rng());
      b->insert(b->begin() + static_cast<std::ptrdiff_t>(at), extra.begin(), extra.end());
      break;
    }
    case 3: {
      const size_t at = pick(b->size() + 1);
      const size_t n = std::min(b->size() - at, 1 + pick(8));
      b->erase(b->begin() + static_cast<std::ptrdiff_t>(at), b->begin() + static_cast<std::ptrdiff_t>(at + n));
      break;
    }
    case 4:
      b->resize(pick(b->size() + 1));
      break;
    case 5: {  // overwrite a range with the bytes at the same place in another seed
      const std::vector<uint8_t>& other = seeds[pick(seeds.size())];
      const size_t at = pick(std::min(b->size(), other.size()) + 1);
      const size_t n = std::min({b->size() - at, other.size() - at, 1 + pick(64)});
      std::copy_n(other.begin() + static_cast<std::ptrdiff_t>(at), n, b->begin() + static_cast<std::ptrdiff_t>(at));
      break;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  long mutants = 1000;
  uint32_t seed = 1;
  std::vector<std::vector<uint8_t>> seeds;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--mutants") && i + 1 < argc) {
      mutants = std::atol(argv[++i]);
    } else if (!std::strcmp(argv[i], "--seed") && i + 1 < argc) {
      seed = static_cast<uint32_t>(std::atol(argv[++i]));
    } else if (std::filesystem::is_directory(argv[i])) {
      for (const auto& entry : std::filesystem::directory_iterator(argv[i]))
        if (entry.is_regular_file()) seeds.push_back(ReadFile(entry.path()));
    } else {
      std::fprintf(stderr, "usage: %s [--mutants N] [--seed S] CORPUS_DIR...\n", argv[0]);
      return 2;
    }
  }
  if (seeds.empty()) {
    std::fprintf(stderr, "%s: no seed files\n", argv[0]);
    return 1;
  }
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  for (const auto& s : seeds) LLVMFuzzerTestOneInput(s.data(), s.size());
  std::mt19937 rng(seed);
  for (long i = 0; i < mutants; ++i) {
    std::vector<uint8_t> b = seeds[rng() % seeds.size()];
    for (uint32_t n = 1 + rng() % 4; n > 0; --n) Mutate(rng, seeds, &b);
    LLVMFuzzerTestOneInput(b.data(), b.size());
  }
  std::printf("%s: %zu seeds and %ld mutants (seed %u): %ld executions without a finding\n", argv[0], seeds.size(),
              mutants, seed, static_cast<long>(seeds.size()) + mutants);
  return 0;
}
