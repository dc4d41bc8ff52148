// A fixed libtorch thread count for the transforms whose output must not
// depend on the caller's --threads.
//
// libtorch (oneDNN, OpenBLAS) splits a convolution's sums differently for
// different intra-op thread counts, and float sums in another order differ
// in the last bits: measured on the shipped image model, every stage of the
// synthesis differs between 1 and 2 threads by ~1e-6, enough to flip some
// 8-bit output values. So decoders run their synthesis with one fixed count,
// whatever --threads says (which still sets the entropy coder's threads and
// the encoder's transforms, whose output only changes the stream, not how
// it decodes).
#ifndef LCODEC_RUNTIME_TORCH_THREADS_H_
#define LCODEC_RUNTIME_TORCH_THREADS_H_

#include <ATen/Parallel.h>

namespace lcodec::runtime {

inline constexpr int kSynthesisThreads = 2;

// Sets libtorch's intra-op thread count (a per-OS-thread setting under
// OpenMP) for the lifetime of the object, then restores it.
class ScopedTorchThreads {
 public:
  explicit ScopedTorchThreads(int threads) : previous_(at::get_num_threads()) { at::set_num_threads(threads); }
  ~ScopedTorchThreads() { at::set_num_threads(previous_); }
  ScopedTorchThreads(const ScopedTorchThreads&) = delete;
  ScopedTorchThreads& operator=(const ScopedTorchThreads&) = delete;

 private:
  int previous_;
};

}  // namespace lcodec::runtime

#endif  // LCODEC_RUNTIME_TORCH_THREADS_H_
