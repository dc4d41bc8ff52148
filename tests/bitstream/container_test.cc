#include "bitstream/container.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <new>
#include <random>
#include <string>
#include <vector>

#include "tests/bitstream/test_util.h"

// Records the largest single allocation, to prove that hostile lengths are
// refused before anything is allocated for them.
namespace {
std::atomic<size_t> g_largest_allocation{0};
}  // namespace

// Not inlined: GCC would then see malloc() and free() meet operator new and
// delete, and warn about a mismatch that the replacement makes intended.
[[gnu::noinline]] void* operator new(size_t n) {
  size_t seen = g_largest_allocation.load();
  while (n > seen && !g_largest_allocation.compare_exchange_weak(seen, n)) {
  }
  if (void* p = std::malloc(n ? n : 1)) return p;
  std::abort();  // lcodec is built without exceptions in mind; a test has no use for bad_alloc
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, size_t) noexcept { std::free(p); }

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

// HEAD body offsets, as listed in SPEC.md: the tests that patch them check
// the specification as much as the code.
constexpr size_t kModality = 0, kBitDepth = 1, kChannels = 2, kWidth = 4, kSampleRate = 12, kFrameRateNum = 16,
                 kFrameRateDen = 20, kFrameCount = 24, kQuality = 32, kTileWidth = 36, kTileHeight = 40,
                 kFlags = 44, kNameLength = 80, kName = 81;

struct Stream {
  StreamHeader header;
  std::vector<Section> sections;
};

Stream ImageStream() { return {ImageHeader(), RandomSections(MakeTag("TILE"), 3, 40, 1)}; }
Stream AudioStream() { return {AudioHeader(), RandomSections(MakeTag("AUDC"), 4, 30, 2)}; }
Stream VideoStream() { return {VideoHeader(), RandomSections(MakeTag("FRAM"), 3, 50, 3)}; }
const std::vector<Stream (*)()> kStreams = {ImageStream, AudioStream, VideoStream};

std::vector<uint8_t> Serialize(const Stream& s) {
  std::vector<uint8_t> bytes;
  const Status status = SerializeContainer(s.header, s.sections, &bytes);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return bytes;
}

Status Parse(const std::vector<uint8_t>& bytes, Stream* out = nullptr, const ParseLimits& limits = {}) {
  Stream ignored;
  Stream* s = out ? out : &ignored;
  return ParseContainer(bytes.data(), bytes.size(), limits, &s->header, &s->sections);
}

::testing::AssertionResult Fails(const Status& s, Status::Code code, const std::string& needle) {
  if (s.ok()) return ::testing::AssertionFailure() << "succeeded; expected an error containing \"" << needle << "\"";
  if (s.code() != code || s.message().find(needle) == std::string::npos) {
    return ::testing::AssertionFailure() << "got \"" << s.ToString() << "\"; expected code "
                                         << static_cast<int>(code) << " and \"" << needle << "\"";
  }
  return ::testing::AssertionSuccess();
}

// A serialized image stream with HEAD body bytes [offset, offset + size)
// replaced by `value` and the CRCs recomputed.
std::vector<uint8_t> PatchedHead(const Stream& s, size_t offset, uint64_t value, size_t size) {
  std::vector<uint8_t> bytes = Serialize(s);
  PutLE(&bytes, kHeadBodyOffset + offset, value, size);
  Reseal(&bytes);
  return bytes;
}

std::string TempPath(const std::string& name) { return ::testing::TempDir() + "lcodec_container_test_" + name; }

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

TEST(Container, MemoryRoundTripEveryModality) {
  for (auto make : kStreams) {
    const Stream in = make();
    const std::vector<uint8_t> bytes = Serialize(in);
    size_t expected_size = 6 + 12 + 81 + in.header.model_name.size() + 12;
    for (const Section& s : in.sections) expected_size += 12 + s.body.size();
    EXPECT_EQ(bytes.size(), expected_size);
    Stream out;
    const Status status = Parse(bytes, &out);
    ASSERT_TRUE(status.ok()) << status.ToString();
    EXPECT_TRUE(out.header == in.header);
    EXPECT_TRUE(out.sections == in.sections);
  }
}

TEST(Container, FileRoundTripEveryModality) {
  for (auto make : kStreams) {
    const Stream in = make();
    const std::string path = TempPath("roundtrip.lcdc");
    ContainerWriter writer;
    ASSERT_TRUE(writer.Open(path, in.header, /*overwrite=*/true).ok());
    for (const Section& s : in.sections) ASSERT_TRUE(writer.Add(s.tag, s.body.data(), s.body.size()).ok());
    ASSERT_TRUE(writer.Finish().ok());
    EXPECT_EQ(ReadFile(path), Serialize(in)) << "file and memory writers disagree";

    ContainerReader reader;
    const Status open = reader.Open(path, ParseLimits());
    ASSERT_TRUE(open.ok()) << open.ToString();
    EXPECT_TRUE(reader.header() == in.header);
    std::vector<Section> sections;
    for (;;) {
      Section s;
      bool at_end = false;
      const Status next = reader.Next(&s, &at_end);
      ASSERT_TRUE(next.ok()) << next.ToString();
      if (at_end) break;
      sections.push_back(s);
    }
    EXPECT_TRUE(sections == in.sections);
    Section s;
    bool at_end = false;
    EXPECT_TRUE(reader.Next(&s, &at_end).ok());
    EXPECT_TRUE(at_end) << "Next after END keeps reporting the end";
    std::remove(path.c_str());
  }
}

TEST(Container, EmptyAndZeroLengthSections) {
  Stream in{ImageHeader(), {Section{MakeTag("ZERO"), {}}}};
  Stream out;
  ASSERT_TRUE(Parse(Serialize(in), &out).ok());
  EXPECT_TRUE(out.sections == in.sections);
  in.sections.clear();
  ASSERT_TRUE(Parse(Serialize(in), &out).ok());
  EXPECT_TRUE(out.sections.empty());
}

TEST(Container, EveryTruncationIsRejected) {
  for (auto make : kStreams) {
    const std::vector<uint8_t> bytes = Serialize(make());
    for (size_t n = 0; n < bytes.size(); ++n) {
      const std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
      EXPECT_TRUE(Fails(Parse(cut), Status::Code::kCorrupt, "truncated")) << "cut at " << n;
    }
  }
}

TEST(Container, TruncationAtASectionBoundarySaysEndIsMissing) {
  const std::vector<uint8_t> bytes = Serialize(ImageStream());
  const std::vector<uint8_t> cut(bytes.begin(), bytes.end() - 12);  // without END
  EXPECT_TRUE(Fails(Parse(cut), Status::Code::kCorrupt,
                    "truncated: the file ends at byte " + std::to_string(cut.size()) + " without an END section"));
}

TEST(Container, EverySingleBitFlipIsDetected) {
  const Stream in = VideoStream();
  const std::vector<uint8_t> bytes = Serialize(in);
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::vector<uint8_t> flipped = bytes;
      flipped[i] ^= static_cast<uint8_t>(1 << bit);
      Stream out;
      const Status s = Parse(flipped, &out);
      if (i < 4) {
        EXPECT_TRUE(Fails(s, Status::Code::kCorrupt, "not an lcodec container")) << i;
      } else if (i == 4) {
        EXPECT_TRUE(Fails(s, Status::Code::kUnsupported, "container version")) << i;
      } else if (i == kMinorVersionOffset) {
        // A newer minor version is compatible by design (SPEC.md): the data
        // must come out unchanged.
        ASSERT_TRUE(s.ok()) << s.ToString();
        EXPECT_TRUE(out.header == in.header && out.sections == in.sections);
      } else {
        EXPECT_TRUE(Fails(s, Status::Code::kCorrupt, "damaged")) << "byte " << i << " bit " << bit;
      }
    }
  }
}

TEST(Container, RandomMultipleBitFlipsAreDetected) {
  const std::vector<uint8_t> bytes = Serialize(AudioStream());
  std::mt19937 rng(42);
  for (int trial = 0; trial < 20000; ++trial) {
    std::vector<uint8_t> flipped = bytes;
    const int flips = 2 + static_cast<int>(rng() % 7);
    for (int k = 0; k < flips; ++k) {
      const size_t i = kMinorVersionOffset + 1 + rng() % (bytes.size() - kMinorVersionOffset - 1);
      flipped[i] ^= static_cast<uint8_t>(1u << (rng() % 8));
    }
    if (flipped == bytes) continue;  // the flips cancelled out
    EXPECT_TRUE(Fails(Parse(flipped), Status::Code::kCorrupt, "damaged")) << "trial " << trial;
  }
}

TEST(Container, BadMagic) {
  std::vector<uint8_t> bytes = Serialize(ImageStream());
  bytes[3] = 'X';
  EXPECT_TRUE(Fails(Parse(bytes), Status::Code::kCorrupt, "not an lcodec container"));
  const std::vector<uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  EXPECT_TRUE(Fails(Parse(png), Status::Code::kCorrupt, "not an lcodec container"));
}

TEST(Container, FutureMajorVersionNamesBothVersions) {
  std::vector<uint8_t> bytes = Serialize(ImageStream());
  bytes[4] = 2;
  EXPECT_TRUE(Fails(Parse(bytes), Status::Code::kUnsupported,
                    "stream is container version 2.1, but this lcodec reads version 1.x"));
}

TEST(Container, NewerMinorVersionMayExtendHeadAndAddSections) {
  const Stream in = ImageStream();
  std::vector<uint8_t> bytes = Serialize(in);
  // Append 5 bytes to HEAD's body (a field of a future minor version) and fix its length.
  const size_t head_length = 81 + in.header.model_name.size();
  const size_t head_end = kHeadBodyOffset + head_length;
  bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(head_end), {1, 2, 3, 4, 5});
  PutLE(&bytes, kHeadBodyOffset - 4, head_length + 5, 4);
  Reseal(&bytes);
  EXPECT_TRUE(Fails(Parse(bytes), Status::Code::kCorrupt, "HEAD: 5 unexpected bytes after model_name"));

  bytes[kMinorVersionOffset] = kVersionMinor + 1;
  Stream out;
  const Status s = Parse(bytes, &out);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(out.header == in.header);
  EXPECT_TRUE(out.sections == in.sections);
}

TEST(Container, ReservedFlags) {
  std::vector<uint8_t> bytes = PatchedHead(ImageStream(), kFlags, 0x80000000u, 4);
  EXPECT_TRUE(Fails(Parse(bytes), Status::Code::kCorrupt, "HEAD: flags is 0x80000000 but its reserved bits must be 0"));
  bytes[kMinorVersionOffset] = kVersionMinor + 1;  // a flag a newer encoder may have defined
  EXPECT_TRUE(Fails(Parse(bytes), Status::Code::kUnsupported, "upgrade lcodec"));
}

TEST(Container, PredictedFramesFlagIsVideoOnlyAndNewInVersionOneOne) {
  Stream out;
  ASSERT_TRUE(Parse(PatchedHead(VideoStream(), kFlags, kFlagPredictedFrames, 4), &out).ok());
  EXPECT_EQ(out.header.flags, kFlagPredictedFrames);
  EXPECT_TRUE(Fails(Parse(PatchedHead(ImageStream(), kFlags, kFlagPredictedFrames, 4)), Status::Code::kCorrupt,
                    "reserved bits must be 0"));
  // Version 1.0 defined no flags: a 1.0 stream with it set is damaged.
  std::vector<uint8_t> bytes = PatchedHead(VideoStream(), kFlags, kFlagPredictedFrames, 4);
  bytes[kMinorVersionOffset] = 0;
  EXPECT_TRUE(Fails(Parse(bytes), Status::Code::kCorrupt, "reserved bits must be 0"));
}

struct HeadCase {
  Stream (*stream)();
  size_t offset;
  uint64_t value;
  size_t size;
  const char* message;
};

TEST(Container, HeadValidationNamesTheField) {
  const HeadCase cases[] = {
      {ImageStream, kModality, 0, 1, "modality is 0 but must be 1 (image), 2 (audio) or 3 (video)"},
      {ImageStream, kModality, 4, 1, "modality is 4"},
      {ImageStream, kWidth, 0, 4, "width is 0 but must be in 1..4294967295 in image streams"},
      {ImageStream, kChannels, 5, 2, "channels is 5 but must be in 1..4"},
      {ImageStream, kBitDepth, 12, 1, "bit_depth is 12 but must be one of 8, 16 in image streams"},
      {ImageStream, kSampleRate, 44100, 4, "sample_rate is 44100 but must be 0 in image streams"},
      {ImageStream, kFrameCount, 1, 8, "frame_count is 1 but must be 0 in image streams"},
      {ImageStream, kTileWidth, 64, 4, "tile_width is 64 and tile_height is 0, but both must be 0"},
      {ImageStream, kQuality, 0x7FC00000, 4, "quality is nan"},
      {ImageStream, kQuality, 0x7F800000, 4, "quality is inf"},
      {ImageStream, kQuality, 0xBF800000, 4, "quality is -1 but must be finite and >= 0"},
      {ImageStream, kName, 0x1B, 1, "model_name is not UTF-8 text without control characters"},  // ESC
      {ImageStream, kName, 0xC0, 1, "model_name is not UTF-8"},  // a lead byte without its continuation
      {ImageStream, kName, 0x9B, 1, "model_name is not UTF-8"},  // a stray continuation byte
      {ImageStream, kNameLength, 200, 1, "HEAD: 93 bytes is too short for its fields"},
      {AudioStream, kChannels, 0, 2, "channels is 0 but must be in 1..64 in audio streams"},
      {AudioStream, kChannels, 65, 2, "channels is 65"},
      {AudioStream, kSampleRate, 0, 4, "sample_rate is 0 but must be in 1..768000"},
      {AudioStream, kSampleRate, 768001, 4, "sample_rate is 768001"},
      {AudioStream, kBitDepth, 20, 1, "bit_depth is 20 but must be one of 8, 16, 24, 32"},
      {AudioStream, kWidth, 1, 4, "width is 1 but must be 0 in audio streams"},
      {AudioStream, kFrameCount, 0, 8, "frame_count is 0 but must be in 1..18446744073709551615"},
      {AudioStream, kTileHeight, 8, 4, "tile_height is 8 but must be 0 in audio streams"},
      {VideoStream, kFrameRateDen, 0, 4, "frame_rate_den is 0 but must be in 1..4294967295 in video streams"},
      {VideoStream, kFrameRateNum, 0, 4, "frame_rate_num is 0"},
      {VideoStream, kBitDepth, 9, 1, "bit_depth is 9 but must be one of 8, 10, 12, 16"},
      {VideoStream, kSampleRate, 1, 4, "sample_rate is 1 but must be 0 in video streams"},
  };
  for (const HeadCase& c : cases) {
    const Status s = Parse(PatchedHead(c.stream(), c.offset, c.value, c.size));
    EXPECT_TRUE(Fails(s, Status::Code::kCorrupt, c.message)) << "offset " << c.offset << " value " << c.value;
  }
}

TEST(Container, ModelNameLengthIsChecked) {
  // A 65-byte name in a HEAD whose length agrees: only the name rule fails.
  StreamHeader h = ImageHeader();
  h.model_name = std::string(65, 'a');
  std::vector<uint8_t> out;
  EXPECT_TRUE(Fails(SerializeContainer(h, {}, &out), Status::Code::kInvalidArgument, "model_name is 65 bytes but must be 1..64"));
  h.model_name = std::string(64, 'a');
  Stream in{h, {}};
  std::vector<uint8_t> bytes = Serialize(in);
  bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(kHeadBodyOffset + kName), 'a');
  bytes[kHeadBodyOffset + kNameLength] = 65;
  PutLE(&bytes, kHeadBodyOffset - 4, 81 + 65, 4);
  Reseal(&bytes);
  EXPECT_TRUE(Fails(Parse(bytes), Status::Code::kCorrupt, "HEAD: model_name is 65 bytes but must be 1..64"));
}

TEST(Container, HeadMustComeFirstAndOnlyOnce) {
  const std::vector<uint8_t> bytes = Serialize(ImageStream());
  std::vector<uint8_t> renamed = bytes;
  renamed[6] = 'X';  // "XEAD"
  Reseal(&renamed);
  EXPECT_TRUE(Fails(Parse(renamed), Status::Code::kCorrupt, "the first section is 'XEAD' but must be 'HEAD'"));

  std::vector<uint8_t> twice = bytes;
  const size_t head_size = 12 + 81 + ImageHeader().model_name.size();
  twice.insert(twice.begin() + 6 + static_cast<std::ptrdiff_t>(head_size), bytes.begin() + 6,
               bytes.begin() + 6 + static_cast<std::ptrdiff_t>(head_size));
  EXPECT_TRUE(Fails(Parse(twice), Status::Code::kCorrupt, "a second HEAD section at byte " + std::to_string(6 + head_size)));
}

TEST(Container, WrongEnd) {
  const std::vector<uint8_t> bytes = Serialize(ImageStream());
  const size_t end = bytes.size() - 12;
  std::vector<uint8_t> not_end = bytes;
  not_end[end + 3] = 'D';  // "ENDD": an ordinary section, and then the file ends
  Reseal(&not_end);
  EXPECT_TRUE(Fails(Parse(not_end), Status::Code::kCorrupt, "without an END section"));

  std::vector<uint8_t> long_end = bytes;
  long_end.insert(long_end.end() - 4, {'x', 'y'});
  PutLE(&long_end, end + 4, 2, 4);
  Reseal(&long_end);
  EXPECT_TRUE(Fails(Parse(long_end), Status::Code::kCorrupt,
                    "END section at byte " + std::to_string(end) + " has 2 body bytes but must be empty"));
}

TEST(Container, TrailingBytesAfterEnd) {
  std::vector<uint8_t> bytes = Serialize(AudioStream());
  bytes.push_back(0);
  EXPECT_TRUE(Fails(Parse(bytes), Status::Code::kCorrupt, "1 unexpected bytes after the END section"));
  std::vector<uint8_t> twice = Serialize(AudioStream());
  const std::vector<uint8_t> end(twice.end() - 12, twice.end());
  twice.insert(twice.end(), end.begin(), end.end());
  EXPECT_TRUE(Fails(Parse(twice), Status::Code::kCorrupt, "12 unexpected bytes after the END section"));
}

TEST(Container, InvalidTagInStream) {
  std::vector<uint8_t> bytes = Serialize(ImageStream());
  const size_t first = 6 + 12 + 81 + ImageHeader().model_name.size();
  bytes[first + 1] = '\n';
  Reseal(&bytes);
  EXPECT_TRUE(Fails(Parse(bytes), Status::Code::kCorrupt,
                    "section at byte " + std::to_string(first) + " has tag 'T\\x0ALE', but tags are 4 printable"));
}

TEST(Container, HugeLengthIsRefusedWithoutAllocating) {
  const Stream in = ImageStream();
  for (size_t section = 0; section < 3; ++section) {  // HEAD, a TILE and END
    std::vector<uint8_t> bytes = Serialize(in);
    const size_t offset = section == 0 ? 6 : section == 1 ? 6 + 12 + 81 + in.header.model_name.size() : bytes.size() - 12;
    PutLE(&bytes, offset + 4, 0xFFFFFFFFu, 4);
    g_largest_allocation = 0;
    const Status s = Parse(bytes);
    EXPECT_LT(g_largest_allocation.load(), size_t{4096}) << "section " << section;
    EXPECT_TRUE(Fails(s, Status::Code::kCorrupt, "declares 4294967295 body bytes")) << "section " << section;
  }
}

TEST(Container, SectionLargerThanTheLimit) {
  Stream in{ImageHeader(), {Section{MakeTag("BIG "), std::vector<uint8_t>(300, 7)}}};
  ParseLimits limits;
  limits.max_section_bytes = 200;
  EXPECT_TRUE(Fails(Parse(Serialize(in), nullptr, limits), Status::Code::kResourceLimit,
                    "is 300 bytes, over the limit of 200 bytes; raise it with --max-section-bytes"));
  limits.max_section_bytes = 300;
  EXPECT_TRUE(Parse(Serialize(in), nullptr, limits).ok());
}

TEST(Container, TooManySections) {
  const Stream in = ImageStream();  // 3 sections
  ParseLimits limits;
  limits.max_sections = 2;
  EXPECT_TRUE(Fails(Parse(Serialize(in), nullptr, limits), Status::Code::kResourceLimit,
                    "more than 2 sections; raise the limit with --max-sections"));
  limits.max_sections = 3;
  EXPECT_TRUE(Parse(Serialize(in), nullptr, limits).ok());
}

TEST(Container, HugeDimensionsAreAResourceLimit) {
  Stream image = ImageStream();
  image.header.width = 65536;
  image.header.height = 65536;
  EXPECT_TRUE(Fails(Parse(Serialize(image)), Status::Code::kResourceLimit,
                    "image of 65536x65536 = 4294967296 pixels exceeds the limit of 268435456 pixels; raise it with --max-pixels"));
  image.header.width = image.header.height = 0xFFFFFFFF;  // the product needs all 64 bits
  EXPECT_TRUE(Fails(Parse(Serialize(image)), Status::Code::kResourceLimit, "--max-pixels"));

  Stream video = VideoStream();
  video.header.width = video.header.height = 20000;
  EXPECT_TRUE(Fails(Parse(Serialize(video)), Status::Code::kResourceLimit, "video frame of 20000x20000"));
  video = VideoStream();
  video.header.frame_count = (1 << 20) + 1;
  EXPECT_TRUE(Fails(Parse(Serialize(video)), Status::Code::kResourceLimit,
                    "video of 1048577 frames exceeds the limit of 1048576 frames; raise it with --max-frames"));

  Stream audio = AudioStream();
  audio.header.frame_count = UINT64_MAX;  // times 2 channels would overflow
  EXPECT_TRUE(Fails(Parse(Serialize(audio)), Status::Code::kResourceLimit, "raise it with --max-audio-samples"));
  audio.header.frame_count = uint64_t{1} << 31;  // exactly the limit: 2^31 x 2 channels
  EXPECT_TRUE(Parse(Serialize(audio)).ok());
  audio.header.frame_count += 1;
  EXPECT_TRUE(Fails(Parse(Serialize(audio)), Status::Code::kResourceLimit, "2147483649 samples x 2 channels"));
}

TEST(ContainerWriter, RefusesInvalidInput) {
  StreamHeader bad = ImageHeader();
  bad.width = 0;
  std::vector<uint8_t> out;
  ContainerWriter writer;
  EXPECT_TRUE(Fails(writer.OpenMemory(&out, bad), Status::Code::kInvalidArgument,
                    "cannot write container: HEAD: width is 0"));
  EXPECT_TRUE(out.empty());
  const uint8_t byte = 0;
  EXPECT_TRUE(Fails(writer.Add(MakeTag("TILE"), &byte, 1), Status::Code::kInvalidArgument, "not open"));
  EXPECT_TRUE(Fails(writer.Finish(), Status::Code::kInvalidArgument, "not open"));

  ASSERT_TRUE(writer.OpenMemory(&out, ImageHeader()).ok());
  EXPECT_TRUE(Fails(writer.OpenMemory(&out, ImageHeader()), Status::Code::kInvalidArgument, "already open"));
  for (const Tag& tag : {kHeadTag, kEndTag, Tag{'T', '\0', 'L', 'E'}}) {
    EXPECT_TRUE(Fails(writer.Add(tag, &byte, 1), Status::Code::kInvalidArgument, "other than HEAD and END"));
  }
  // Refused on its size alone, before the (absent) body is touched.
  EXPECT_TRUE(Fails(writer.Add(MakeTag("HUGE"), nullptr, size_t{1} << 32), Status::Code::kInvalidArgument,
                    "exceeds the format's 4 GiB limit"));
  ASSERT_TRUE(writer.Finish().ok());
  EXPECT_TRUE(Fails(writer.Finish(), Status::Code::kInvalidArgument, "not open"));
  EXPECT_TRUE(Parse(out).ok());

  EXPECT_TRUE(Fails(writer.Open("/nonexistent-dir/x.lcdc", ImageHeader(), false), Status::Code::kIOError,
                    "'/nonexistent-dir/x.lcdc': No such file or directory"));
}

// Everything in the folder holding `path` whose name starts with its file name.
std::vector<std::string> FilesNamedLike(const std::string& path) {
  std::vector<std::string> found;
  const std::string folder = path.substr(0, path.rfind('/'));
  const std::string stem = path.substr(path.rfind('/') + 1);
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    if (name.compare(0, stem.size(), stem) == 0) found.push_back(name);
  }
  return found;
}

TEST(ContainerWriter, UnfinishedFileLeavesNothingBehind) {
  const std::string path = TempPath("unfinished.lcdc");
  std::remove(path.c_str());
  {
    ContainerWriter writer;
    ASSERT_TRUE(writer.Open(path, AudioHeader(), false).ok());
    const uint8_t body[3] = {1, 2, 3};
    ASSERT_TRUE(writer.Add(MakeTag("AUDC"), body, sizeof(body)).ok());
    EXPECT_EQ(FilesNamedLike(path).size(), 1u) << "the temporary file, not the output";
    EXPECT_FALSE(std::filesystem::exists(path));
  }  // destroyed without Finish
  EXPECT_TRUE(FilesNamedLike(path).empty());
}

TEST(ContainerWriter, FileAppearsOnFinishWithTheFinalHeader) {
  const std::string path = TempPath("final-header.lcdc");
  std::remove(path.c_str());
  StreamHeader header = AudioHeader();
  const uint8_t body[3] = {1, 2, 3};
  {
    ContainerWriter writer;
    ASSERT_TRUE(writer.Open(path, header, false).ok());
    ASSERT_TRUE(writer.Add(MakeTag("AUDC"), body, sizeof(body)).ok());
    header.frame_count += 12345;  // learned at the end, as a streaming encoder does
    ASSERT_TRUE(writer.Finish(&header).ok());
  }
  ContainerReader reader;
  ASSERT_TRUE(reader.Open(path, ParseLimits()).ok());
  EXPECT_TRUE(reader.header() == header);
  Section s;
  bool at_end = false;
  ASSERT_TRUE(reader.Next(&s, &at_end).ok());
  EXPECT_EQ(s.body, std::vector<uint8_t>(body, body + 3));
  ASSERT_TRUE(reader.Next(&s, &at_end).ok());
  EXPECT_TRUE(at_end);

  ContainerWriter again;
  EXPECT_TRUE(Fails(again.Open(path, header, false), Status::Code::kInvalidArgument, "pass -y to overwrite it"));
  ASSERT_TRUE(again.Open(path, header, true).ok());
  StreamHeader renamed = header;
  renamed.model_name += "x";
  EXPECT_TRUE(Fails(again.Finish(&renamed), Status::Code::kInvalidArgument, "model_name length"));
  std::remove(path.c_str());
}

TEST(ContainerWriter, FinalHeaderInMemory) {
  std::vector<uint8_t> out = {42};  // a container may follow other bytes
  StreamHeader header = AudioHeader();
  ContainerWriter writer;
  ASSERT_TRUE(writer.OpenMemory(&out, header).ok());
  header.frame_count = 7;
  ASSERT_TRUE(writer.Finish(&header).ok());
  ASSERT_EQ(out[0], 42);
  StreamHeader parsed;
  std::vector<Section> sections;
  ASSERT_TRUE(ParseContainer(out.data() + 1, out.size() - 1, ParseLimits(), &parsed, &sections).ok());
  EXPECT_TRUE(parsed == header);
}

TEST(ContainerReader, OpenFailures) {
  ContainerReader reader;
  Section s;
  bool at_end = false;
  EXPECT_TRUE(Fails(reader.Next(&s, &at_end), Status::Code::kInvalidArgument, "before a successful Open"));
  EXPECT_TRUE(Fails(reader.Open("/nonexistent-dir/x.lcdc", ParseLimits()), Status::Code::kIOError,
                    "No such file or directory"));
  EXPECT_TRUE(Fails(reader.Open(::testing::TempDir(), ParseLimits()), Status::Code::kInvalidArgument,
                    "not a regular file"));
  EXPECT_TRUE(Fails(reader.Next(&s, &at_end), Status::Code::kInvalidArgument, "not a regular file"));

  const std::string path = TempPath("truncated.lcdc");
  const std::vector<uint8_t> bytes = Serialize(VideoStream());
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), 50);
  EXPECT_TRUE(Fails(reader.Open(path, ParseLimits()), Status::Code::kCorrupt, "truncated or damaged"));
  std::remove(path.c_str());
}

TEST(Container, CheckModelNamesBothModels) {
  const StreamHeader h = ImageHeader();
  EXPECT_TRUE(CheckModel(h, h.model_id, "renamed but identical").ok());
  ModelId other{};
  other[0] = 0xAB;
  other[3] = 0x01;
  EXPECT_TRUE(Fails(CheckModel(h, other, "x"), Status::Code::kInvalidArgument,
                    "stream was made with model 'image-msh-v1' (sha256 3f464d54\u2026), but the loaded model is 'x' "
                    "(sha256 ab000001\u2026)"));
}

}  // namespace
}  // namespace lcodec::bitstream
