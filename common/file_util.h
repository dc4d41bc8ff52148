// Whole-file reads and atomic writes.
#ifndef LCODEC_COMMON_FILE_UTIL_H_
#define LCODEC_COMMON_FILE_UTIL_H_

#include <cstdint>
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

}  // namespace lcodec

#endif  // LCODEC_COMMON_FILE_UTIL_H_
