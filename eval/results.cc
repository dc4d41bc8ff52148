#include "eval/results.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>

#include "eval/csv.h"
#include "eval/json.h"
#include "eval/metrics.h"

namespace lcodec::eval {
namespace {

constexpr const char* kCsvHeader =
    "image,codec,setting,width,height,bytes,bpp,psnr_rgb,psnr_y,ms_ssim,ms_ssim_db,encode_s,decode_s";
constexpr int kCsvColumns = 13;

std::string JsonArray(const std::vector<double>& values, const char* format) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    char number[32];
    std::snprintf(number, sizeof number, format, values[i]);
    out += (i ? ", " : "") + std::string(number);
  }
  return out + "]";
}

Status NumberArray(const JsonValue* value, const char* key, std::vector<double>* out) {
  out->clear();
  if (!value) return Status::Ok();
  if (value->type != JsonValue::Type::kArray) return Status::Corrupt(std::string("\"") + key + "\" is not an array");
  for (const JsonValue& v : value->array) {
    if (v.type != JsonValue::Type::kNumber) return Status::Corrupt(std::string("\"") + key + "\" holds a non-number");
    out->push_back(v.number);
  }
  return Status::Ok();
}

}  // namespace

std::string RowsToCsv(const std::vector<Row>& rows) {
  std::string out = std::string(kCsvHeader) + "\n";
  for (const Row& r : rows) {
    char line[512];
    std::snprintf(line, sizeof line, ",%.6g,%d,%d,%" PRIu64 ",%.6f,%.4f,%.4f,%.6f,%.4f,%.3f,%.3f\n", r.setting,
                  r.width, r.height, r.bytes, r.bpp, r.psnr_rgb, r.psnr_y, r.ms_ssim, MsSsimDb(r.ms_ssim),
                  r.encode_seconds, r.decode_seconds);
    out += CsvField(r.image) + "," + CsvField(r.codec) + line;
  }
  return out;
}

Status RowsFromCsv(const std::string& text, std::vector<Row>* rows) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line != kCsvHeader) return Status::Corrupt("not an lcodec eval CSV (header differs)");
  for (int number = 2; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    const std::vector<std::string> f = SplitCsvLine(line);
    Row r;
    double v[kCsvColumns - 2];
    bool ok = f.size() == kCsvColumns;
    for (int i = 0; ok && i < kCsvColumns - 2; ++i) ok = CsvNumber(f[i + 2], &v[i]);
    if (!ok) return Status::Corrupt("CSV line " + std::to_string(number) + " is malformed");
    r.image = f[0];
    r.codec = f[1];
    r.setting = v[0];
    r.width = static_cast<int>(v[1]);
    r.height = static_cast<int>(v[2]);
    r.bytes = static_cast<uint64_t>(v[3]);
    r.bpp = v[4];
    r.psnr_rgb = v[5];
    r.psnr_y = v[6];
    r.ms_ssim = v[7];
    // v[8] is ms_ssim_db, derived from ms_ssim.
    r.encode_seconds = v[9];
    r.decode_seconds = v[10];
    rows->push_back(r);
  }
  return Status::Ok();
}

const std::vector<double>* Curve::Metric(const std::string& key) const {
  for (const auto& [k, values] : metrics)
    if (k == key) return &values;
  return nullptr;
}

const char* RateKey(Media media) { return media == Media::kImage ? "bpp" : "kbps"; }
const char* ItemsKey(Media media) { return media == Media::kImage ? "images" : "clips"; }

Status AveragePoints(const std::vector<CurvePoint>& points, Media media, const std::vector<std::string>& metric_keys,
                     const std::vector<std::string>& codecs, std::vector<Curve>* out) {
  const size_t n_metrics = metric_keys.size();
  for (const std::string& codec : codecs) {
    std::map<double, std::vector<const CurvePoint*>> by_setting;
    for (const CurvePoint& p : points)
      if (p.codec == codec) by_setting[p.setting].push_back(&p);
    if (by_setting.empty()) continue;
    Curve curve;
    curve.name = codec;
    curve.media = media;
    for (const std::string& key : metric_keys) curve.metrics.push_back({key, {}});
    std::set<std::string> first_items;
    for (const auto& [setting, group] : by_setting) {
      std::set<std::string> items;
      std::vector<double> sum(n_metrics + 3, 0.0);  // metrics, rate, encode, decode
      for (const CurvePoint* p : group) {
        items.insert(p->item);
        if (p->metrics.size() != n_metrics) return Status::InvalidArgument(codec + ": a point lacks metrics");
        for (size_t i = 0; i < n_metrics; ++i) sum[i] += p->metrics[i];
        sum[n_metrics] += p->rate;
        sum[n_metrics + 1] += p->encode_seconds;
        sum[n_metrics + 2] += p->decode_seconds;
      }
      if (items.size() != group.size())
        return Status::InvalidArgument(codec + " has an item twice at setting " + std::to_string(setting));
      if (curve.settings.empty()) first_items = items;
      if (items != first_items)
        return Status::InvalidArgument(codec + ": not every setting was run on the same " + ItemsKey(media));
      const double n = static_cast<double>(group.size());
      curve.settings.push_back(setting);
      for (size_t i = 0; i < n_metrics; ++i) curve.metrics[i].second.push_back(sum[i] / n);
      curve.rate.push_back(sum[n_metrics] / n);
      curve.encode_seconds.push_back(sum[n_metrics + 1] / n);
      curve.decode_seconds.push_back(sum[n_metrics + 2] / n);
    }
    curve.items = static_cast<int>(first_items.size());
    curve.description = "lcodec eval, mean over " + std::to_string(curve.items) + " " + ItemsKey(media);
    out->push_back(std::move(curve));
  }
  return Status::Ok();
}

Status AverageCurves(const std::vector<Row>& rows, const std::vector<std::string>& codecs, std::vector<Curve>* out) {
  std::vector<CurvePoint> points;
  for (const Row& r : rows)
    points.push_back({r.image, r.codec, r.setting, r.bpp, {r.psnr_rgb, r.psnr_y, r.ms_ssim}, r.encode_seconds,
                      r.decode_seconds});
  return AveragePoints(points, Media::kImage, {"psnr-rgb", "psnr-y", "ms-ssim-rgb"}, codecs, out);
}

std::string CurveToJson(const Curve& c) {
  std::string out = "{\n  \"name\": " + JsonQuote(c.name) + ",\n  \"description\": " + JsonQuote(c.description) +
                    ",\n  \"" + ItemsKey(c.media) + "\": " + std::to_string(c.items) + ",\n  \"results\": {\n";
  out += "    \"setting\": " + JsonArray(c.settings, "%.6g") + ",\n";
  out += "    \"" + std::string(RateKey(c.media)) + "\": " + JsonArray(c.rate, "%.6f") + ",\n";
  for (const auto& [key, values] : c.metrics) out += "    " + JsonQuote(key) + ": " + JsonArray(values, "%.6f") + ",\n";
  out += "    \"encoding_time\": " + JsonArray(c.encode_seconds, "%.4f") + ",\n";
  out += "    \"decoding_time\": " + JsonArray(c.decode_seconds, "%.4f") + "\n  }\n}\n";
  return out;
}

Status CurveFromJson(const std::string& text, Curve* out) {
  JsonValue root;
  LCODEC_RETURN_IF_ERROR(ParseJson(text, &root));
  const JsonValue* name = root.Find("name");
  const JsonValue* results = root.Find("results");
  if (!name || name->type != JsonValue::Type::kString || !results || results->type != JsonValue::Type::kObject)
    return Status::Corrupt("not a results file: it needs \"name\" and \"results\"");
  *out = Curve();
  out->name = name->string;
  out->media = results->Find("kbps") ? Media::kAudio : Media::kImage;
  if (const JsonValue* d = root.Find("description"); d && d->type == JsonValue::Type::kString) out->description = d->string;
  if (const JsonValue* n = root.Find(ItemsKey(out->media)); n && n->type == JsonValue::Type::kNumber)
    out->items = static_cast<int>(n->number);
  for (const auto& [key, value] : results->object) {
    std::vector<double> values;
    LCODEC_RETURN_IF_ERROR(NumberArray(&value, key.c_str(), &values));
    if (key == RateKey(out->media)) out->rate = std::move(values);
    else if (key == "setting") out->settings = std::move(values);
    else if (key == "encoding_time") out->encode_seconds = std::move(values);
    else if (key == "decoding_time") out->decode_seconds = std::move(values);
    else if (key == "psnr" || key == "ms-ssim") out->metrics.push_back({key == "psnr" ? "psnr-rgb" : "ms-ssim-rgb", std::move(values)});
    else out->metrics.push_back({key, std::move(values)});
  }
  const size_t n = out->rate.size();
  if (n == 0) return Status::Corrupt("results file '" + out->name + "' has no \"" + RateKey(out->media) + "\" values");
  bool same_lengths = true;
  for (const std::vector<double>* v : {&out->settings, &out->encode_seconds, &out->decode_seconds})
    same_lengths &= v->empty() || v->size() == n;
  for (const auto& [key, values] : out->metrics) same_lengths &= values.size() == n;
  if (!same_lengths) return Status::Corrupt("results file '" + out->name + "': its arrays differ in length");
  return Status::Ok();
}

}  // namespace lcodec::eval
