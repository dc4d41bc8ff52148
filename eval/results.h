// What an evaluation produces, and its file formats: per-image rows (CSV)
// and per-codec curves (JSON in CompressAI's results format, so CompressAI's
// published curves can be loaded and overlaid).
#ifndef LCODEC_EVAL_RESULTS_H_
#define LCODEC_EVAL_RESULTS_H_

#include <cstdint>
#include <string>
#include <utility>
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

// What a curve measures: images (rate in bits per pixel) or audio clips
// (rate in kbps). Their quality metrics differ; the averaging, JSON files,
// BD-rates and plots downstream are the same.
enum class Media { kImage, kAudio };

// A codec's rate-distortion curve: one point per setting, each the mean over
// images (or clips) of the rate and of each metric (CompressAI averages the
// same way).
struct Curve {
  std::string name;
  std::string description;
  Media media = Media::kImage;
  std::vector<double> settings;  // empty for curves loaded from other tools
  std::vector<double> rate;      // bpp or kbps
  // Each metric under its JSON key ("psnr-rgb", "psnr-y", "ms-ssim-rgb";
  // "snr", "si-sdr", "lsd", "mel-distance", "stoi"), in file order; a curve
  // may lack some.
  std::vector<std::pair<std::string, std::vector<double>>> metrics;
  std::vector<double> encode_seconds, decode_seconds;
  int items = 0;  // images or clips behind each point (0 if unknown)

  // The values of metric `key`; nullptr if the curve lacks it.
  const std::vector<double>* Metric(const std::string& key) const;
};

// The JSON keys of the rate ("bpp", "kbps") and of the item count ("images",
// "clips").
const char* RateKey(Media media);
const char* ItemsKey(Media media);

// One coded item as the averaging sees it, whatever the media.
struct CurvePoint {
  std::string item, codec;
  double setting = 0, rate = 0;
  std::vector<double> metrics;  // in the order of AveragePoints' `metric_keys`
  double encode_seconds = 0, decode_seconds = 0;
};

// Curves of `points`, one per codec in `codecs` order (codecs without points
// are left out); points sorted by setting. Fails if a codec's settings were
// not all run on the same items, since their means would not be comparable.
Status AveragePoints(const std::vector<CurvePoint>& points, Media media, const std::vector<std::string>& metric_keys,
                     const std::vector<std::string>& codecs, std::vector<Curve>* out);

// Image rows into curves with psnr-rgb, psnr-y and ms-ssim-rgb.
Status AverageCurves(const std::vector<Row>& rows, const std::vector<std::string>& codecs, std::vector<Curve>* out);

// {"name": ..., "description": ..., "images": N, "results": {"setting": [...],
// "bpp": [...], "psnr-rgb": [...], ..., "encoding_time": [...], ...}}; audio
// curves say "clips" and "kbps".
std::string CurveToJson(const Curve& curve);
// Reads ours and CompressAI's (which may name the metrics "psnr" and
// "ms-ssim" instead of "psnr-rgb" and "ms-ssim-rgb"). A "kbps" rate makes
// an audio curve.
Status CurveFromJson(const std::string& text, Curve* out);

}  // namespace lcodec::eval

#endif  // LCODEC_EVAL_RESULTS_H_
