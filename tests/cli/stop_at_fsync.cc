// LD_PRELOAD shim for tests/cli/interrupt_test.sh: the first fsync() the
// process makes stops it (SIGSTOP). lcodec calls fsync once the output's
// bytes are in their temporary file and before it renames that file into
// place, the moment when an interruption would do the most harm; the test
// sends its signal there, then SIGCONT.
#include <dlfcn.h>
#include <signal.h>
#include <unistd.h>

extern "C" int fsync(int fd) {
  static bool stopped = false;
  if (!stopped) {
    stopped = true;
    kill(getpid(), SIGSTOP);
  }
  static const auto real = reinterpret_cast<int (*)(int)>(dlsym(RTLD_NEXT, "fsync"));
  return real(fd);
}
