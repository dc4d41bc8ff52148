// Checks a TorchScript model file before libtorch reads it.
//
// libtorch 1.13 trusts the pickles inside a model archive: a damaged file
// can make its unpickler allocate tens of gigabytes (a memo index of 2^31),
// or build tensors that reach past the bytes stored for them (a storage
// claiming more elements than its record holds, a tensor larger than its
// storage), which reads out of bounds. CheckModelArchive walks the archive
// and every pickle in it the way libtorch will, without building anything,
// and rejects what libtorch would mishandle. It accepts what torch.jit.save
// writes. It does not make the model's code safe to run (see
// tests/fuzz/README.md).
#ifndef LCODEC_RUNTIME_ARCHIVE_CHECK_H_
#define LCODEC_RUNTIME_ARCHIVE_CHECK_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "common/status.h"

namespace lcodec::runtime {

// The `size` bytes of a whole model file.
Status CheckModelArchive(const uint8_t* data, size_t size);

// The tensor data a pickle may name.
struct TensorRecords {
  // The size of the record that storage `key` is read from; nullopt if none.
  std::function<std::optional<uint64_t>(const std::string& key)> size;
  // Bytes libtorch may still read for storages: each one it names is read
  // whole, however often, so a file cannot multiply its own size.
  uint64_t budget = 0;
};

// One pickle of the archive. `records` is null for pickles that may not
// name tensor data (libtorch reads tensors only for data.pkl and constants.pkl).
Status CheckPickle(const uint8_t* data, size_t size, TensorRecords* records);

}  // namespace lcodec::runtime

#endif  // LCODEC_RUNTIME_ARCHIVE_CHECK_H_
