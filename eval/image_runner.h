// Runs the image evaluation: every codec's sweep on every image of a folder,
// in parallel over (image, codec) items, resumable and splittable into shards
// (the machinery is item_runner.h's).
#ifndef LCODEC_EVAL_IMAGE_RUNNER_H_
#define LCODEC_EVAL_IMAGE_RUNNER_H_

#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "eval/image_codec.h"
#include "eval/item_runner.h"
#include "eval/results.h"

namespace lcodec::eval {

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

using ImageRunSummary = ItemRunSummary;  // inputs are images

// Rows come back sorted by image, codec and setting.
Status RunImageEval(const ImageRunOptions& options, std::vector<Row>* rows, ImageRunSummary* summary);

// For `lcodec eval merge`: the rows of all items stored under each of
// `folders` (the outputs of the shards of one image run). Fails unless the
// folders hold every shard of the same run exactly once.
Status LoadShardRows(const std::vector<std::string>& folders, std::vector<Row>* rows, std::vector<std::string>* codecs);

}  // namespace lcodec::eval

#endif  // LCODEC_EVAL_IMAGE_RUNNER_H_
