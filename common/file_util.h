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

// Writes `data` to a temporary file beside `path`, flushes it to disk and
// renames it over `path`: readers see the old file or the whole new one,
// never a partial one. Refuses to replace an existing file unless `overwrite`.
Status WriteFileAtomically(const std::string& path, const std::vector<uint8_t>& data, bool overwrite);

}  // namespace lcodec

#endif  // LCODEC_COMMON_FILE_UTIL_H_
