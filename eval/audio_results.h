// The audio evaluation's rows: one clip coded by one codec at one setting,
// and their CSV form. Curves, BD-rates and plots are results.h's and
// report.h's, as for images.
#ifndef LCODEC_EVAL_AUDIO_RESULTS_H_
#define LCODEC_EVAL_AUDIO_RESULTS_H_

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "eval/results.h"

namespace lcodec::eval {

struct AudioRow {
  std::string clip;    // file name inside the evaluated folder
  std::string codec;   // "opus", "lcodec", ...
  double setting = 0;  // in the codec's own unit (kbps, quality)
  int sample_rate = 0, channels = 0;
  double seconds = 0;  // the clip's duration
  uint64_t bytes = 0;  // everything a decoder needs
  double kbps = 0;     // 8 bytes / seconds / 1000
  double snr = 0, si_sdr = 0, lsd = 0, mel = 0;  // audio_metrics.h
  double stoi = NAN;   // speech clips only; an empty CSV field otherwise
  double encode_seconds = 0, decode_seconds = 0;
};

// Speech clips are those whose name starts with "speech_"; everything else
// is reported as music.
bool IsSpeechClip(const std::string& name);

// A header line, then one line per row, with fixed precision (see
// RowsToCsv in results.h).
std::string AudioRowsToCsv(const std::vector<AudioRow>& rows);
// Appends the rows of `text` to *rows.
Status AudioRowsFromCsv(const std::string& text, std::vector<AudioRow>* rows);

// Curves of the rows whose clip is in `group` ("all", "speech" or "music"):
// kbps against snr, si-sdr, lsd and mel-distance, and stoi when every clip
// of the group is speech.
Status AverageAudioCurves(const std::vector<AudioRow>& rows, const std::vector<std::string>& codecs,
                          const std::string& group, std::vector<Curve>* out);

}  // namespace lcodec::eval

#endif  // LCODEC_EVAL_AUDIO_RESULTS_H_
