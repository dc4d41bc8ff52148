// The order in which an image latent's values are coded, and the prior of
// each value (bitstream/SPEC.md, "Latent coding order"), shared by encoder
// and decoder.
//
// A model without a slice context codes the latent in one step: every
// value, channel-major, with the hyperprior's mean and scale index. A model
// with one codes it in two steps per slice (ImageModel::slices): first the
// slice's checkerboard anchors, the positions with (row + column) even, then
// the others. Before each step the model's SlicePrior refines the
// hyperprior's prediction from the values decoded so far, so a decoder must
// decode each step before it can read the next one's scale indexes. Within
// a step, values go channel by channel (in the slice's order), then row by
// row.
#ifndef LCODEC_RUNTIME_LATENT_CODING_H_
#define LCODEC_RUNTIME_LATENT_CODING_H_

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "runtime/image_model.h"
#include "runtime/tiling.h"

namespace lcodec::runtime {

struct LatentCodingStep {
  std::vector<int64_t> channels;  // in coding order
  int slice = -1;                 // the model's slice; -1: the hyperprior alone
  int parity = -1;                // positions with (row + column) % 2 == parity; -1: all
};

// The steps for a latent of `channels` channels. Throws std::runtime_error if
// the model's slices do not hold that many channels.
std::vector<LatentCodingStep> LatentCodingSteps(const ImageModel& model, int64_t channels);

// The step's values of t (1, C, h, w), flattened in coding order.
torch::Tensor GatherStep(const torch::Tensor& t, const LatentCodingStep& step);

// Writes `values` (coding order, as GatherStep gives) into t's step values.
void ScatterStep(const LatentCodingStep& step, const torch::Tensor& values, torch::Tensor* t);

// The prior of the step's values, in coding order: means (float) and scale
// indexes (checked to lie in model.y_table()). y_hat (1, C, h, w) holds the
// values of earlier steps and zeros elsewhere; base_means and base_indexes
// are the hyperprior's (HyperSynthesizeImage). Exact, whatever the tiling;
// `image_height` is the padded image's. Throws on a damaged model.
void StepPrior(ImageModel& model, const LatentCodingStep& step, const torch::Tensor& y_hat,
               const torch::Tensor& base_means, const torch::Tensor& base_indexes, int64_t image_height,
               const ImageTiling& tiling, torch::Tensor* means, std::vector<uint16_t>* indexes);

}  // namespace lcodec::runtime

#endif  // LCODEC_RUNTIME_LATENT_CODING_H_
