// The seed corpus of the container fuzzers, tests/corpus/container/: this
// test generates it, checks that the committed files are exactly what it
// generates, and that every file there parses. After a deliberate format
// change, regenerate the files with
//
//   LCODEC_WRITE_CORPUS=1 build/tests/bitstream/bitstream_corpus_test
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "bitstream/container.h"
#include "tests/bitstream/test_util.h"

namespace lcodec::bitstream {
namespace {

using testing::AudioHeader;
using testing::ImageHeader;
using testing::kHeadBodyOffset;
using testing::kMinorVersionOffset;
using testing::PutLE;
using testing::RandomSections;
using testing::Reseal;
using testing::VideoHeader;

struct Seed {
  std::string name;
  std::vector<uint8_t> bytes;
};

std::vector<uint8_t> Serialize(const StreamHeader& header, const std::vector<Section>& sections) {
  std::vector<uint8_t> bytes;
  EXPECT_TRUE(SerializeContainer(header, sections, &bytes).ok());
  return bytes;
}

// A version 1.1 stream as a future encoder might write it: HEAD carries 4
// more bytes and there is a section of a kind this version does not know.
std::vector<uint8_t> FutureMinorVersion() {
  const StreamHeader h = ImageHeader();
  std::vector<uint8_t> bytes = Serialize(h, RandomSections(MakeTag("XTRA"), 1, 16, 6));
  const size_t head_length = 81 + h.model_name.size();
  bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(kHeadBodyOffset + head_length), {0xA, 0xB, 0xC, 0xD});
  PutLE(&bytes, kHeadBodyOffset - 4, head_length + 4, 4);
  bytes[kMinorVersionOffset] = kVersionMinor + 1;
  Reseal(&bytes);
  return bytes;
}

std::vector<Seed> GenerateSeeds() {
  StreamHeader tiled = ImageHeader();
  tiled.width = 100;
  tiled.height = 70;
  tiled.channels = 1;
  tiled.bit_depth = 16;
  tiled.tile_width = tiled.tile_height = 64;
  return {
      {"image_untiled.lcdc", Serialize(ImageHeader(), RandomSections(MakeTag("IMG "), 1, 40, 1))},
      {"image_tiled.lcdc", Serialize(tiled, RandomSections(MakeTag("TILE"), 4, 24, 2))},
      {"image_no_sections.lcdc", Serialize(ImageHeader(), {})},
      {"audio.lcdc", Serialize(AudioHeader(), RandomSections(MakeTag("AUDC"), 3, 32, 3))},
      {"video.lcdc", Serialize(VideoHeader(), RandomSections(MakeTag("FRAM"), 3, 32, 4))},
      {"future_minor_version.lcdc", FutureMinorVersion()},
  };
}

const std::filesystem::path kCorpusDir = LCODEC_CORPUS_DIR;

std::vector<uint8_t> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

TEST(SeedCorpus, CommittedFilesMatchTheGenerator) {
  const bool write = std::getenv("LCODEC_WRITE_CORPUS") != nullptr;
  for (const Seed& seed : GenerateSeeds()) {
    const std::filesystem::path path = kCorpusDir / seed.name;
    if (write) {
      std::ofstream(path, std::ios::binary)
          .write(reinterpret_cast<const char*>(seed.bytes.data()), static_cast<std::streamsize>(seed.bytes.size()));
    }
    EXPECT_EQ(ReadFile(path), seed.bytes) << path << " differs from the generator (see this file's comment)";
  }
}

TEST(SeedCorpus, EveryFileParses) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kCorpusDir)) {
    const std::vector<uint8_t> bytes = ReadFile(entry.path());
    StreamHeader header;
    std::vector<Section> sections;
    const Status s = ParseContainer(bytes.data(), bytes.size(), ParseLimits(), &header, &sections);
    EXPECT_TRUE(s.ok()) << entry.path() << ": " << s.ToString();
    ++files;
  }
  EXPECT_GE(files, 6);
}

}  // namespace
}  // namespace lcodec::bitstream
