#include "eval/report.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "eval/bd_rate.h"
#include "eval/metrics.h"
#include "eval/rd_plot.h"
#include "eval/text_file.h"

namespace lcodec::eval {
namespace {

enum class Axis { kPsnrRgb, kPsnrY, kMsSsimDb };

std::vector<RdPoint> Points(const Curve& c, Axis axis) {
  std::vector<RdPoint> points;
  const std::vector<double>& q = axis == Axis::kPsnrRgb ? c.psnr_rgb : axis == Axis::kPsnrY ? c.psnr_y : c.ms_ssim;
  if (q.size() != c.bpp.size()) return points;
  for (size_t i = 0; i < q.size(); ++i) points.push_back({c.bpp[i], axis == Axis::kMsSsimDb ? MsSsimDb(q[i]) : q[i]});
  return points;
}

std::string Cell(const Curve& anchor, const Curve& test, Axis axis) {
  double percent = 0;
  if (!BdRate(Points(anchor, axis), Points(test, axis), &percent).ok()) return "n/a";
  char text[32];
  std::snprintf(text, sizeof text, "%+.2f %%", percent);
  return text;
}

}  // namespace

std::string DefaultAnchor(const std::vector<Curve>& curves) {
  for (const Curve& c : curves)
    if (c.name == "jpeg") return c.name;
  return curves.empty() ? "" : curves[0].name;
}

Status BdRateTable(const std::vector<Curve>& curves, const std::string& anchor_name, std::string* table) {
  const Curve* anchor = nullptr;
  for (const Curve& c : curves)
    if (c.name == anchor_name) anchor = &c;
  if (!anchor) return Status::InvalidArgument("the anchor '" + anchor_name + "' is not among the curves");
  *table = "BD-rate against " + anchor_name + " (negative: fewer bits for the same quality)\n\n"
           "| curve | points | bpp range | PSNR-RGB | PSNR-Y | MS-SSIM (dB) |\n|---|---|---|---|---|---|\n";
  for (const Curve& c : curves) {
    double lo = c.bpp[0], hi = c.bpp[0];
    for (const double b : c.bpp) lo = std::min(lo, b), hi = std::max(hi, b);
    char range[64];
    std::snprintf(range, sizeof range, "%.3f-%.3f", lo, hi);
    *table += "| " + c.name + " | " + std::to_string(c.bpp.size()) + " | " + range + " | " +
              Cell(*anchor, c, Axis::kPsnrRgb) + " | " + Cell(*anchor, c, Axis::kPsnrY) + " | " +
              Cell(*anchor, c, Axis::kMsSsimDb) + " |\n";
  }
  return Status::Ok();
}

Status WriteReport(const std::vector<Row>& rows, const std::vector<std::string>& codecs, const ReportOptions& o,
                   std::string* table) {
  std::vector<Curve> curves;
  LCODEC_RETURN_IF_ERROR(AverageCurves(rows, codecs, &curves));
  std::error_code error;
  std::filesystem::create_directories(o.output_folder + "/curves", error);
  if (error) return Status::IOError("cannot create '" + o.output_folder + "/curves': " + error.message());
  LCODEC_RETURN_IF_ERROR(WriteTextFile(o.output_folder + "/rows.csv", RowsToCsv(rows)));
  for (const Curve& c : curves) LCODEC_RETURN_IF_ERROR(WriteTextFile(o.output_folder + "/curves/" + c.name + ".json", CurveToJson(c)));
  curves.insert(curves.end(), o.compare.begin(), o.compare.end());
  if (curves.empty()) return Status::InvalidArgument("no results to report");
  LCODEC_RETURN_IF_ERROR(BdRateTable(curves, o.anchor.empty() ? DefaultAnchor(curves) : o.anchor, table));
  LCODEC_RETURN_IF_ERROR(WriteTextFile(o.output_folder + "/bd_rate.md", *table));
  return WriteTextFile(o.output_folder + "/rd.svg", RdPlotSvg(curves, o.title));
}

}  // namespace lcodec::eval
