// Status: the result of an operation that can fail, in the style of LevelDB.
//
// lcodec reads files written by strangers, so almost every decoding step can
// fail. Functions return a Status instead of throwing, so that every caller
// sees the failure in its signature and the CLI can print one clear line.
#ifndef LCODEC_COMMON_STATUS_H_
#define LCODEC_COMMON_STATUS_H_

#include <string>
#include <utility>

namespace lcodec {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,  // the caller (or user) asked for something impossible
    kCorrupt,          // the input bytes are malformed or damaged
    kUnsupported,      // well-formed input that this build cannot handle
    kIOError,          // the operating system refused a read or write
    kResourceLimit,    // the input asks for more memory or time than allowed
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) { return Status(Code::kInvalidArgument, std::move(msg)); }
  static Status Corrupt(std::string msg) { return Status(Code::kCorrupt, std::move(msg)); }
  static Status Unsupported(std::string msg) { return Status(Code::kUnsupported, std::move(msg)); }
  static Status IOError(std::string msg) { return Status(Code::kIOError, std::move(msg)); }
  static Status ResourceLimit(std::string msg) { return Status(Code::kResourceLimit, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // "corrupt: section HEAD: CRC mismatch" and the like; "ok" when ok.
  std::string ToString() const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}

  Code code_ = Code::kOk;
  std::string message_;
};

}  // namespace lcodec

// Returns early from the enclosing function when `expr` yields a failed Status.
#define LCODEC_RETURN_IF_ERROR(expr)              \
  do {                                            \
    ::lcodec::Status lcodec_status_ = (expr);     \
    if (!lcodec_status_.ok()) return lcodec_status_; \
  } while (0)

#endif  // LCODEC_COMMON_STATUS_H_
