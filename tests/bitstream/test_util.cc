#include "tests/bitstream/test_util.h"

#include <random>

#include "bitstream/crc32.h"

namespace lcodec::bitstream::testing {

namespace {

StreamHeader Common(Modality modality, const char* model_name) {
  StreamHeader h;
  h.modality = modality;
  h.model_name = model_name;
  for (size_t i = 0; i < h.model_id.size(); ++i) h.model_id[i] = static_cast<uint8_t>(0x3f + 7 * i);
  h.quality = 0.75f;
  return h;
}

}  // namespace

StreamHeader ImageHeader() {
  StreamHeader h = Common(Modality::kImage, "image-msh-v1");
  h.width = 64;
  h.height = 48;
  h.channels = 3;
  h.bit_depth = 8;
  return h;
}

StreamHeader AudioHeader() {
  StreamHeader h = Common(Modality::kAudio, "audio-v1");
  h.channels = 2;
  h.bit_depth = 16;
  h.sample_rate = 48000;
  h.frame_count = 4800;
  return h;
}

StreamHeader VideoHeader() {
  StreamHeader h = Common(Modality::kVideo, "video-\u00e9t\u00e9-v1");  // a non-ASCII name
  h.width = 32;
  h.height = 32;
  h.channels = 3;
  h.bit_depth = 10;
  h.frame_rate_num = 30000;
  h.frame_rate_den = 1001;
  h.frame_count = 3;
  h.tile_width = 16;
  h.tile_height = 16;
  return h;
}

std::vector<Section> RandomSections(Tag tag, int count, size_t max_bytes, uint32_t seed) {
  std::mt19937 rng(seed);  // mt19937's output, unlike the distributions, is portable
  std::vector<Section> sections(count);
  for (Section& s : sections) {
    s.tag = tag;
    s.body.resize(rng() % (max_bytes + 1));
    for (uint8_t& b : s.body) b = static_cast<uint8_t>(rng());
  }
  return sections;
}

std::vector<SectionSpan> LocateSections(const std::vector<uint8_t>& bytes) {
  std::vector<SectionSpan> spans;
  for (size_t offset = 6; offset + 12 <= bytes.size();) {
    uint32_t length = 0;
    for (int i = 0; i < 4; ++i) length |= uint32_t{bytes[offset + 4 + i]} << (8 * i);
    if (bytes.size() - offset - 12 < length) break;
    spans.push_back({offset, length});
    offset += 12 + size_t{length};
  }
  return spans;
}

void Reseal(std::vector<uint8_t>* bytes) {
  for (const SectionSpan& s : LocateSections(*bytes)) {
    const size_t crc_offset = s.offset + 8 + s.length;
    PutLE(bytes, crc_offset, Crc32(bytes->data() + s.offset, crc_offset - s.offset), 4);
  }
}

void PutLE(std::vector<uint8_t>* bytes, size_t offset, uint64_t value, size_t size) {
  for (size_t i = 0; i < size; ++i) (*bytes)[offset + i] = static_cast<uint8_t>(value >> (8 * i));
}

}  // namespace lcodec::bitstream::testing
