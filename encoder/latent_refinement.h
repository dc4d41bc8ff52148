// Refinement of a coded latent against the pixels it decodes to (encoder
// only; the decoder reads whatever integers the stream holds).
//
// Rate-distortion rounding (rdo_rounding.h) judges each latent value alone,
// as if the synthesis were the orthonormal block DCT. It is not: learned
// filters after the inverse DCT mix neighbouring blocks, so the errors of
// different values add up or cancel in the pixels. Refinement starts from
// the rounded latent and, round by round, gets from one backward pass of
// the synthesis the gradient g of the pixels' weighted squared error with
// respect to every decoded value, then moves a value one step (d = +-1)
// where the second-order estimate of the cost change
//   g * s + weight[channel] * s^2 + bits(r + d) - bits(r)
// is negative, s being how far the synthesis input moves: d plus the change
// of the model's reconstruction shift (ImageModel::ReconstructionShift). Costs are the training loss's (distortion weighted by the
// level's lambda), and the curvature is exact for the orthonormal block DCT
// alone: the rounding's weight without its factor 2, which stands in for
// what rounding one value at a time cannot see and refinement measures. On
// 8 val photos (README, Images) keeping the factor left every value in
// place, and half the curvature moved far too many. Each round moves half
// the positions, a checkerboard, since the estimate cannot see moves of
// neighbours whose pixels overlap. The prior (means, scale indexes) stays
// the one the first coding pass gave every value; coding the refined
// values again re-derives it from the context.
#ifndef LCODEC_ENCODER_LATENT_REFINEMENT_H_
#define LCODEC_ENCODER_LATENT_REFINEMENT_H_

#include <torch/torch.h>

#include "common/status.h"
#include "runtime/image_model.h"
#include "runtime/tiling.h"

namespace lcodec::encoder {

// What refinement measures against, all (1, C, h, w) at the latent's size
// unless noted.
struct RefinementProblem {
  torch::Tensor image;         // (1, 3, H, W) the padded image in [0, 1]
  torch::Tensor image_weight;  // (1, 1, H, W) 1 on the image's pixels, 0 in the padding
  torch::Tensor means;         // each value's coded mean
  torch::Tensor indexes;       // each value's scale index (int32)
  torch::Tensor frozen;        // (1, 1, h, w) 1 where values must stay as they are (the padding)
  torch::Tensor weights;       // (C) float64 curvature: QuantizationWeights / rounding_distortion_factor
  double distortion_weight = 0;  // cost of a unit squared pixel error (ImageModel::DistortionWeight)
  double quality = 0;
};

// Refines *y_hat (means + integers, as coding left it) in place: `rounds`
// rounds as above, each about three synthesis passes of time. Tiled like
// the synthesis, so memory stays bounded; near tile seams the gradient is
// approximate, which costs only optimality (the coded values are exact).
Status RefineLatent(runtime::ImageModel& model, const RefinementProblem& problem, int rounds,
                    const runtime::ImageTiling& tiling, torch::Tensor* y_hat);

}  // namespace lcodec::encoder

#endif  // LCODEC_ENCODER_LATENT_REFINEMENT_H_
