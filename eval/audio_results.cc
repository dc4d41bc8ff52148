#include "eval/audio_results.h"

#include <cinttypes>
#include <cstdio>
#include <sstream>

#include "eval/csv.h"

namespace lcodec::eval {
namespace {

constexpr const char* kCsvHeader =
    "clip,codec,setting,sample_rate,channels,seconds,bytes,kbps,snr,si_sdr,lsd,mel_distance,stoi,encode_s,decode_s";
constexpr int kCsvColumns = 15;
constexpr int kStoiColumn = 12;

bool InGroup(const std::string& clip, const std::string& group) {
  return group == "all" || (group == "speech") == IsSpeechClip(clip);
}

}  // namespace

bool IsSpeechClip(const std::string& name) { return name.rfind("speech_", 0) == 0; }

std::string AudioRowsToCsv(const std::vector<AudioRow>& rows) {
  std::string out = std::string(kCsvHeader) + "\n";
  for (const AudioRow& r : rows) {
    char stoi[32] = "";
    if (!std::isnan(r.stoi)) std::snprintf(stoi, sizeof stoi, "%.6f", r.stoi);
    char line[512];
    std::snprintf(line, sizeof line, ",%.6g,%d,%d,%.6f,%" PRIu64 ",%.6f,%.4f,%.4f,%.4f,%.6f,%s,%.3f,%.3f\n", r.setting,
                  r.sample_rate, r.channels, r.seconds, r.bytes, r.kbps, r.snr, r.si_sdr, r.lsd, r.mel, stoi,
                  r.encode_seconds, r.decode_seconds);
    out += CsvField(r.clip) + "," + CsvField(r.codec) + line;
  }
  return out;
}

Status AudioRowsFromCsv(const std::string& text, std::vector<AudioRow>* rows) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line != kCsvHeader) return Status::Corrupt("not an lcodec eval audio CSV (header differs)");
  for (int number = 2; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    const std::vector<std::string> f = SplitCsvLine(line);
    double v[kCsvColumns] = {};
    bool ok = f.size() == kCsvColumns;
    for (int i = 2; ok && i < kCsvColumns; ++i) {
      if (i == kStoiColumn && f[i].empty()) v[i] = NAN;
      else ok = CsvNumber(f[i], &v[i]);
    }
    if (!ok) return Status::Corrupt("CSV line " + std::to_string(number) + " is malformed");
    AudioRow r;
    r.clip = f[0];
    r.codec = f[1];
    r.setting = v[2];
    r.sample_rate = static_cast<int>(v[3]);
    r.channels = static_cast<int>(v[4]);
    r.seconds = v[5];
    r.bytes = static_cast<uint64_t>(v[6]);
    r.kbps = v[7];
    r.snr = v[8];
    r.si_sdr = v[9];
    r.lsd = v[10];
    r.mel = v[11];
    r.stoi = v[12];
    r.encode_seconds = v[13];
    r.decode_seconds = v[14];
    rows->push_back(r);
  }
  return Status::Ok();
}

Status AverageAudioCurves(const std::vector<AudioRow>& rows, const std::vector<std::string>& codecs,
                          const std::string& group, std::vector<Curve>* out) {
  bool all_speech = true;
  std::vector<const AudioRow*> members;
  for (const AudioRow& r : rows)
    if (InGroup(r.clip, group)) {
      members.push_back(&r);
      all_speech &= !std::isnan(r.stoi);
    }
  std::vector<std::string> keys = {"snr", "si-sdr", "lsd", "mel-distance"};
  if (all_speech) keys.push_back("stoi");
  std::vector<CurvePoint> points;
  for (const AudioRow* r : members) {
    CurvePoint p{r->clip, r->codec, r->setting, r->kbps, {r->snr, r->si_sdr, r->lsd, r->mel}, r->encode_seconds,
                 r->decode_seconds};
    if (all_speech) p.metrics.push_back(r->stoi);
    points.push_back(std::move(p));
  }
  return AveragePoints(points, Media::kAudio, keys, codecs, out);
}

}  // namespace lcodec::eval
