// How an image maps onto model tensors, shared by encoder and decoder so the
// two sides cannot disagree: padding to the model's multiple, the section
// tags of the image payload, and pixel <-> tensor conversion.
#ifndef LCODEC_RUNTIME_IMAGE_LAYOUT_H_
#define LCODEC_RUNTIME_IMAGE_LAYOUT_H_

#include <torch/torch.h>

#include "bitstream/container.h"
#include "common/image.h"

namespace lcodec::runtime {

// Image payload sections, in this order: the hyper-latent z, then the
// latent residuals y - mu in the order of runtime/latent_coding.h
// (entropy/symbol_coder.h blobs; bitstream/SPEC.md, "Image payload").
inline constexpr bitstream::Tag kHyperLatentTag = bitstream::MakeTag("ZLAT");
inline constexpr bitstream::Tag kLatentTag = bitstream::MakeTag("YLAT");

// `size` rounded up to a multiple of `multiple`.
inline int64_t PaddedSize(int64_t size, int64_t multiple) { return (size + multiple - 1) / multiple * multiple; }

// (1, 3, H', W') float in [0, 1], H' and W' padded to `multiple` by
// repeating the edge pixels (cheaper to code than a hard black border).
// Grayscale is repeated into the three colour channels. channels must be 1 or 3.
torch::Tensor ImageToTensor(const Image& image, int multiple);

// The inverse: crops (1, 3, H', W') back to width x height, rounds and clamps.
void TensorToImage(const torch::Tensor& x, int width, int height, int channels, int bit_depth, Image* out);

}  // namespace lcodec::runtime

#endif  // LCODEC_RUNTIME_IMAGE_LAYOUT_H_
