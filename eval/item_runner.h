// What the image and audio evaluations share: every codec on every input
// file of a folder, in parallel over (input, codec) items, resumable and
// splittable into shards. The media-specific part (reading the input, the
// round trips, the metrics) comes in as a function that turns one item into
// CSV rows.
//
// Each finished item is stored atomically as
// OUTPUT/items/<codec>/<input>.csv, headed by "# <codec configuration>"; a
// later run with the same configuration reuses it instead of recomputing, so
// an interrupted run resumes where it stopped. Shard i/N takes the inputs
// whose position in the sorted listing is i modulo N; OUTPUT/run.json records
// the media, the shard and its inputs so that merging can check all are
// there.
#ifndef LCODEC_EVAL_ITEM_RUNNER_H_
#define LCODEC_EVAL_ITEM_RUNNER_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace lcodec::eval {

struct Shard {
  int index = 0;  // 0 .. count-1
  int count = 1;
};

// "i/N" with 0 <= i < N.
Status ParseShard(const std::string& text, Shard* out);

// Regular files directly inside `folder` whose name `wanted` accepts, sorted
// by name. None is an error that names `what` ("images (.png, ...)").
Status ListFiles(const std::string& folder, const std::function<bool(const std::string&)>& wanted,
                 const std::string& what, std::vector<std::string>* names);

struct ItemRunOptions {
  std::string input_folder;
  std::string output_folder;
  std::string media;                           // "image" or "audio", recorded in run.json
  std::vector<std::string> inputs;             // the whole sorted listing; the shard takes its share
  std::vector<std::string> codecs;
  std::map<std::string, std::string> configs;  // each codec's configuration
  Shard shard;
  int jobs = 1;
  // One item's rows as CSV, computed on worker `worker` (0 .. jobs-1; each
  // worker calls from its own thread).
  std::function<Status(int worker, const std::string& input, const std::string& codec, std::string* csv)> run_item;
  // Called (from one thread at a time) with one line per finished item.
  std::function<void(const std::string&)> progress;
};

struct ItemRunSummary {
  int inputs = 0;   // in this shard
  int items = 0;    // (input, codec) pairs in this shard
  int resumed = 0;  // of which were already done
};

// The CSV of every item of this shard, all read back from the stored files
// (so a run and a merge of its shards see exactly the same text).
Status RunItems(const ItemRunOptions& options, std::vector<std::string>* csvs, ItemRunSummary* summary);

// The media a run's output folder holds, from its run.json.
Status ReadRunMedia(const std::string& folder, std::string* media);

// For `lcodec eval merge`: the CSVs of all items stored under each of
// `folders` (the outputs of the shards of one run). Fails unless the folders
// hold every shard of the same run exactly once, finished, with one
// configuration per codec.
Status LoadShardItems(const std::vector<std::string>& folders, std::string* media, std::vector<std::string>* codecs,
                      std::vector<std::string>* csvs);

// `status` with `prefix` before its message, its code kept.
Status WithContext(const std::string& prefix, const Status& status);

}  // namespace lcodec::eval

#endif  // LCODEC_EVAL_ITEM_RUNNER_H_
