// Runs the image evaluation: every codec's sweep on every image of a folder,
// in parallel over (image, codec) items, resumable and splittable into shards.
//
// Each finished item is stored atomically as
// OUTPUT/items/<codec>/<image>.csv, headed by the codec's configuration; a
// later run with the same configuration reuses it instead of recomputing, so
// an interrupted run resumes where it stopped. Shard i/N takes the images
// whose position in the sorted listing is i modulo N; OUTPUT/run.json records
// which shard a folder holds so that merging can check all are there.
#ifndef LCODEC_EVAL_IMAGE_RUNNER_H_
#define LCODEC_EVAL_IMAGE_RUNNER_H_

#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "eval/image_codec.h"
#include "eval/results.h"

namespace lcodec::eval {

struct Shard {
  int index = 0;  // 0 .. count-1
  int count = 1;
};

// "i/N" with 0 <= i < N.
Status ParseShard(const std::string& text, Shard* out);

// Image files (by extension) directly inside `folder`, sorted by name.
Status ListImages(const std::string& folder, std::vector<std::string>* names);

struct ImageRunOptions {
  std::string input_folder;
  std::string output_folder;
  std::vector<std::string> codecs;
  ImageCodecOptions codec_options;
  Shard shard;
  int jobs = 1;
  // Called (from one thread at a time) with one line per finished item.
  std::function<void(const std::string&)> progress;
};

struct ImageRunSummary {
  int images = 0;    // in this shard
  int items = 0;     // (image, codec) pairs in this shard
  int resumed = 0;   // of which were already done
};

// Rows come back sorted by image, codec and setting.
Status RunImageEval(const ImageRunOptions& options, std::vector<Row>* rows, ImageRunSummary* summary);

// For `lcodec eval merge`: the rows of all items stored under each of
// `folders` (the outputs of the shards of one run). Fails unless the folders
// hold every shard of the same run exactly once.
Status LoadShardRows(const std::vector<std::string>& folders, std::vector<Row>* rows, std::vector<std::string>* codecs);

}  // namespace lcodec::eval

#endif  // LCODEC_EVAL_IMAGE_RUNNER_H_
