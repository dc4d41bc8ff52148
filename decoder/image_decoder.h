// Image decoder: lcodec container bytes -> pixels.
#ifndef LCODEC_DECODER_IMAGE_DECODER_H_
#define LCODEC_DECODER_IMAGE_DECODER_H_

#include <torch/torch.h>

#include <cstdint>
#include <vector>

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
// *y_hat, if given, receives the decoded latent, mean + r without the
// model's reconstruction shift (a video's next reference).
Status DecodeImagePayload(runtime::ImageModel& model, const bitstream::StreamHeader& header,
                          const uint8_t* hyper_latent, size_t hyper_latent_size, const uint8_t* latent,
                          size_t latent_size, const ImageDecodeOptions& options, Image* out,
                          ImageDecodeStats* stats = nullptr, torch::Tensor* y_hat = nullptr);

// The steps of DecodeImagePayload, which a video's predicted frames share.
// The prior of every latent value, from a ZLAT body: means (1, C, h, w) and
// scale indexes (C * h * w, checked to lie in model.y_table()). Adds the
// time spent range decoding to *entropy_seconds.
struct LatentPrior {
  torch::Tensor means;
  std::vector<uint16_t> indexes;
  torch::Tensor index_map;  // the same indexes, (1, C, h, w) int32
};
Status DecodeLatentPrior(runtime::ImageModel& model, const bitstream::StreamHeader& header,
                         const uint8_t* hyper_latent, size_t hyper_latent_size, const ImageDecodeOptions& options,
                         LatentPrior* out, double* entropy_seconds);

// y_hat (1, C, h, w) -> the image `header` describes.
Status SynthesizeLatent(runtime::ImageModel& model, const bitstream::StreamHeader& header, const torch::Tensor& y_hat,
                        const ImageDecodeOptions& options, Image* out);

}  // namespace lcodec::decoder

#endif  // LCODEC_DECODER_IMAGE_DECODER_H_
