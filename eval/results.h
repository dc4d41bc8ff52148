// What an evaluation produces, and its file formats: per-image rows (CSV)
// and per-codec curves (JSON in CompressAI's results format, so CompressAI's
// published curves can be loaded and overlaid).
#ifndef LCODEC_EVAL_RESULTS_H_
#define LCODEC_EVAL_RESULTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace lcodec::eval {

// One image coded by one codec at one setting.
struct Row {
  std::string image;   // file name inside the evaluated folder
  std::string codec;   // "jpeg", "lcodec", ...
  double setting = 0;  // in the codec's own unit (quality, crf, qp, ...)
  int width = 0, height = 0;
  uint64_t bytes = 0;  // the encoded stream, every byte counted
  double bpp = 0;
  double psnr_rgb = 0, psnr_y = 0, ms_ssim = 0;
  double encode_seconds = 0, decode_seconds = 0;
};

// A header line, then one line per row. Numbers are written with fixed
// precision, so rows read back are the rows any later step sees: a run and a
// merge of its shards aggregate exactly the same values.
std::string RowsToCsv(const std::vector<Row>& rows);
Status RowsFromCsv(const std::string& text, std::vector<Row>* rows);

// A codec's rate-distortion curve: one point per setting, each the mean over
// images of bpp and of each metric (CompressAI averages the same way).
struct Curve {
  std::string name;
  std::string description;
  std::vector<double> settings;  // empty for curves loaded from other tools
  std::vector<double> bpp, psnr_rgb, psnr_y, ms_ssim;  // psnr_y may be empty
  std::vector<double> encode_seconds, decode_seconds;
  int images = 0;  // images behind each point (0 if unknown)
};

// Curves of `rows`, one per codec in `codecs` order (codecs without rows are
// left out); points sorted by setting. Fails if a codec's settings were not
// all run on the same images, since their means would not be comparable.
Status AverageCurves(const std::vector<Row>& rows, const std::vector<std::string>& codecs, std::vector<Curve>* out);

// {"name": ..., "description": ..., "results": {"bpp": [...], "psnr-rgb": [...],
// "psnr-y": [...], "ms-ssim-rgb": [...], "encoding_time": [...], ...}}
std::string CurveToJson(const Curve& curve);
// Reads ours and CompressAI's (which may name the metrics "psnr" and
// "ms-ssim" instead of "psnr-rgb" and "ms-ssim-rgb").
Status CurveFromJson(const std::string& text, Curve* out);

}  // namespace lcodec::eval

#endif  // LCODEC_EVAL_RESULTS_H_
