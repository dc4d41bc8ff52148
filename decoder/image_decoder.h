// Image decoder: lcodec container bytes -> pixels.
#ifndef LCODEC_DECODER_IMAGE_DECODER_H_
#define LCODEC_DECODER_IMAGE_DECODER_H_

#include <cstdint>

#include "bitstream/container.h"
#include "common/image.h"
#include "common/status.h"
#include "runtime/image_model.h"

namespace lcodec::decoder {

struct ImageDecodeOptions {
  int threads = 1;  // entropy-decoding threads; the output does not depend on it
  bitstream::ParseLimits limits;
};

// Fails cleanly (never crashes) on damaged streams, streams of another
// modality and streams made with another model (the message names both).
Status DecodeImage(runtime::ImageModel& model, const uint8_t* data, size_t size, const ImageDecodeOptions& options,
                   Image* out);

}  // namespace lcodec::decoder

#endif  // LCODEC_DECODER_IMAGE_DECODER_H_
