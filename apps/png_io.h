// PNG through libpng directly, so that errors become one Status line and
// libpng's warnings (e.g. "iCCP: known incorrect sRGB profile") stay silent.
#ifndef LCODEC_APPS_PNG_IO_H_
#define LCODEC_APPS_PNG_IO_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/image.h"
#include "common/status.h"

namespace lcodec::apps {

// True when `header` (at least 8 bytes) starts with the PNG signature.
bool HasPngSignature(const uint8_t* header, size_t size);

// Any PNG: palette and 1/2/4-bit samples become 8-bit, tRNS becomes alpha,
// 16-bit samples stay 16-bit.
Status ReadPng(const std::string& path, Image* out);

// Gray, gray+alpha, RGB or RGBA at 8 or 16 bits; default compression.
Status EncodePng(const Image& image, std::vector<uint8_t>* out);

}  // namespace lcodec::apps

#endif  // LCODEC_APPS_PNG_IO_H_
