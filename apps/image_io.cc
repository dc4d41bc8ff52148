#include "apps/image_io.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <fstream>

#include "apps/png_io.h"
#include "common/file_util.h"

namespace lcodec::apps {
namespace {

// A PNG is known by its signature, so a misnamed one still goes to libpng.
bool LooksLikePng(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  uint8_t header[8];
  if (!file.read(reinterpret_cast<char*>(header), sizeof(header))) return false;
  return HasPngSignature(header, sizeof(header));
}

bool HasPngExtension(const std::string& path) {
  const size_t dot = path.rfind('.');
  if (dot == std::string::npos) return false;
  std::string extension = path.substr(dot);
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension == ".png";
}

}  // namespace

Status ReadImage(const std::string& path, Image* out) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) return Status::IOError("cannot open '" + path + "': no such file");
  if (LooksLikePng(path)) return ReadPng(path, out);
  cv::Mat mat;
  try {
    mat = cv::imread(path, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception&) {
    mat = cv::Mat();
  }
  if (mat.empty())
    return Status::Unsupported("'" + path + "' is not an image this build can read (PNG, JPEG, PPM, BMP, TIFF, WebP)");
  if (mat.depth() != CV_8U && mat.depth() != CV_16U)
    return Status::Unsupported("'" + path + "': only 8- and 16-bit images are supported");
  const int channels = mat.channels();
  const int bit_depth = mat.depth() == CV_16U ? 16 : 8;
  if (channels == 3) cv::cvtColor(mat, mat, cv::COLOR_BGR2RGB);
  if (channels == 4) cv::cvtColor(mat, mat, cv::COLOR_BGRA2RGBA);
  mat.convertTo(mat, CV_MAKETYPE(CV_16U, channels));  // same values, wider type
  out->width = mat.cols;
  out->height = mat.rows;
  out->channels = channels;
  out->bit_depth = bit_depth;
  out->samples.resize(static_cast<size_t>(mat.cols) * mat.rows * channels);
  for (int r = 0; r < mat.rows; ++r) {
    const uint16_t* row = mat.ptr<uint16_t>(r);
    std::copy(row, row + static_cast<size_t>(mat.cols) * channels,
              out->samples.begin() + static_cast<size_t>(r) * mat.cols * channels);
  }
  return Status::Ok();
}

Status ResizeImage(const Image& image, int width, int height, Image* out) {
  if (width < 1 || height < 1) return Status::InvalidArgument("cannot resize to an empty image");
  cv::Mat mat(image.height, image.width, CV_MAKETYPE(CV_16U, image.channels),
              const_cast<uint16_t*>(image.samples.data()));
  cv::Mat resized;
  const bool shrinking = static_cast<int64_t>(width) * height < static_cast<int64_t>(image.width) * image.height;
  cv::resize(mat, resized, cv::Size(width, height), 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_CUBIC);
  *out = Image{width, height, image.channels, image.bit_depth, {}};
  out->samples.resize(static_cast<size_t>(width) * height * image.channels);
  for (int r = 0; r < height; ++r) {
    const uint16_t* row = resized.ptr<uint16_t>(r);
    std::copy(row, row + static_cast<size_t>(width) * image.channels,
              out->samples.begin() + static_cast<size_t>(r) * width * image.channels);
  }
  return Status::Ok();
}

Status WriteImage(const std::string& path, const Image& image, bool overwrite) {
  if (HasPngExtension(path)) {
    std::vector<uint8_t> bytes;
    LCODEC_RETURN_IF_ERROR(EncodePng(image, &bytes));
    return WriteFileAtomically(path, bytes, overwrite);
  }
  const size_t dot = path.rfind('.');
  const std::string extension = dot == std::string::npos ? "" : path.substr(dot);
  cv::Mat mat(image.height, image.width, CV_MAKETYPE(CV_16U, image.channels),
              const_cast<uint16_t*>(image.samples.data()));
  cv::Mat converted;
  if (image.bit_depth == 8) mat.convertTo(converted, CV_MAKETYPE(CV_8U, image.channels));
  else converted = mat.clone();
  if (image.channels == 3) cv::cvtColor(converted, converted, cv::COLOR_RGB2BGR);
  std::vector<uint8_t> bytes;
  bool ok = false;
  try {
    ok = cv::imencode(extension, converted, bytes);
  } catch (const cv::Exception&) {
    ok = false;
  }
  if (!ok) return Status::Unsupported("cannot write '" + path + "': use .png, .ppm, .tif or .bmp");
  return WriteFileAtomically(path, bytes, overwrite);
}

}  // namespace lcodec::apps
