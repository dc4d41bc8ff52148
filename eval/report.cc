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

double Same(double v) { return v; }
double Negated(double v) { return -v; }

std::vector<RdPoint> Points(const Curve& c, const QualityAxis& axis) {
  std::vector<RdPoint> points;
  const std::vector<double>* q = c.Metric(axis.key);
  if (!q || q->size() != c.rate.size()) return points;
  for (size_t i = 0; i < q->size(); ++i) points.push_back({c.rate[i], axis.quality((*q)[i])});
  return points;
}

std::string Cell(const Curve& anchor, const Curve& test, const QualityAxis& axis) {
  double percent = 0;
  if (!BdRate(Points(anchor, axis), Points(test, axis), &percent).ok()) return "n/a";
  char text[32];
  std::snprintf(text, sizeof text, "%+.2f %%", percent);
  return text;
}

}  // namespace

const std::vector<QualityAxis>& QualityAxes(Media media) {
  static const std::vector<QualityAxis> image = {
      {"psnr-rgb", "PSNR-RGB", Same, "PSNR-RGB (dB)"},
      {"psnr-y", "PSNR-Y", Same, ""},
      {"ms-ssim-rgb", "MS-SSIM (dB)", MsSsimDb, "MS-SSIM (dB), -10 log10(1 - MS-SSIM)"}};
  static const std::vector<QualityAxis> audio = {
      {"snr", "SNR", Same, "SNR (dB)"},
      {"si-sdr", "SI-SDR", Same, ""},
      {"mel-distance", "-mel distance", Negated, "-mel distance (log10 mel magnitudes)"},
      {"stoi", "STOI", Same, "STOI", false}};
  return media == Media::kImage ? image : audio;
}

std::string DefaultAnchor(const std::vector<Curve>& curves) {
  for (const Curve& c : curves)
    if (c.name == (c.media == Media::kImage ? "jpeg" : "opus")) return c.name;
  return curves.empty() ? "" : curves[0].name;
}

Status BdRateTable(const std::vector<Curve>& curves, const std::string& anchor_name, std::string* table) {
  const Curve* anchor = nullptr;
  for (const Curve& c : curves)
    if (c.name == anchor_name) anchor = &c;
  if (!anchor) return Status::InvalidArgument("the anchor '" + anchor_name + "' is not among the curves");
  for (const Curve& c : curves)
    if (c.media != anchor->media)
      return Status::InvalidArgument("curve '" + c.name + "' measures other media than '" + anchor_name +
                                     "' (bpp and kbps curves cannot be compared)");
  const std::vector<QualityAxis>& axes = QualityAxes(anchor->media);
  *table = "BD-rate against " + anchor_name + " (negative: fewer bits for the same quality)\n\n| curve | points | " +
           RateKey(anchor->media) + " range |";
  for (const QualityAxis& axis : axes)
    if (axis.in_table) *table += " " + axis.label + " |";
  *table += "\n|---|---|---|";
  for (const QualityAxis& axis : axes)
    if (axis.in_table) *table += "---|";
  *table += "\n";
  for (const Curve& c : curves) {
    double lo = c.rate[0], hi = c.rate[0];
    for (const double r : c.rate) lo = std::min(lo, r), hi = std::max(hi, r);
    char range[64];
    std::snprintf(range, sizeof range, c.media == Media::kImage ? "%.3f-%.3f" : "%.2f-%.2f", lo, hi);
    *table += "| " + c.name + " | " + std::to_string(c.rate.size()) + " | " + range + " |";
    for (const QualityAxis& axis : axes)
      if (axis.in_table) *table += " " + Cell(*anchor, c, axis) + " |";
    *table += "\n";
  }
  return Status::Ok();
}

Status WriteCurves(const std::vector<Curve>& curves, const std::string& output_folder, const std::string& prefix) {
  const std::string folder = std::filesystem::path(output_folder + "/curves/" + prefix + "x").parent_path().string();
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error) return Status::IOError("cannot create '" + folder + "': " + error.message());
  for (const Curve& c : curves)
    LCODEC_RETURN_IF_ERROR(WriteTextFile(output_folder + "/curves/" + prefix + c.name + ".json", CurveToJson(c)));
  return Status::Ok();
}

Status WriteReport(const std::vector<Row>& rows, const std::vector<std::string>& codecs, const ReportOptions& o,
                   std::string* table) {
  std::vector<Curve> curves;
  LCODEC_RETURN_IF_ERROR(AverageCurves(rows, codecs, &curves));
  LCODEC_RETURN_IF_ERROR(WriteCurves(curves, o.output_folder, ""));  // creates the folders first
  LCODEC_RETURN_IF_ERROR(WriteTextFile(o.output_folder + "/rows.csv", RowsToCsv(rows)));
  curves.insert(curves.end(), o.compare.begin(), o.compare.end());
  if (curves.empty()) return Status::InvalidArgument("no results to report");
  LCODEC_RETURN_IF_ERROR(BdRateTable(curves, o.anchor.empty() ? DefaultAnchor(curves) : o.anchor, table));
  LCODEC_RETURN_IF_ERROR(WriteTextFile(o.output_folder + "/bd_rate.md", *table));
  return WriteTextFile(o.output_folder + "/rd.svg", RdPlotSvg(curves, o.title));
}

}  // namespace lcodec::eval
