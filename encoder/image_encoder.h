// Image encoder: pixels -> lcodec container bytes.
#ifndef LCODEC_ENCODER_IMAGE_ENCODER_H_
#define LCODEC_ENCODER_IMAGE_ENCODER_H_

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "common/image.h"
#include "common/status.h"
#include "runtime/image_model.h"
#include "runtime/tiling.h"

namespace lcodec::encoder {

inline constexpr int kMaxRefinementRounds = 64;  // more would only cost time

struct ImageEncodeOptions {
  double quality = 4;  // model's range, e.g. 1..8; higher is better quality
  int threads = 1;     // entropy-coding threads (transforms use torch's setting)
  // Rounds of latent refinement (latent_refinement.h), 0..kMaxRefinementRounds,
  // for models with rate-distortion weights: each costs about three
  // synthesis passes of time.
  int refinement_rounds = 0;
  runtime::ImageTiling tiling;     // bounds the transforms' memory
  runtime::TileProgress progress;  // called as analysis tiles finish
};

struct ImageEncodeStats {
  double estimated_bits = 0;     // -sum log2 p of the coded symbols under the model's tables
  double coded_bits = 0;         // what the range coder actually wrote for them
  double transform_seconds = 0;  // analysis, hyper-analysis, hyper-synthesis and refinement
  double entropy_seconds = 0;    // range coding
};

// InvalidArgument unless `quality` lies in the model's range.
Status CheckQuality(const runtime::ImageModel& model, double quality);

// One image's coded payload without a container: the bodies of the image
// stream's two sections (runtime/image_layout.h). The video codec stores one
// per frame.
struct ImagePayload {
  std::vector<uint8_t> hyper_latent;  // ZLAT: z
  std::vector<uint8_t> latent;        // YLAT: y - mu
};

// The first half of coding an image, which a video's predicted frames share:
// the latent y, the coded hyper-latent z and the prior it gives every latent
// value (mean and scale index, exactly what the decoder derives from z).
struct ImageLatent {
  torch::Tensor y;                 // (1, C, h, w)
  torch::Tensor means;             // (1, C, h, w)
  std::vector<uint16_t> indexes;   // C * h * w scale indexes into model.y_table()
  torch::Tensor index_map;         // the same indexes, (1, C, h, w) int32
  int64_t padded_height = 0;       // of the image the transforms saw
  // (1, 1, h, w) float: 0 where a latent position's block and its eight
  // neighbours lie wholly in the padding, 1 elsewhere. The decoder crops the
  // padding away, so CodeLatent codes the residuals at 0 as 0, the cheapest
  // symbol. The neighbours stay coded because the synthesis mixes adjacent
  // blocks: a changed padding block beside the image shows in its border
  // pixels (-0.6 dB at q8 on a photo with one block row of padding).
  // Undefined: every position is coded.
  torch::Tensor image_area;
  std::vector<uint8_t> hyper_latent;  // ZLAT body
  double hyper_latent_bits = 0;    // z's estimated bits
};

// Grayscale and RGB, 8 or 16 bits. RGBA is refused (Unsupported): the model
// codes colour only, and silently dropping alpha would lose data. Fills the
// stats' transform_seconds and entropy_seconds (z's coding); its other
// fields are the caller's.
Status AnalyzeImageLatent(runtime::ImageModel& model, const Image& image, const ImageEncodeOptions& options,
                          ImageLatent* out, ImageEncodeStats* stats = nullptr);

// The YLAT body of `latent`: its values coded step by step in the order of
// runtime/latent_coding.h, each residual y - mean rounded (rate-distortion
// optimized where the model has the weights), or 0 where image_area is 0. *y_hat receives the latent
// exactly as the decoder will decode it; *estimated_bits the symbols' cost
// under the model's tables. Adds the slice context's time to the stats'
// transform_seconds, the rest to entropy_seconds.
Status CodeLatent(runtime::ImageModel& model, const ImageLatent& latent, const ImageEncodeOptions& options,
                  std::vector<uint8_t>* out, torch::Tensor* y_hat, double* estimated_bits,
                  ImageEncodeStats* stats = nullptr);

// AnalyzeImageLatent, then CodeLatent.
Status EncodeImagePayload(runtime::ImageModel& model, const Image& image, const ImageEncodeOptions& options,
                          ImagePayload* out, ImageEncodeStats* stats = nullptr);

// The payload in an image container (bitstream/SPEC.md).
Status EncodeImage(runtime::ImageModel& model, const Image& image, const ImageEncodeOptions& options,
                   std::vector<uint8_t>* out, ImageEncodeStats* stats = nullptr);

}  // namespace lcodec::encoder

#endif  // LCODEC_ENCODER_IMAGE_ENCODER_H_
