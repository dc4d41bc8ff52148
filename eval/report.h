// Turns an evaluation's rows into what people read: rows.csv, one
// CompressAI-format JSON per codec under curves/, a BD-rate table
// (bd_rate.md) and an RD plot (rd.svg).
#ifndef LCODEC_EVAL_REPORT_H_
#define LCODEC_EVAL_REPORT_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "eval/results.h"

namespace lcodec::eval {

// A quality axis of the BD-rate table and the plot: a metric, and how it
// maps onto a scale where higher is better (BD-rate needs quality rising
// with rate).
struct QualityAxis {
  std::string key;                   // the metric's key in Curve::metrics
  std::string label;                 // its BD-rate table column
  double (*quality)(double value);   // onto the higher-is-better scale
  std::string plot_title;            // of its panel in the plot (showing quality(value)); empty: not plotted
  bool in_table = true;              // a BD-rate column
};

// Images: PSNR-RGB, PSNR-Y, MS-SSIM in dB (plotted: PSNR-RGB, MS-SSIM dB).
// Audio: SNR, SI-SDR, mel distance (negated, so higher is better), STOI
// (plotted: SNR, negated mel distance, STOI; STOI has no BD-rate column: it
// saturates near 1, where a cubic fit of log rate against it explodes).
const std::vector<QualityAxis>& QualityAxes(Media media);

// The default anchor: jpeg (images) or opus (audio) if present, else the
// first curve.
std::string DefaultAnchor(const std::vector<Curve>& curves);

// A Markdown table with one line per curve: BD-rate against `anchor` (a curve
// name) on each of QualityAxes(media of the curves) that is in_table. Cells whose curves do
// not overlap, or lack that metric, read "n/a". Curves must all be of one
// media.
Status BdRateTable(const std::vector<Curve>& curves, const std::string& anchor, std::string* table);

// Writes OUTPUT/curves/<prefix><name>.json for each curve (creating the
// folders); `prefix` may name a subfolder ("speech/").
Status WriteCurves(const std::vector<Curve>& curves, const std::string& output_folder, const std::string& prefix);

struct ReportOptions {
  std::string output_folder;
  std::string anchor;          // empty: DefaultAnchor
  std::vector<Curve> compare;  // curves loaded from JSON files, shown beside ours
  std::string title;           // of the plot
};

// Writes the four outputs (atomically, replacing earlier ones) and returns
// the BD-rate table in *table.
Status WriteReport(const std::vector<Row>& rows, const std::vector<std::string>& codecs, const ReportOptions& options,
                   std::string* table);

}  // namespace lcodec::eval

#endif  // LCODEC_EVAL_REPORT_H_
