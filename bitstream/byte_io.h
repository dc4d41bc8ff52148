// Little-endian field encoding for the container. ByteReader and ByteWriter
// have the same Field()/Bytes()/String8() interface, so a layout can be
// written once as a template visited in both directions (see VisitHead in
// container.cc) and the reader and writer can never disagree on it.
#ifndef LCODEC_BITSTREAM_BYTE_IO_H_
#define LCODEC_BITSTREAM_BYTE_IO_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

namespace lcodec::bitstream {

// A cursor over bytes already in memory. Reading past the end yields zeros and
// latches ok() to false, so a parser can read a whole fixed layout and check
// once at the end instead of after every field (as dav1d's GetBits does).
class ByteReader {
 public:
  ByteReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  bool ok() const { return ok_; }
  size_t remaining() const { return size_ - pos_; }

  void Field(uint8_t* v) { *v = static_cast<uint8_t>(Uint(1)); }
  void Field(uint16_t* v) { *v = static_cast<uint16_t>(Uint(2)); }
  void Field(uint32_t* v) { *v = static_cast<uint32_t>(Uint(4)); }
  void Field(uint64_t* v) { *v = Uint(8); }
  // f32: the IEEE-754 bits as a u32, so the value survives exactly.
  void Field(float* v) {
    const uint32_t bits = static_cast<uint32_t>(Uint(4));
    std::memcpy(v, &bits, sizeof(bits));
  }
  // An enum is stored as its underlying integer; the caller validates it.
  template <class E, class = std::enable_if_t<std::is_enum_v<E>>>
  void Field(E* v) {
    std::underlying_type_t<E> raw;
    Field(&raw);
    *v = static_cast<E>(raw);
  }

  // Copies n bytes to dst, or zero-fills dst and fails if fewer remain.
  void Bytes(void* dst, size_t n) {
    if (const uint8_t* p = Take(n)) {
      std::memcpy(dst, p, n);
    } else {
      std::memset(dst, 0, n);
    }
  }

  // A u8 byte count followed by that many bytes.
  void String8(std::string* s) {
    uint8_t n;
    Field(&n);
    s->resize(n);
    Bytes(s->data(), n);
  }

 private:
  // The next n bytes, or nullptr (and the reader fails) if fewer remain.
  const uint8_t* Take(size_t n) {
    if (n > remaining()) {
      ok_ = false;
      pos_ = size_;
      return nullptr;
    }
    pos_ += n;
    return data_ + pos_ - n;
  }

  uint64_t Uint(size_t n) {
    const uint8_t* p = Take(n);
    uint64_t v = 0;
    for (size_t i = 0; p && i < n; ++i) v |= uint64_t{p[i]} << (8 * i);
    return v;
  }

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  bool ok_ = true;
};

// Appends little-endian fields to a byte vector. Takes pointers, like
// ByteReader, so one template can drive both.
class ByteWriter {
 public:
  explicit ByteWriter(std::vector<uint8_t>* out) : out_(out) {}

  void Field(const uint8_t* v) { Uint(*v, 1); }
  void Field(const uint16_t* v) { Uint(*v, 2); }
  void Field(const uint32_t* v) { Uint(*v, 4); }
  void Field(const uint64_t* v) { Uint(*v, 8); }
  void Field(const float* v) {
    uint32_t bits;
    std::memcpy(&bits, v, sizeof(bits));
    Uint(bits, 4);
  }
  template <class E, class = std::enable_if_t<std::is_enum_v<E>>>
  void Field(const E* v) {
    const auto raw = static_cast<std::underlying_type_t<E>>(*v);
    Field(&raw);
  }

  void Bytes(const void* src, size_t n) {
    const auto* p = static_cast<const uint8_t*>(src);
    out_->insert(out_->end(), p, p + n);
  }

  // The caller guarantees s->size() <= 255.
  void String8(const std::string* s) {
    const auto n = static_cast<uint8_t>(s->size());
    Field(&n);
    Bytes(s->data(), n);
  }

 private:
  void Uint(uint64_t v, size_t n) {
    for (size_t i = 0; i < n; ++i) out_->push_back(static_cast<uint8_t>(v >> (8 * i)));
  }

  std::vector<uint8_t>* out_;
};

}  // namespace lcodec::bitstream

#endif  // LCODEC_BITSTREAM_BYTE_IO_H_
