#include "eval/text_file.h"

#include <cstdint>
#include <vector>

#include "common/file_util.h"

namespace lcodec::eval {

Status ReadTextFile(const std::string& path, std::string* out) {
  std::vector<uint8_t> bytes;
  LCODEC_RETURN_IF_ERROR(ReadFile(path, 64 << 20, &bytes));
  out->assign(bytes.begin(), bytes.end());
  return Status::Ok();
}

Status WriteTextFile(const std::string& path, const std::string& text) {
  return WriteFileAtomically(path, std::vector<uint8_t>(text.begin(), text.end()), /*overwrite=*/true);
}

}  // namespace lcodec::eval
