#include "eval/audio_runner.h"

#include <algorithm>
#include <map>
#include <memory>

#include "apps/audio_io.h"
#include "apps/media_kind.h"
#include "eval/audio_metrics.h"

namespace lcodec::eval {
namespace {

Status RunItem(const std::string& input_folder, const std::string& clip_name, const std::string& codec_name,
               AudioCodec& codec, std::string* csv) {
  Audio clip;
  LCODEC_RETURN_IF_ERROR(apps::ReadAudio(input_folder + "/" + clip_name, &clip));
  const double seconds = static_cast<double>(clip.frames()) / clip.sample_rate;
  const bool speech = IsSpeechClip(clip_name);
  std::vector<AudioRow> rows;
  for (const double setting : codec.Settings()) {
    AudioRoundTripResult result;
    LCODEC_RETURN_IF_ERROR(codec.RoundTrip(clip, setting, &result));
    AudioDistortion d;
    LCODEC_RETURN_IF_ERROR(MeasureAudioDistortion(clip, result.decoded, speech, &d));
    AudioRow r;
    r.clip = clip_name;
    r.codec = codec_name;
    r.setting = setting;
    r.sample_rate = clip.sample_rate;
    r.channels = clip.channels;
    r.seconds = seconds;
    r.bytes = result.bytes;
    r.kbps = 8.0 * result.bytes / seconds / 1000;
    r.snr = d.snr;
    r.si_sdr = d.si_sdr;
    r.lsd = d.lsd;
    r.mel = d.mel;
    if (speech) r.stoi = d.stoi;
    r.encode_seconds = result.encode_seconds;
    r.decode_seconds = result.decode_seconds;
    rows.push_back(r);
  }
  *csv = AudioRowsToCsv(rows);
  return Status::Ok();
}

int CodecRank(const std::string& codec) {
  const std::vector<std::string>& names = AudioCodecNames();
  return static_cast<int>(std::find(names.begin(), names.end(), codec) - names.begin());
}

void SortRows(std::vector<AudioRow>* rows) {
  std::sort(rows->begin(), rows->end(), [](const AudioRow& a, const AudioRow& b) {
    if (a.clip != b.clip) return a.clip < b.clip;
    if (a.codec != b.codec) return CodecRank(a.codec) < CodecRank(b.codec);
    return a.setting < b.setting;
  });
}

}  // namespace

Status ListAudio(const std::string& folder, std::vector<std::string>* names) {
  const auto is_audio = [](const std::string& name) { return apps::MediaKindOfFile(name) == apps::MediaKind::kAudio; };
  return ListFiles(folder, is_audio, "audio clips (.wav, .flac, .ogg, .mp3, .m4a, .opus, ...)", names);
}

Status RunAudioEval(const AudioRunOptions& o, std::vector<AudioRow>* rows, ItemRunSummary* summary) {
  ItemRunOptions run;
  run.input_folder = o.input_folder;
  run.output_folder = o.output_folder;
  run.media = "audio";
  LCODEC_RETURN_IF_ERROR(ListAudio(o.input_folder, &run.inputs));
  run.codecs = o.codecs;
  run.shard = o.shard;
  run.jobs = std::max(1, o.jobs);
  run.progress = o.progress;
  // One codec instance per worker; worker 0's are made first, which checks
  // every codec (and loads the model) before any work starts.
  std::vector<std::map<std::string, std::unique_ptr<AudioCodec>>> instances(run.jobs);
  for (const std::string& codec : o.codecs) {
    LCODEC_RETURN_IF_ERROR(MakeAudioCodec(codec, o.codec_options, &instances[0][codec]));
    run.configs[codec] = instances[0][codec]->Config();
  }
  run.run_item = [&](int worker, const std::string& clip, const std::string& codec_name, std::string* csv) {
    std::unique_ptr<AudioCodec>& codec = instances[worker][codec_name];
    if (!codec) LCODEC_RETURN_IF_ERROR(MakeAudioCodec(codec_name, o.codec_options, &codec));
    return RunItem(o.input_folder, clip, codec_name, *codec, csv);
  };
  std::vector<std::string> csvs;
  LCODEC_RETURN_IF_ERROR(RunItems(run, &csvs, summary));
  rows->clear();
  for (const std::string& csv : csvs) LCODEC_RETURN_IF_ERROR(AudioRowsFromCsv(csv, rows));
  SortRows(rows);
  return Status::Ok();
}

Status LoadAudioShardRows(const std::vector<std::string>& folders, std::vector<AudioRow>* rows,
                          std::vector<std::string>* codecs) {
  std::string media;
  std::vector<std::string> csvs;
  LCODEC_RETURN_IF_ERROR(LoadShardItems(folders, &media, codecs, &csvs));
  if (media != "audio") return Status::InvalidArgument("the shards hold an " + media + " run, not an audio run");
  rows->clear();
  for (const std::string& csv : csvs) LCODEC_RETURN_IF_ERROR(AudioRowsFromCsv(csv, rows));
  SortRows(rows);
  return Status::Ok();
}

}  // namespace lcodec::eval
