// Runs the audio evaluation: every codec's sweep on every clip of a folder,
// in parallel over (clip, codec) items, resumable and splittable into shards
// (the machinery is item_runner.h's, shared with the image runs).
#ifndef LCODEC_EVAL_AUDIO_RUNNER_H_
#define LCODEC_EVAL_AUDIO_RUNNER_H_

#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "eval/audio_codec.h"
#include "eval/audio_results.h"
#include "eval/item_runner.h"

namespace lcodec::eval {

// Audio files (apps::MediaKindOfFile) directly inside `folder`, sorted.
Status ListAudio(const std::string& folder, std::vector<std::string>* names);

struct AudioRunOptions {
  std::string input_folder;
  std::string output_folder;
  std::vector<std::string> codecs;
  AudioCodecOptions codec_options;
  Shard shard;
  int jobs = 1;
  std::function<void(const std::string&)> progress;  // one line per finished item
};

// Rows come back sorted by clip, codec and setting. Each clip is measured at
// its own rate and channel count; STOI only for speech clips.
Status RunAudioEval(const AudioRunOptions& options, std::vector<AudioRow>* rows, ItemRunSummary* summary);

// For `lcodec eval merge` of an audio run (see LoadShardItems).
Status LoadAudioShardRows(const std::vector<std::string>& folders, std::vector<AudioRow>* rows,
                          std::vector<std::string>* codecs);

}  // namespace lcodec::eval

#endif  // LCODEC_EVAL_AUDIO_RUNNER_H_
