#include "apps/png_io.h"

#include <png.h>

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <memory>

namespace lcodec::apps {
namespace {

// More pixels than this is a hostile or absurd file, not a photo.
constexpr uint64_t kMaxPixels = uint64_t{1} << 30;

// libpng reports through callbacks; errors keep their text here and longjmp
// back to the setjmp in the caller, warnings are dropped.
struct ErrorState {
  jmp_buf jump;
  char message[256] = "";
};

[[noreturn]] void OnError(png_structp png, png_const_charp message) {
  auto* state = static_cast<ErrorState*>(png_get_error_ptr(png));
  std::snprintf(state->message, sizeof(state->message), "%s", message);
  longjmp(state->jump, 1);
}

void OnWarning(png_structp, png_const_charp) {}

struct FileCloser {
  void operator()(FILE* file) const { std::fclose(file); }
};

void AppendBytes(png_structp png, png_bytep data, png_size_t length) {
  auto* out = static_cast<std::vector<uint8_t>*>(png_get_io_ptr(png));
  out->insert(out->end(), data, data + length);
}

void Flush(png_structp) {}

// Decodes with libpng; everything that may be skipped by longjmp (C++ objects
// with destructors) lives in the caller, so this function owns only raw state.
bool DecodeRows(png_structp png, png_infop info, FILE* file, const std::string& path, Image* out,
                std::vector<png_bytep>* rows, std::vector<uint8_t>* pixels, Status* status) {
  png_init_io(png, file);
  png_read_info(png, info);
  const png_uint_32 width = png_get_image_width(png, info);
  const png_uint_32 height = png_get_image_height(png, info);
  if (width == 0 || height == 0) {
    *status = Status::Corrupt("'" + path + "' has zero width or height");
    return false;
  }
  if (static_cast<uint64_t>(width) * height > kMaxPixels) {
    *status = Status::ResourceLimit("'" + path + "' has more than 2^30 pixels");
    return false;
  }
  const int color_type = png_get_color_type(png, info);
  const int depth = png_get_bit_depth(png, info);
  if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (color_type == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
  if (depth < 8) png_set_packing(png);
  // PNG stores 16-bit samples big-endian; we read them into native uint16.
  if (depth == 16) {
    const uint16_t probe = 1;
    uint8_t first;
    std::memcpy(&first, &probe, 1);
    if (first == 1) png_set_swap(png);
  }
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  const int channels = png_get_channels(png, info);
  const int out_depth = png_get_bit_depth(png, info);
  const size_t row_bytes = png_get_rowbytes(png, info);
  pixels->resize(row_bytes * height);
  rows->resize(height);
  for (png_uint_32 r = 0; r < height; ++r) (*rows)[r] = pixels->data() + r * row_bytes;
  png_read_image(png, rows->data());
  png_read_end(png, nullptr);

  out->width = static_cast<int>(width);
  out->height = static_cast<int>(height);
  out->channels = channels;
  out->bit_depth = out_depth;
  const size_t count = static_cast<size_t>(width) * height * channels;
  out->samples.resize(count);
  if (out_depth == 16) {
    std::memcpy(out->samples.data(), pixels->data(), count * sizeof(uint16_t));
  } else {
    for (size_t i = 0; i < count; ++i) out->samples[i] = (*pixels)[i];
  }
  return true;
}

bool EncodeRows(png_structp png, png_infop info, const Image& image, std::vector<uint8_t>* out,
                std::vector<uint8_t>* pixels, std::vector<png_bytep>* rows) {
  static const int kColorTypes[] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB,
                                    PNG_COLOR_TYPE_RGB_ALPHA};
  png_set_write_fn(png, out, AppendBytes, Flush);
  png_set_IHDR(png, info, image.width, image.height, image.bit_depth, kColorTypes[image.channels],
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  const size_t bytes_per_sample = image.bit_depth == 16 ? 2 : 1;
  const size_t row_bytes = static_cast<size_t>(image.width) * image.channels * bytes_per_sample;
  const size_t count = image.samples.size();
  pixels->resize(count * bytes_per_sample);
  // Filled big-endian by hand, so no png_set_swap is needed on any host.
  for (size_t i = 0; i < count; ++i) {
    const uint16_t v = image.samples[i];
    if (bytes_per_sample == 2) {
      (*pixels)[2 * i] = static_cast<uint8_t>(v >> 8);
      (*pixels)[2 * i + 1] = static_cast<uint8_t>(v & 0xff);
    } else {
      (*pixels)[i] = static_cast<uint8_t>(v);
    }
  }
  rows->resize(image.height);
  for (int r = 0; r < image.height; ++r) (*rows)[r] = pixels->data() + r * row_bytes;
  png_write_image(png, rows->data());
  png_write_end(png, nullptr);
  return true;
}

}  // namespace

bool HasPngSignature(const uint8_t* header, size_t size) {
  return size >= 8 && png_sig_cmp(header, 0, 8) == 0;
}

Status ReadPng(const std::string& path, Image* out) {
  std::unique_ptr<FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) return Status::IOError("cannot open '" + path + "': " + std::strerror(errno));
  ErrorState state;
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &state, OnError, OnWarning);
  if (png == nullptr) return Status::ResourceLimit("'" + path + "': out of memory");
  png_infop info = png_create_info_struct(png);
  if (info == nullptr) {
    png_destroy_read_struct(&png, nullptr, nullptr);
    return Status::ResourceLimit("'" + path + "': out of memory");
  }
  // Declared before setjmp so a longjmp skips no constructor or destructor.
  std::vector<png_bytep> rows;
  std::vector<uint8_t> pixels;
  Image image;
  Status status;
  volatile bool decoded = false;  // volatile: read after a longjmp
  if (setjmp(state.jump) == 0) {
    decoded = DecodeRows(png, info, file.get(), path, &image, &rows, &pixels, &status);
  } else {
    // libpng says "Read Error" when the file ends early.
    const std::string why = std::strcmp(state.message, "Read Error") == 0 ? "the file is truncated" : state.message;
    status = Status::Corrupt("'" + path + "' is not a valid PNG: " + why);
  }
  png_destroy_read_struct(&png, &info, nullptr);
  if (!decoded) return status;
  *out = std::move(image);
  return Status::Ok();
}

Status EncodePng(const Image& image, std::vector<uint8_t>* out) {
  if (image.channels < 1 || image.channels > 4 || (image.bit_depth != 8 && image.bit_depth != 16) ||
      image.width < 1 || image.height < 1 ||
      image.samples.size() != static_cast<size_t>(image.width) * image.height * image.channels)
    return Status::InvalidArgument("cannot write PNG: image is not 1-4 channels of 8 or 16 bits");
  ErrorState state;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &state, OnError, OnWarning);
  if (png == nullptr) return Status::ResourceLimit("cannot write PNG: out of memory");
  png_infop info = png_create_info_struct(png);
  if (info == nullptr) {
    png_destroy_write_struct(&png, nullptr);
    return Status::ResourceLimit("cannot write PNG: out of memory");
  }
  std::vector<uint8_t> bytes;
  std::vector<uint8_t> pixels;
  std::vector<png_bytep> rows;
  Status status;
  if (setjmp(state.jump) == 0) {
    EncodeRows(png, info, image, &bytes, &pixels, &rows);
  } else {
    status = Status::InvalidArgument(std::string("cannot write PNG: ") + state.message);
  }
  png_destroy_write_struct(&png, &info);
  if (!status.ok()) return status;
  *out = std::move(bytes);
  return Status::Ok();
}

}  // namespace lcodec::apps
