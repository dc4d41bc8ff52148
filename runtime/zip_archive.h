// ZipArchive: the members of a ZIP file held in memory, as libtorch's
// reader (miniz) will see them. A TorchScript model file is a ZIP archive;
// lcodec reads its directory itself so that it can check the pickles and
// tensor records inside (runtime/archive_check.h) before libtorch trusts
// them.
//
// Only what torch.jit.save writes is accepted: stored or deflated members,
// the ZIP64 end records it always adds, no member sizes that need ZIP64.
#ifndef LCODEC_RUNTIME_ZIP_ARCHIVE_H_
#define LCODEC_RUNTIME_ZIP_ARCHIVE_H_

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"

namespace lcodec::runtime {

class ZipArchive {
 public:
  struct Member {
    std::string name;
    bool deflated = false;
    uint64_t compressed_size = 0;
    uint64_t size = 0;         // uncompressed
    uint64_t data_offset = 0;  // where the (compressed) bytes start in the file
  };

  // Parses the directory of `size` bytes at `data`, which must outlive the
  // archive. Fails on anything miniz could read differently: a directory or
  // member outside the file, a stored member whose sizes differ, deflated
  // members claiming more than `max_inflated_size` bytes in all, a name
  // that appears twice.
  static Status Open(const uint8_t* data, size_t size, uint64_t max_inflated_size, ZipArchive* out);

  const std::vector<Member>& members() const { return members_; }
  // The member of that name, compared as miniz does (ignoring ASCII case); null if none.
  const Member* Find(const std::string& name) const;
  // The uncompressed bytes of `member` (inflated when deflated).
  Status Read(const Member& member, std::vector<uint8_t>* out) const;

 private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  std::vector<Member> members_;
  std::unordered_map<std::string, size_t> index_;  // lower-cased name -> members_ index
};

}  // namespace lcodec::runtime

#endif  // LCODEC_RUNTIME_ZIP_ARCHIVE_H_
