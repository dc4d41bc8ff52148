// The audio model's transforms on one chunk of a long signal: the 1-D
// counterpart of runtime/tiling.h. A chunk's analysis and synthesis run on
// the chunk plus up to the model's margin of context from its neighbours
// and keep only the chunk's part of the output, which equals (up to float
// summation order) one pass over the whole signal: no seams at chunk
// borders. The hyper transforms see only their chunk: each chunk has its
// own hyper-latent, so a chunk's entropy coding needs no other chunk.
//
// Shapes are checked, since a model file is data from outside.
#ifndef LCODEC_RUNTIME_AUDIO_TRANSFORMS_H_
#define LCODEC_RUNTIME_AUDIO_TRANSFORMS_H_

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "runtime/audio_model.h"

namespace lcodec::runtime {

// x: (B, 1, T) samples with the chunk at [core_offset, core_offset +
// core_length); all three multiples of downsampling(). -> the chunk's latent
// y (B, M, core_length / latent_stride).
torch::Tensor AnalyzeChunk(AudioModel& model, const torch::Tensor& x, int64_t core_offset, int64_t core_length,
                           double quality);

// y of one chunk -> its hyper-latent z (B, N, T / downsampling), not rounded.
torch::Tensor HyperAnalyzeChunk(AudioModel& model, const torch::Tensor& y);

// Exact: z_hat (B, N, t) -> means (float) and scale indexes (int32), each
// (B, M, t * downsampling / latent_stride).
void HyperSynthesizeChunk(AudioModel& model, const torch::Tensor& z_hat, torch::Tensor* means,
                          torch::Tensor* indexes);

// Whether every scale index lies in [0, table_size): a model file is data
// from outside, and its indexes pick CDFs.
bool IndexesWithin(const torch::Tensor& indexes, size_t table_size);

// latent: (B, M, t) with the chunk at [core_offset, core_offset +
// core_length), in latents, and its first step at `first_frame` of the
// whole signal -> the chunk's samples (B, 1, core_length * latent_stride).
torch::Tensor SynthesizeChunk(AudioModel& model, const AudioLatent& latent, int64_t first_frame,
                              int64_t core_offset, int64_t core_length, double quality);

// Steps [begin, end) of a latent, and latents joined in time (the chunk
// with its neighbours' margins).
AudioLatent SliceLatent(const AudioLatent& latent, int64_t begin, int64_t end);
AudioLatent JoinLatents(const std::vector<AudioLatent>& parts);

}  // namespace lcodec::runtime

#endif  // LCODEC_RUNTIME_AUDIO_TRANSFORMS_H_
