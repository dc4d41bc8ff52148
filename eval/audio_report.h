// The audio evaluation's outputs: rows.csv; curves over all clips
// (curves/<codec>.json), over the speech clips (curves/speech/) and over the
// music clips (curves/music/); bd_rate.md with one BD-rate table per group;
// and one plot per group (rd.svg, rd-speech.svg, rd-music.svg). Groups
// without clips are left out.
#ifndef LCODEC_EVAL_AUDIO_REPORT_H_
#define LCODEC_EVAL_AUDIO_REPORT_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "eval/audio_results.h"
#include "eval/report.h"

namespace lcodec::eval {

// `options.compare` curves join the all-clips table and plot. *tables gets
// the text of bd_rate.md.
Status WriteAudioReport(const std::vector<AudioRow>& rows, const std::vector<std::string>& codecs,
                        const ReportOptions& options, std::string* tables);

}  // namespace lcodec::eval

#endif  // LCODEC_EVAL_AUDIO_REPORT_H_
