#include "common/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace lcodec {
namespace {

// mkstemp creates files readable by the owner only; give the output the
// permissions any newly created file would get.
int fchmod_like_umask(const std::string& path) {
  const mode_t mask = umask(0);
  umask(mask);
  return chmod(path.c_str(), 0666 & ~mask);
}

}  // namespace

Status ReadFile(const std::string& path, size_t max_bytes, std::vector<uint8_t>* out) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) return Status::IOError("cannot open '" + path + "': " + std::strerror(errno));
  struct stat info;
  if (fstat(fileno(file), &info) != 0 || !S_ISREG(info.st_mode)) {
    std::fclose(file);
    return Status::IOError("'" + path + "' is not a regular file");
  }
  if (static_cast<uint64_t>(info.st_size) > max_bytes) {
    std::fclose(file);
    return Status::ResourceLimit("'" + path + "' is larger than " + std::to_string(max_bytes) + " bytes");
  }
  out->resize(static_cast<size_t>(info.st_size));
  const size_t read = std::fread(out->data(), 1, out->size(), file);
  const bool failed = std::ferror(file) || read != out->size();
  std::fclose(file);
  if (failed) return Status::IOError("cannot read '" + path + "'");
  return Status::Ok();
}

Status WriteFileAtomically(const std::string& path, const std::vector<uint8_t>& data, bool overwrite) {
  struct stat info;
  if (!overwrite && stat(path.c_str(), &info) == 0)
    return Status::InvalidArgument("'" + path + "' exists; pass -y to overwrite it");
  std::string tmp = path + ".XXXXXX";
  const int fd = mkstemp(tmp.data());
  if (fd < 0) return Status::IOError("cannot create a file beside '" + path + "': " + std::strerror(errno));
  size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = write(fd, data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  const int saved_errno = errno;
  const bool ok = written == data.size() && fsync(fd) == 0;
  close(fd);
  if (!ok || fchmod_like_umask(tmp) != 0 || rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(ok ? errno : saved_errno);
    unlink(tmp.c_str());
    return Status::IOError("cannot write '" + path + "': " + reason);
  }
  return Status::Ok();
}

}  // namespace lcodec
