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

// Temporary files of the writes in progress, for the signal handler: a
// fixed table, because the handler may neither allocate nor lock. A slot's
// flag is set before its file is created and cleared after the file is
// renamed or removed, so the handler may try to remove a name that does not
// exist yet (harmless: the name holds our pid, no one else's file can have
// it) but does not miss a file. (Only a signal handled on another thread
// during the open() itself could: a window of microseconds.)
constexpr int kTempSlots = 32;
char temp_paths[kTempSlots][PATH_MAX];
std::atomic<bool> temp_pending[kTempSlots];
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler reads temp_pending");
std::mutex slots_mutex;  // guards claiming and releasing slots
bool slot_claimed[kTempSlots];

constexpr int kCleanupSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGXFSZ};
struct sigaction previous_actions[std::size(kCleanupSignals)];

// Async-signal-safe: only unlink, sigaction and raise. Restoring the previous
// action and raising again ends the process as the signal would have (or
// runs the handler that was there before us).
void RemoveTempFileAndReraise(int signal) {
  for (int i = 0; i < kTempSlots; ++i) {
    if (temp_pending[i].load()) unlink(temp_paths[i]);
  }
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

// Claims a slot, creates a new temporary file beside `path` and records its
// name in the slot. open() applies the umask, so the output gets the
// permissions of any new file.
Status CreateTempFile(const std::string& path, int* slot, int* fd) {
  static std::once_flag handlers_installed;
  std::call_once(handlers_installed, InstallCleanupHandlers);
  std::lock_guard<std::mutex> lock(slots_mutex);
  *slot = -1;
  for (int i = 0; i < kTempSlots && *slot < 0; ++i) {
    if (!slot_claimed[i]) *slot = i;
  }
  if (*slot < 0) return Status::ResourceLimit("too many outputs are being written at once");
  static unsigned counter = 0;
  char* temp_path = temp_paths[*slot];
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::string name = path + ".tmp-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
    if (name.size() >= PATH_MAX) return Status::InvalidArgument("output path '" + path + "' is too long");
    std::memcpy(temp_path, name.c_str(), name.size() + 1);
    temp_pending[*slot].store(true);
    *fd = open(temp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (*fd >= 0) {
      slot_claimed[*slot] = true;
      return Status::Ok();
    }
    const int error = errno;
    temp_pending[*slot].store(false);
    if (error != EEXIST) return Status::IOError("cannot create a file beside '" + path + "': " + Reason(error));
  }
  return Status::IOError("cannot create a file beside '" + path + "': too many stale temporary files there");
}

// Removes the slot's temporary file unless `renamed`, and frees the slot.
void ReleaseTempFile(int slot, bool renamed) {
  std::lock_guard<std::mutex> lock(slots_mutex);
  if (!renamed) unlink(temp_paths[slot]);
  temp_pending[slot].store(false);
  slot_claimed[slot] = false;
}

// Refuses a folder, and an existing file unless `overwrite`.
Status CheckOutputPath(const std::string& path, bool overwrite) {
  struct stat info;
  if (stat(path.c_str(), &info) == 0) {
    if (S_ISDIR(info.st_mode)) return Status::InvalidArgument("'" + path + "' is a folder; give a file name");
    if (!overwrite) return Status::InvalidArgument("'" + path + "' exists; pass -y to overwrite it");
  }
  return Status::Ok();
}

// fsyncs the closed temporary file of `slot` and renames it over `path`.
Status SyncAndRename(int slot, const std::string& path) {
  const int fd = open(temp_paths[slot], O_RDONLY | O_CLOEXEC);
  if (fd < 0 || fsync(fd) != 0) {
    const int error = errno;
    if (fd >= 0) close(fd);
    return Status::IOError("cannot write '" + path + "': " + Reason(error));
  }
  close(fd);
  if (rename(temp_paths[slot], path.c_str()) != 0)
    return Status::IOError("cannot write '" + path + "': " + Reason(errno));
  return Status::Ok();
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
  LCODEC_RETURN_IF_ERROR(CheckOutputPath(path, overwrite));
  int slot = -1, fd = -1;
  LCODEC_RETURN_IF_ERROR(CreateTempFile(path, &slot, &fd));
  Status status = WriteAll(fd, data, path);
  if (close(fd) != 0 && status.ok()) status = Status::IOError("cannot write '" + path + "': " + Reason(errno));
  if (status.ok() && rename(temp_paths[slot], path.c_str()) != 0)
    status = Status::IOError("cannot write '" + path + "': " + Reason(errno));
  ReleaseTempFile(slot, status.ok());
  if (status.ok()) SyncFolderOf(path);
  return status;
}

AtomicOutputFile::~AtomicOutputFile() { Discard(); }

void AtomicOutputFile::Discard() {
  if (file_) std::fclose(file_);
  file_ = nullptr;
  if (slot_ >= 0) ReleaseTempFile(slot_, /*renamed=*/false);
  slot_ = -1;
}

Status AtomicOutputFile::Create(const std::string& path, bool overwrite) {
  Discard();
  LCODEC_RETURN_IF_ERROR(CheckOutputPath(path, overwrite));
  int fd = -1;
  LCODEC_RETURN_IF_ERROR(CreateTempFile(path, &slot_, &fd));
  path_ = path;
  temp_path_ = temp_paths[slot_];
  file_ = fdopen(fd, "wb");
  if (!file_) {
    close(fd);
    const Status status = Status::IOError("cannot write '" + path + "': " + Reason(errno));
    Discard();
    return status;
  }
  return Status::Ok();
}

Status AtomicOutputFile::Commit() {
  if (slot_ < 0) return Status::InvalidArgument("AtomicOutputFile::Commit without Create");
  Status status;
  const bool write_failed = std::ferror(file_) != 0;
  const int error = std::fclose(file_) != 0 ? errno : 0;
  file_ = nullptr;
  if (write_failed || error != 0) {
    status = Status::IOError("cannot write '" + path_ + "': " + Reason(error != 0 ? error : EIO));
  }
  if (status.ok()) status = SyncAndRename(slot_, path_);
  ReleaseTempFile(slot_, status.ok());
  slot_ = -1;
  if (status.ok()) SyncFolderOf(path_);
  return status;
}

}  // namespace lcodec
