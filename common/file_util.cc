#include "common/file_util.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <mutex>

namespace lcodec {
namespace {

// The temporary file of the write in progress, for the signal handler.
// Writes hold `write_mutex`, so there is at most one. `temp_pending` is set
// before the file is created and cleared after it is renamed or removed, so
// the handler may try to remove a name that does not exist yet (harmless:
// the name holds our pid, no one else's file can have it) but does not miss
// the file. (Only a signal handled on another thread during the open()
// itself could: a window of microseconds, which blocking signals here would
// not close, since the kernel then hands the signal to another thread.)
std::mutex write_mutex;
char temp_path[PATH_MAX];
std::atomic<bool> temp_pending{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler reads temp_pending");

constexpr int kCleanupSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGXFSZ};
struct sigaction previous_actions[std::size(kCleanupSignals)];

// Async-signal-safe: only unlink, sigaction and raise. Restoring the previous
// action and raising again ends the process as the signal would have (or
// runs the handler that was there before us).
void RemoveTempFileAndReraise(int signal) {
  if (temp_pending.load()) unlink(temp_path);
  for (size_t i = 0; i < std::size(kCleanupSignals); ++i) {
    if (kCleanupSignals[i] == signal) sigaction(signal, &previous_actions[i], nullptr);
  }
  raise(signal);
}

void InstallCleanupHandlers() {
  for (size_t i = 0; i < std::size(kCleanupSignals); ++i) {
    sigaction(kCleanupSignals[i], nullptr, &previous_actions[i]);
    // An ignored signal stays ignored: `nohup` and background jobs rely on it,
    // and with SIGXFSZ ignored an oversized write fails with EFBIG instead.
    if (previous_actions[i].sa_handler == SIG_IGN) continue;
    struct sigaction action = {};
    action.sa_handler = RemoveTempFileAndReraise;
    sigfillset(&action.sa_mask);
    sigaction(kCleanupSignals[i], &action, nullptr);
  }
}

// "<strerror>; <what the user can do about it>".
std::string Reason(int error) {
  std::string reason = std::strerror(error);
  switch (error) {
    case ENOSPC:
    case EDQUOT: return reason + "; free some disk space or write elsewhere";
    case EFBIG: return reason + "; the file size limit (ulimit -f) is too small for this output";
    case EACCES:
    case EPERM:
    case EROFS: return reason + "; write to a folder you have write permission for";
    case ENOENT: return reason + "; the output folder must exist";
    default: return reason;
  }
}

// Creates a new temporary file beside `path` and records it in temp_path.
// open() applies the umask, so the output gets the permissions of any new file.
Status CreateTempFile(const std::string& path, int* fd) {
  static unsigned counter = 0;
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::string name = path + ".tmp-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
    if (name.size() >= sizeof(temp_path)) return Status::InvalidArgument("output path '" + path + "' is too long");
    std::memcpy(temp_path, name.c_str(), name.size() + 1);
    temp_pending.store(true);
    *fd = open(temp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (*fd >= 0) return Status::Ok();
    const int error = errno;
    temp_pending.store(false);
    if (error != EEXIST) return Status::IOError("cannot create a file beside '" + path + "': " + Reason(error));
  }
  return Status::IOError("cannot create a file beside '" + path + "': too many stale temporary files there");
}

Status WriteAll(int fd, const std::vector<uint8_t>& data, const std::string& path) {
  size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = write(fd, data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IOError("cannot write '" + path + "': " + Reason(errno));
    written += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0) return Status::IOError("cannot write '" + path + "': " + Reason(errno));
  return Status::Ok();
}

// Makes the rename itself durable. The new file is complete either way, so a
// failure here is not reported.
void SyncFolderOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string folder = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  const int fd = open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  fsync(fd);
  close(fd);
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
  std::lock_guard<std::mutex> lock(write_mutex);
  static std::once_flag handlers_installed;
  std::call_once(handlers_installed, InstallCleanupHandlers);
  struct stat info;
  if (stat(path.c_str(), &info) == 0) {
    if (S_ISDIR(info.st_mode)) return Status::InvalidArgument("'" + path + "' is a folder; give a file name");
    if (!overwrite) return Status::InvalidArgument("'" + path + "' exists; pass -y to overwrite it");
  }
  int fd = -1;
  LCODEC_RETURN_IF_ERROR(CreateTempFile(path, &fd));
  Status status = WriteAll(fd, data, path);
  if (close(fd) != 0 && status.ok()) status = Status::IOError("cannot write '" + path + "': " + Reason(errno));
  if (status.ok() && rename(temp_path, path.c_str()) != 0)
    status = Status::IOError("cannot write '" + path + "': " + Reason(errno));
  if (!status.ok()) unlink(temp_path);
  temp_pending.store(false);
  if (status.ok()) SyncFolderOf(path);
  return status;
}

}  // namespace lcodec
