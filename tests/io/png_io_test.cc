#include "apps/png_io.h"

#include <gtest/gtest.h>
#include <png.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "apps/image_io.h"

namespace lcodec::apps {
namespace {

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "png_io_test_" + std::to_string(getpid()) + "_" + name;
}

void WriteBytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

void AppendBytes(png_structp png, png_bytep data, png_size_t length) {
  auto* out = static_cast<std::vector<uint8_t>*>(png_get_io_ptr(png));
  out->insert(out->end(), data, data + length);
}

// Writes a PNG of packed rows with libpng itself, for the layouts EncodePng
// never produces (palette, 1 bit, interlaced, tRNS).
std::vector<uint8_t> RawPng(int width, int height, int depth, int color_type, int interlace,
                            const std::vector<std::vector<uint8_t>>& rows,
                            const std::vector<png_color>& palette = {}, const std::vector<uint8_t>& trans = {}) {
  std::vector<uint8_t> out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  png_set_write_fn(png, &out, AppendBytes, nullptr);
  png_set_IHDR(png, info, width, height, depth, color_type, interlace, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  if (!palette.empty()) png_set_PLTE(png, info, palette.data(), static_cast<int>(palette.size()));
  if (!trans.empty()) png_set_tRNS(png, info, trans.data(), static_cast<int>(trans.size()), nullptr);
  png_write_info(png, info);
  std::vector<png_bytep> pointers;
  for (const auto& row : rows) pointers.push_back(const_cast<png_bytep>(row.data()));
  png_write_image(png, pointers.data());
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}

Image Pattern(int width, int height, int channels, int bit_depth) {
  Image image{width, height, channels, bit_depth, {}};
  const uint32_t max = (1u << bit_depth) - 1;
  for (size_t i = 0; i < static_cast<size_t>(width) * height * channels; ++i)
    image.samples.push_back(static_cast<uint16_t>((i * 2654435761u) % (max + 1)));
  image.samples[0] = static_cast<uint16_t>(max);
  return image;
}

// Reads `path` with ReadPng, failing the test if libpng printed anything.
Status ReadQuietly(const std::string& path, Image* out) {
  ::testing::internal::CaptureStderr();
  Status status = ReadPng(path, out);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  return status;
}

TEST(PngIoTest, RoundTripsEveryLayout) {
  for (int channels : {1, 2, 3, 4}) {
    for (int bit_depth : {8, 16}) {
      SCOPED_TRACE("channels " + std::to_string(channels) + ", " + std::to_string(bit_depth) + " bit");
      const Image image = Pattern(37, 23, channels, bit_depth);
      std::vector<uint8_t> bytes;
      ASSERT_TRUE(EncodePng(image, &bytes).ok());
      const std::string path = TempPath("roundtrip.png");
      WriteBytes(path, bytes);
      Image decoded;
      ASSERT_TRUE(ReadQuietly(path, &decoded).ok());
      EXPECT_EQ(decoded.width, image.width);
      EXPECT_EQ(decoded.height, image.height);
      EXPECT_EQ(decoded.channels, image.channels);
      EXPECT_EQ(decoded.bit_depth, image.bit_depth);
      EXPECT_EQ(decoded.samples, image.samples);
      std::remove(path.c_str());
    }
  }
}

TEST(PngIoTest, WriteImageAndReadImageUsePngWhateverTheName) {
  const Image image = Pattern(5, 3, 3, 16);
  const std::string path = TempPath("upper.PNG");
  std::remove(path.c_str());
  ASSERT_TRUE(WriteImage(path, image, /*overwrite=*/false).ok());
  // A PNG misnamed .jpg is still read as PNG, by its signature.
  const std::string misnamed = TempPath("misnamed.jpg");
  std::rename(path.c_str(), misnamed.c_str());
  Image decoded;
  ASSERT_TRUE(ReadImage(misnamed, &decoded).ok());
  EXPECT_EQ(decoded.bit_depth, 16);
  EXPECT_EQ(decoded.samples, image.samples);
  std::remove(misnamed.c_str());
}

TEST(PngIoTest, PaletteWithTransparencyExpandsToRgba) {
  const std::vector<png_color> palette = {{10, 20, 30}, {200, 100, 0}, {1, 2, 3}};
  const std::vector<uint8_t> trans = {255, 128};  // entry 2 stays opaque
  const std::string path = TempPath("palette.png");
  WriteBytes(path, RawPng(3, 1, 8, PNG_COLOR_TYPE_PALETTE, PNG_INTERLACE_NONE, {{2, 0, 1}}, palette, trans));
  Image image;
  ASSERT_TRUE(ReadQuietly(path, &image).ok());
  EXPECT_EQ(image.channels, 4);
  EXPECT_EQ(image.bit_depth, 8);
  EXPECT_EQ(image.samples, (std::vector<uint16_t>{1, 2, 3, 255, 10, 20, 30, 255, 200, 100, 0, 128}));
  std::remove(path.c_str());
}

TEST(PngIoTest, PaletteWithoutTransparencyExpandsToRgb) {
  const std::vector<png_color> palette = {{10, 20, 30}, {200, 100, 0}};
  const std::string path = TempPath("palette4.png");
  // 4-bit indices 1, 0, 1 packed high nibble first.
  WriteBytes(path, RawPng(3, 1, 4, PNG_COLOR_TYPE_PALETTE, PNG_INTERLACE_NONE, {{0x10, 0x10}}, palette));
  Image image;
  ASSERT_TRUE(ReadQuietly(path, &image).ok());
  EXPECT_EQ(image.channels, 3);
  EXPECT_EQ(image.samples, (std::vector<uint16_t>{200, 100, 0, 10, 20, 30, 200, 100, 0}));
  std::remove(path.c_str());
}

TEST(PngIoTest, OneBitGrayExpandsTo0And255) {
  const std::string path = TempPath("onebit.png");
  // 10 pixels: 1011001110 packed MSB first.
  WriteBytes(path, RawPng(10, 1, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, {{0b10110011, 0b10000000}}));
  Image image;
  ASSERT_TRUE(ReadQuietly(path, &image).ok());
  EXPECT_EQ(image.channels, 1);
  EXPECT_EQ(image.bit_depth, 8);
  EXPECT_EQ(image.samples, (std::vector<uint16_t>{255, 0, 255, 255, 0, 0, 255, 255, 255, 0}));
  std::remove(path.c_str());
}

TEST(PngIoTest, InterlacedImageDecodes) {
  const int width = 13, height = 11;
  std::vector<std::vector<uint8_t>> rows(height);
  std::vector<uint16_t> expected;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width * 3; ++x) {
      rows[y].push_back(static_cast<uint8_t>(y * 31 + x * 7));
      expected.push_back(static_cast<uint8_t>(y * 31 + x * 7));
    }
  }
  const std::string path = TempPath("interlaced.png");
  WriteBytes(path, RawPng(width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_ADAM7, rows));
  Image image;
  ASSERT_TRUE(ReadQuietly(path, &image).ok());
  EXPECT_EQ(image.width, width);
  EXPECT_EQ(image.samples, expected);
  std::remove(path.c_str());
}

// The read fails with one line naming the file and containing `says`.
void ExpectOneLineFailure(const std::vector<uint8_t>& bytes, const std::string& name, const std::string& says = "") {
  const std::string path = TempPath(name);
  WriteBytes(path, bytes);
  Image image;
  const Status status = ReadQuietly(path, &image);
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.message().find('\n'), std::string::npos) << status.message();
  EXPECT_NE(status.message().find(path), std::string::npos) << status.message();
  EXPECT_NE(status.message().find(says), std::string::npos) << status.message();
  std::remove(path.c_str());
}

TEST(PngIoTest, TruncatedFileFailsWithOneLine) {
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(EncodePng(Pattern(64, 64, 3, 8), &bytes).ok());
  bytes.resize(bytes.size() / 2);
  ExpectOneLineFailure(bytes, "truncated.png", "the file is truncated");
  bytes.resize(20);  // inside IHDR
  ExpectOneLineFailure(bytes, "truncated_header.png");
}

TEST(PngIoTest, CorruptCrcFailsWithOneLine) {
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(EncodePng(Pattern(16, 16, 1, 8), &bytes).ok());
  bytes[8 + 8 + 13] ^= 0xff;  // IHDR's CRC: after signature, length+type, 13 data bytes
  ExpectOneLineFailure(bytes, "bad_crc.png");
}

TEST(PngIoTest, DamagedIccpWarningIsSilent) {
  // libpng warns about some ICC profiles; a warning must not reach stderr.
  // A damaged iCCP chunk is a benign error, which libpng reports as a warning.
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(EncodePng(Pattern(4, 4, 3, 8), &bytes).ok());
  const std::vector<uint8_t> body = {'i', 'C', 'C', 'P', 'x', 0, 0, 0x78, 0x9c};  // name, method, bad zlib
  const uint32_t crc = static_cast<uint32_t>(crc32(0, body.data(), static_cast<unsigned>(body.size())));
  std::vector<uint8_t> with_chunk(bytes.begin(), bytes.begin() + 33);  // signature + IHDR
  with_chunk.insert(with_chunk.end(), {0, 0, 0, 5});                    // data length
  with_chunk.insert(with_chunk.end(), body.begin(), body.end());
  for (int shift : {24, 16, 8, 0}) with_chunk.push_back(static_cast<uint8_t>(crc >> shift));
  with_chunk.insert(with_chunk.end(), bytes.begin() + 33, bytes.end());
  const std::string path = TempPath("iccp.png");
  WriteBytes(path, with_chunk);
  Image image;
  ASSERT_TRUE(ReadQuietly(path, &image).ok());
  EXPECT_EQ(image.width, 4);
  std::remove(path.c_str());
}

TEST(PngIoTest, ZeroWidthIsRefused) {
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(EncodePng(Pattern(4, 4, 1, 8), &bytes).ok());
  std::fill(bytes.begin() + 16, bytes.begin() + 20, 0);  // IHDR width
  ExpectOneLineFailure(bytes, "zero_width.png");
}

}  // namespace
}  // namespace lcodec::apps
