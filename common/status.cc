#include "common/status.h"

namespace lcodec {

std::string Status::ToString() const {
  const char* prefix = "ok";
  switch (code_) {
    case Code::kOk: return "ok";
    case Code::kInvalidArgument: prefix = "invalid argument"; break;
    case Code::kCorrupt: prefix = "corrupt input"; break;
    case Code::kUnsupported: prefix = "unsupported"; break;
    case Code::kIOError: prefix = "I/O error"; break;
    case Code::kResourceLimit: prefix = "resource limit"; break;
  }
  return std::string(prefix) + ": " + message_;
}

}  // namespace lcodec
