#include "apps/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace lcodec::apps {

TerminalProgress::TerminalProgress(std::string what) : what_(std::move(what)), enabled_(isatty(STDERR_FILENO)) {}

TerminalProgress::~TerminalProgress() {
  if (enabled_ && shown_percent_ >= 0) std::fprintf(stderr, "\r\033[K");
}

void TerminalProgress::Update(double fraction) {
  if (!enabled_) return;
  const int percent = static_cast<int>(100 * std::clamp(fraction, 0.0, 1.0));
  if (percent == shown_percent_) return;
  shown_percent_ = percent;
  std::fprintf(stderr, "\r%s: %3d%%", what_.c_str(), percent);
  std::fflush(stderr);
}

}  // namespace lcodec::apps
