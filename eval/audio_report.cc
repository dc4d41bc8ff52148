#include "eval/audio_report.h"

#include <filesystem>
#include <set>

#include "eval/rd_plot.h"
#include "eval/text_file.h"

namespace lcodec::eval {

Status WriteAudioReport(const std::vector<AudioRow>& rows, const std::vector<std::string>& codecs,
                        const ReportOptions& o, std::string* tables) {
  std::error_code error;
  std::filesystem::create_directories(o.output_folder, error);
  if (error) return Status::IOError("cannot create '" + o.output_folder + "': " + error.message());
  LCODEC_RETURN_IF_ERROR(WriteTextFile(o.output_folder + "/rows.csv", AudioRowsToCsv(rows)));
  std::set<std::string> speech, music;
  for (const AudioRow& r : rows) (IsSpeechClip(r.clip) ? speech : music).insert(r.clip);
  tables->clear();
  for (const std::string group : {"all", "speech", "music"}) {
    const size_t clips = group == "all" ? speech.size() + music.size() : group == "speech" ? speech.size() : music.size();
    if (clips == 0) continue;
    std::vector<Curve> curves;
    LCODEC_RETURN_IF_ERROR(AverageAudioCurves(rows, codecs, group, &curves));
    const bool all = group == "all";
    LCODEC_RETURN_IF_ERROR(WriteCurves(curves, o.output_folder, all ? "" : group + "/"));
    if (all) curves.insert(curves.end(), o.compare.begin(), o.compare.end());
    if (curves.empty()) return Status::InvalidArgument("no results to report");
    std::string table;
    LCODEC_RETURN_IF_ERROR(BdRateTable(curves, o.anchor.empty() ? DefaultAnchor(curves) : o.anchor, &table));
    *tables += "## " + (all ? std::string("all clips") : group) + " (" + std::to_string(clips) + " clips)\n\n" +
               table + "\n";
    const std::string title = o.title + (all ? "" : ", " + group);
    LCODEC_RETURN_IF_ERROR(
        WriteTextFile(o.output_folder + (all ? "/rd.svg" : "/rd-" + group + ".svg"), RdPlotSvg(curves, title)));
  }
  return WriteTextFile(o.output_folder + "/bd_rate.md", *tables);
}

}  // namespace lcodec::eval
