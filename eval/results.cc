#include "eval/results.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>

#include "eval/json.h"
#include "eval/metrics.h"

namespace lcodec::eval {
namespace {

constexpr const char* kCsvHeader =
    "image,codec,setting,width,height,bytes,bpp,psnr_rgb,psnr_y,ms_ssim,ms_ssim_db,encode_s,decode_s";
constexpr int kCsvColumns = 13;

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      fields.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

bool ToDouble(const std::string& s, double* out) {
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return !s.empty() && *end == '\0' && std::isfinite(*out);
}

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
    for (int i = 0; ok && i < kCsvColumns - 2; ++i) ok = ToDouble(f[i + 2], &v[i]);
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

Status AverageCurves(const std::vector<Row>& rows, const std::vector<std::string>& codecs, std::vector<Curve>* out) {
  for (const std::string& codec : codecs) {
    std::map<double, std::vector<const Row*>> by_setting;
    for (const Row& r : rows)
      if (r.codec == codec) by_setting[r.setting].push_back(&r);
    if (by_setting.empty()) continue;
    Curve curve;
    curve.name = codec;
    std::set<std::string> first_images;
    for (const auto& [setting, points] : by_setting) {
      std::set<std::string> images;
      double sum[6] = {};
      for (const Row* r : points) {
        images.insert(r->image);
        const double values[6] = {r->bpp, r->psnr_rgb, r->psnr_y, r->ms_ssim, r->encode_seconds, r->decode_seconds};
        for (int i = 0; i < 6; ++i) sum[i] += values[i];
      }
      if (images.size() != points.size())
        return Status::InvalidArgument(codec + " has an image twice at setting " + std::to_string(setting));
      if (curve.settings.empty()) first_images = images;
      if (images != first_images)
        return Status::InvalidArgument(codec + ": not every setting was run on the same images");
      const double n = static_cast<double>(points.size());
      curve.settings.push_back(setting);
      curve.bpp.push_back(sum[0] / n);
      curve.psnr_rgb.push_back(sum[1] / n);
      curve.psnr_y.push_back(sum[2] / n);
      curve.ms_ssim.push_back(sum[3] / n);
      curve.encode_seconds.push_back(sum[4] / n);
      curve.decode_seconds.push_back(sum[5] / n);
    }
    curve.images = static_cast<int>(first_images.size());
    curve.description = "lcodec eval, mean over " + std::to_string(curve.images) + " images";
    out->push_back(std::move(curve));
  }
  return Status::Ok();
}

std::string CurveToJson(const Curve& c) {
  std::string out = "{\n  \"name\": " + JsonQuote(c.name) + ",\n  \"description\": " + JsonQuote(c.description) +
                    ",\n  \"images\": " + std::to_string(c.images) + ",\n  \"results\": {\n";
  out += "    \"setting\": " + JsonArray(c.settings, "%.6g") + ",\n";
  out += "    \"bpp\": " + JsonArray(c.bpp, "%.6f") + ",\n";
  out += "    \"psnr-rgb\": " + JsonArray(c.psnr_rgb, "%.4f") + ",\n";
  out += "    \"psnr-y\": " + JsonArray(c.psnr_y, "%.4f") + ",\n";
  out += "    \"ms-ssim-rgb\": " + JsonArray(c.ms_ssim, "%.6f") + ",\n";
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
  if (const JsonValue* d = root.Find("description"); d && d->type == JsonValue::Type::kString) out->description = d->string;
  if (const JsonValue* n = root.Find("images"); n && n->type == JsonValue::Type::kNumber) out->images = static_cast<int>(n->number);
  auto either = [&](const char* a, const char* b) { return results->Find(a) ? results->Find(a) : results->Find(b); };
  LCODEC_RETURN_IF_ERROR(NumberArray(results->Find("bpp"), "bpp", &out->bpp));
  LCODEC_RETURN_IF_ERROR(NumberArray(either("psnr-rgb", "psnr"), "psnr-rgb", &out->psnr_rgb));
  LCODEC_RETURN_IF_ERROR(NumberArray(results->Find("psnr-y"), "psnr-y", &out->psnr_y));
  LCODEC_RETURN_IF_ERROR(NumberArray(either("ms-ssim-rgb", "ms-ssim"), "ms-ssim-rgb", &out->ms_ssim));
  LCODEC_RETURN_IF_ERROR(NumberArray(results->Find("setting"), "setting", &out->settings));
  LCODEC_RETURN_IF_ERROR(NumberArray(results->Find("encoding_time"), "encoding_time", &out->encode_seconds));
  LCODEC_RETURN_IF_ERROR(NumberArray(results->Find("decoding_time"), "decoding_time", &out->decode_seconds));
  const size_t n = out->bpp.size();
  if (n == 0) return Status::Corrupt("results file '" + out->name + "' has no \"bpp\" values");
  for (const std::vector<double>* v : {&out->psnr_rgb, &out->psnr_y, &out->ms_ssim, &out->settings,
                                       &out->encode_seconds, &out->decode_seconds})
    if (!v->empty() && v->size() != n)
      return Status::Corrupt("results file '" + out->name + "': its arrays differ in length");
  return Status::Ok();
}

}  // namespace lcodec::eval
