// Image decoder: lcodec container bytes -> pixels.
#ifndef LCODEC_DECODER_IMAGE_DECODER_H_
#define LCODEC_DECODER_IMAGE_DECODER_H_

#include <cstdint>

#include "bitstream/container.h"
#include "common/image.h"
#include "common/status.h"
#include "runtime/image_model.h"
#include "runtime/tiling.h"

namespace lcodec::decoder {

struct ImageDecodeOptions {
  int threads = 1;  // entropy-decoding threads; the output does not depend on it
  bitstream::ParseLimits limits;
  // Tiling of the transforms. Tiles change float summation order, so every
  // decoder must keep the default for streams to decode to the same pixels
  // everywhere; tests change it to compare.
  runtime::ImageTiling tiling;
  runtime::TileProgress progress;  // called as synthesis tiles finish
};

struct ImageDecodeStats {
  double transform_seconds = 0;  // hyper-synthesis and synthesis
  double entropy_seconds = 0;    // range decoding
};

// Fails cleanly (never crashes) on damaged streams, streams of another
// modality and streams made with another model (the message names both).
Status DecodeImage(runtime::ImageModel& model, const uint8_t* data, size_t size, const ImageDecodeOptions& options,
                   Image* out, ImageDecodeStats* stats = nullptr);

// One image payload without its container (encoder::EncodeImagePayload): the
// ZLAT and YLAT bodies of an image whose width, height, channels, bit depth
// and quality `header` gives (an image's or a video's header; the caller has
// checked its model). options.limits are not used: the header was checked.
Status DecodeImagePayload(runtime::ImageModel& model, const bitstream::StreamHeader& header,
                          const uint8_t* hyper_latent, size_t hyper_latent_size, const uint8_t* latent,
                          size_t latent_size, const ImageDecodeOptions& options, Image* out,
                          ImageDecodeStats* stats = nullptr);

}  // namespace lcodec::decoder

#endif  // LCODEC_DECODER_IMAGE_DECODER_H_
