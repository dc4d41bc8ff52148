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

// The default anchor: jpeg if present, else the first curve.
std::string DefaultAnchor(const std::vector<Curve>& curves);

// A Markdown table with one line per curve: BD-rate against `anchor` (a curve
// name) at equal PSNR-RGB, PSNR-Y and MS-SSIM (in dB). Cells whose curves do
// not overlap, or lack that metric, read "n/a".
Status BdRateTable(const std::vector<Curve>& curves, const std::string& anchor, std::string* table);

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
