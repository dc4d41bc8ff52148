// Whole text files for the evaluation's outputs and stored items. Writes are
// atomic and replace what was there: outputs are regenerated from the items.
#ifndef LCODEC_EVAL_TEXT_FILE_H_
#define LCODEC_EVAL_TEXT_FILE_H_

#include <string>

#include "common/status.h"

namespace lcodec::eval {

Status ReadTextFile(const std::string& path, std::string* out);  // up to 64 MiB
Status WriteTextFile(const std::string& path, const std::string& text);

}  // namespace lcodec::eval

#endif  // LCODEC_EVAL_TEXT_FILE_H_
