// Whole-file reads and atomic writes.
#ifndef LCODEC_COMMON_FILE_UTIL_H_
#define LCODEC_COMMON_FILE_UTIL_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "common/status.h"

namespace lcodec {

// Reads all of `path`, refusing files larger than `max_bytes`.
Status ReadFile(const std::string& path, size_t max_bytes, std::vector<uint8_t>* out);

// Writes `data` to a temporary file beside `path` ("<path>.tmp-<pid>-<n>"),
// flushes it to disk and renames it over `path`: readers see the old file or
// the whole new one, never a partial one. Refuses to replace an existing file
// unless `overwrite`.
//
// Nothing is left behind when the write fails (disk full, file size limit,
// unwritable folder) or the process is stopped by SIGINT, SIGTERM, SIGHUP or
// SIGXFSZ meanwhile: the first call installs handlers for those signals
// (unless they are ignored) that remove the temporary file and then let the
// signal take its course. SIGKILL cannot be caught; it can leave the
// temporary file, never a partial `path`.
Status WriteFileAtomically(const std::string& path, const std::vector<uint8_t>& data, bool overwrite);

// The same guarantees for an output written piece by piece (long audio and
// video): everything goes to a temporary file beside `path`, and only
// Commit() puts it in place. Destroying an uncommitted file removes the
// temporary one, as do SIGINT, SIGTERM, SIGHUP and SIGXFSZ.
//
//   AtomicOutputFile out;
//   LCODEC_RETURN_IF_ERROR(out.Create(path, overwrite));
//   ... write through out.file(), or let a library write out.temp_path() ...
//   LCODEC_RETURN_IF_ERROR(out.Commit());
class AtomicOutputFile {
 public:
  AtomicOutputFile() = default;
  AtomicOutputFile(const AtomicOutputFile&) = delete;
  AtomicOutputFile& operator=(const AtomicOutputFile&) = delete;
  ~AtomicOutputFile();

  // Refuses an existing `path` unless `overwrite`, and a folder always.
  Status Create(const std::string& path, bool overwrite);

  // Valid between Create and Commit. A library that opens files by name (a
  // muxer, libsndfile) may write temp_path() instead of file(); it must have
  // closed it before Commit.
  std::FILE* file() { return file_; }
  const std::string& temp_path() const { return temp_path_; }

  // Flushes, syncs and closes the temporary file and renames it over `path`.
  // On failure the temporary file is removed and `path` is untouched.
  Status Commit();

 private:
  void Discard();

  std::string path_, temp_path_;
  std::FILE* file_ = nullptr;
  int slot_ = -1;  // entry in the signal handler's list of temporary files
};

}  // namespace lcodec

#endif  // LCODEC_COMMON_FILE_UTIL_H_
