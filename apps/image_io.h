// Reading and writing image files for the CLI: PNG (8/16-bit, any colour
// type) through libpng (apps/png_io.h), JPEG, PPM/PGM, BMP, TIFF and WebP
// through OpenCV.
#ifndef LCODEC_APPS_IMAGE_IO_H_
#define LCODEC_APPS_IMAGE_IO_H_

#include <string>

#include "common/image.h"
#include "common/status.h"

namespace lcodec::apps {

Status ReadImage(const std::string& path, Image* out);

// Resamples to width x height (area averaging when shrinking, bicubic when
// growing); for benchmarks that need a photo of a given size.
Status ResizeImage(const Image& image, int width, int height, Image* out);

// The format follows the extension (.png, .ppm, .tif, ...); written atomically.
Status WriteImage(const std::string& path, const Image& image, bool overwrite);

}  // namespace lcodec::apps

#endif  // LCODEC_APPS_IMAGE_IO_H_
