// Progress lines for long work, shown only when stderr is a terminal, so
// that scripts and logs never see carriage-return noise.
#ifndef LCODEC_APPS_PROGRESS_H_
#define LCODEC_APPS_PROGRESS_H_

#include <cstdint>
#include <string>

namespace lcodec::apps {

class TerminalProgress {
 public:
  explicit TerminalProgress(std::string what);
  ~TerminalProgress();  // clears the line
  TerminalProgress(const TerminalProgress&) = delete;
  TerminalProgress& operator=(const TerminalProgress&) = delete;

  // Shows "what: NN%"; `fraction` in [0, 1]. Cheap to call often.
  void Update(double fraction);

 private:
  std::string what_;
  bool enabled_;
  int shown_percent_ = -1;
};

}  // namespace lcodec::apps

#endif  // LCODEC_APPS_PROGRESS_H_
