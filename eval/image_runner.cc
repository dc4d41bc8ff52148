#include "eval/image_runner.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "apps/image_io.h"
#include "eval/json.h"
#include "eval/metrics.h"
#include "eval/text_file.h"

namespace lcodec::eval {
namespace {

namespace fs = std::filesystem;

// `status` with `prefix` before its message, its code kept.
Status WithContext(const std::string& prefix, const Status& status) {
  const std::string m = prefix + status.message();
  switch (status.code()) {
    case Status::Code::kOk: return status;
    case Status::Code::kInvalidArgument: return Status::InvalidArgument(m);
    case Status::Code::kCorrupt: return Status::Corrupt(m);
    case Status::Code::kUnsupported: return Status::Unsupported(m);
    case Status::Code::kIOError: return Status::IOError(m);
    case Status::Code::kResourceLimit: return Status::ResourceLimit(m);
  }
  return Status::InvalidArgument(m);
}

// Codecs compare 8-bit RGB: gray is repeated over three channels and 16-bit
// samples are rounded to 8 bits. Alpha is refused, as lcodec encode does.
Status ToRgb8(const Image& in, Image* out) {
  if (in.channels != 1 && in.channels != 3) return Status::Unsupported("only gray and RGB images are evaluated");
  const double scale = in.bit_depth == 16 ? 255.0 / 65535.0 : 1.0;
  *out = Image{in.width, in.height, 3, 8, {}};
  out->samples.reserve(static_cast<size_t>(in.width) * in.height * 3);
  for (size_t i = 0; i < in.samples.size(); ++i) {
    const auto v = static_cast<uint16_t>(std::lround(in.samples[i] * scale));
    for (int c = 0; c < (in.channels == 1 ? 3 : 1); ++c) out->samples.push_back(v);
  }
  return Status::Ok();
}

// An item's file: "# <codec configuration>" then the rows as CSV.
std::string ItemPath(const std::string& output, const std::string& codec, const std::string& image) {
  return output + "/items/" + codec + "/" + image + ".csv";
}

// Reads a stored item; *current is false when it is missing or was made with
// another configuration than `config` (any, if null). *found gets the
// configuration it was made with.
Status LoadItem(const std::string& path, const std::string* config, std::vector<Row>* rows, bool* current,
                std::string* found = nullptr) {
  *current = false;
  std::error_code error;
  if (!fs::exists(path, error)) return Status::Ok();
  std::string text;
  LCODEC_RETURN_IF_ERROR(ReadTextFile(path, &text));
  const size_t newline = text.find('\n');
  if (text.compare(0, 2, "# ") != 0 || newline == std::string::npos) return Status::Corrupt("'" + path + "' is not an item file");
  if (found) *found = text.substr(2, newline - 2);
  if (config && text.substr(2, newline - 2) != *config) return Status::Ok();
  const Status status = RowsFromCsv(text.substr(newline + 1), rows);
  if (!status.ok()) return Status::Corrupt("'" + path + "': " + status.message());
  *current = true;
  return Status::Ok();
}

Status RunItem(const std::string& input_folder, const std::string& image_name, const std::string& codec_name,
               ImageCodec& codec, std::string* csv) {
  Image source, rgb;
  LCODEC_RETURN_IF_ERROR(apps::ReadImage(input_folder + "/" + image_name, &source));
  LCODEC_RETURN_IF_ERROR(ToRgb8(source, &rgb));
  std::vector<Row> rows;
  for (const double setting : codec.Settings()) {
    RoundTripResult result;
    LCODEC_RETURN_IF_ERROR(codec.RoundTrip(rgb, setting, &result));
    Distortion d;
    LCODEC_RETURN_IF_ERROR(MeasureDistortion(rgb, result.decoded, &d));
    Row r;
    r.image = image_name;
    r.codec = codec_name;
    r.setting = setting;
    r.width = rgb.width;
    r.height = rgb.height;
    r.bytes = result.bytes;
    r.bpp = 8.0 * result.bytes / (static_cast<double>(rgb.width) * rgb.height);
    r.psnr_rgb = d.psnr_rgb;
    r.psnr_y = d.psnr_y;
    r.ms_ssim = d.ms_ssim;
    r.encode_seconds = result.encode_seconds;
    r.decode_seconds = result.decode_seconds;
    rows.push_back(r);
  }
  *csv = RowsToCsv(rows);
  return Status::Ok();
}

int CodecRank(const std::string& codec) {
  const std::vector<std::string>& names = ImageCodecNames();
  return static_cast<int>(std::find(names.begin(), names.end(), codec) - names.begin());
}

void SortRows(std::vector<Row>* rows) {
  std::sort(rows->begin(), rows->end(), [](const Row& a, const Row& b) {
    if (a.image != b.image) return a.image < b.image;
    if (a.codec != b.codec) return CodecRank(a.codec) < CodecRank(b.codec);
    return a.setting < b.setting;
  });
}

std::string RunManifest(const ImageRunOptions& o, const std::vector<std::string>& images, int total_images) {
  std::string json = "{\n  \"input\": " + JsonQuote(o.input_folder) + ",\n  \"shard\": " +
                     JsonQuote(std::to_string(o.shard.index) + "/" + std::to_string(o.shard.count)) +
                     ",\n  \"total_images\": " + std::to_string(total_images) + ",\n  \"codecs\": [";
  for (size_t i = 0; i < o.codecs.size(); ++i) json += (i ? ", " : "") + JsonQuote(o.codecs[i]);
  json += "],\n  \"images\": [";
  for (size_t i = 0; i < images.size(); ++i) json += (i ? ", " : "") + JsonQuote(images[i]);
  return json + "]\n}\n";
}

// The strings of a JSON array member.
std::vector<std::string> Strings(const JsonValue& root, const char* key) {
  std::vector<std::string> out;
  if (const JsonValue* v = root.Find(key); v && v->type == JsonValue::Type::kArray)
    for (const JsonValue& s : v->array)
      if (s.type == JsonValue::Type::kString) out.push_back(s.string);
  return out;
}

}  // namespace

Status ParseShard(const std::string& text, Shard* out) {
  const size_t slash = text.find('/');
  const Status bad = Status::InvalidArgument("--shard must be i/N with 0 <= i < N, not '" + text + "'");
  if (slash == std::string::npos || slash == 0 || slash + 1 == text.size()) return bad;
  const std::string i = text.substr(0, slash), n = text.substr(slash + 1);
  if (i.find_first_not_of("0123456789") != std::string::npos || n.find_first_not_of("0123456789") != std::string::npos ||
      i.size() > 6 || n.size() > 6)
    return bad;
  out->index = std::stoi(i);
  out->count = std::stoi(n);
  if (out->count < 1 || out->index >= out->count) return bad;
  return Status::Ok();
}

Status ListImages(const std::string& folder, std::vector<std::string>* names) {
  static const std::set<std::string> kExtensions = {".png", ".jpg", ".jpeg", ".ppm", ".pgm", ".bmp",
                                                    ".tif", ".tiff", ".webp"};
  std::error_code error;
  if (!fs::is_directory(folder, error)) return Status::IOError("'" + folder + "' is not a folder");
  names->clear();
  for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    std::string extension = it->path().extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(), ::tolower);
    if (it->is_regular_file(error) && kExtensions.count(extension)) names->push_back(it->path().filename().string());
  }
  if (error) return Status::IOError("cannot list '" + folder + "': " + error.message());
  if (names->empty()) return Status::InvalidArgument("'" + folder + "' holds no images (.png, .jpg, .ppm, .bmp, .tif, .webp)");
  std::sort(names->begin(), names->end());
  return Status::Ok();
}

Status RunImageEval(const ImageRunOptions& o, std::vector<Row>* rows, ImageRunSummary* summary) {
  std::vector<std::string> all_images, images;
  LCODEC_RETURN_IF_ERROR(ListImages(o.input_folder, &all_images));
  for (size_t k = 0; k < all_images.size(); ++k)
    if (static_cast<int>(k % o.shard.count) == o.shard.index) images.push_back(all_images[k]);
  // One codec instance per worker; worker 0's are made first, which checks
  // every codec (and loads the model) before any work starts.
  const int jobs = std::max(1, o.jobs);
  std::vector<std::map<std::string, std::unique_ptr<ImageCodec>>> instances(jobs);
  std::map<std::string, std::string> configs;
  for (const std::string& codec : o.codecs) {
    LCODEC_RETURN_IF_ERROR(MakeImageCodec(codec, o.codec_options, &instances[0][codec]));
    configs[codec] = instances[0][codec]->Config();
  }
  std::error_code error;
  for (const std::string& codec : o.codecs) {
    fs::create_directories(o.output_folder + "/items/" + codec, error);
    if (error) return Status::IOError("cannot create '" + o.output_folder + "/items/" + codec + "': " + error.message());
  }
  LCODEC_RETURN_IF_ERROR(WriteTextFile(o.output_folder + "/run.json", RunManifest(o, images, static_cast<int>(all_images.size()))));

  struct Item {
    std::string image, codec;
  };
  std::vector<Item> todo;
  *summary = ImageRunSummary{static_cast<int>(images.size()), 0, 0};
  for (const std::string& image : images)
    for (const std::string& codec : o.codecs) {
      ++summary->items;
      std::vector<Row> done;
      bool current = false;
      LCODEC_RETURN_IF_ERROR(LoadItem(ItemPath(o.output_folder, codec, image), &configs[codec], &done, &current));
      if (current) ++summary->resumed;
      else todo.push_back({image, codec});
    }

  std::atomic<size_t> next{0};
  std::mutex mutex;  // guards the fields below
  Status failure;
  int finished = summary->resumed;
  auto worker = [&](int w) {
    for (size_t k; (k = next++) < todo.size();) {
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (!failure.ok()) return;
      }
      const Item& item = todo[k];
      const auto start = std::chrono::steady_clock::now();
      std::unique_ptr<ImageCodec>& codec = instances[w][item.codec];
      Status status = codec ? Status::Ok() : MakeImageCodec(item.codec, o.codec_options, &codec);
      std::string csv;
      if (status.ok()) status = RunItem(o.input_folder, item.image, item.codec, *codec, &csv);
      if (status.ok())
        status = WriteTextFile(ItemPath(o.output_folder, item.codec, item.image), "# " + configs.at(item.codec) + "\n" + csv);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::lock_guard<std::mutex> lock(mutex);
      if (!status.ok()) {
        if (failure.ok()) failure = WithContext(item.image + ", " + item.codec + ": ", status);
        return;
      }
      ++finished;
      if (o.progress) {
        char line[256];
        std::snprintf(line, sizeof line, "[%d/%d] %s %s: %.1f s", finished, summary->items, item.image.c_str(),
                      item.codec.c_str(), seconds);
        o.progress(line);
      }
    }
  };
  std::vector<std::thread> threads;
  for (int w = 1; w < jobs; ++w) threads.emplace_back(worker, w);
  worker(0);
  for (std::thread& t : threads) t.join();
  LCODEC_RETURN_IF_ERROR(failure);

  // Every row comes back from the stored text, so a run and a merge of its
  // shards see exactly the same values.
  rows->clear();
  for (const std::string& image : images)
    for (const std::string& codec : o.codecs) {
      bool current = false;
      LCODEC_RETURN_IF_ERROR(LoadItem(ItemPath(o.output_folder, codec, image), &configs[codec], rows, &current));
      if (!current) return Status::IOError("item " + image + ", " + codec + " vanished while running");
    }
  SortRows(rows);
  return Status::Ok();
}

Status LoadShardRows(const std::vector<std::string>& folders, std::vector<Row>* rows, std::vector<std::string>* codecs) {
  std::map<int, std::string> seen;      // shard index -> folder
  std::map<std::string, std::string> configs;  // codec -> configuration of its first item
  int count = 0, total_images = -1;
  rows->clear();
  for (const std::string& folder : folders) {
    std::string text;
    LCODEC_RETURN_IF_ERROR(ReadTextFile(folder + "/run.json", &text));
    JsonValue run;
    const Status parsed = ParseJson(text, &run);
    const JsonValue* shard_value = run.Find("shard");
    const JsonValue* total_value = run.Find("total_images");
    Shard shard;
    if (!parsed.ok() || !shard_value || shard_value->type != JsonValue::Type::kString || !total_value ||
        !ParseShard(shard_value->string, &shard).ok())
      return Status::Corrupt("'" + folder + "/run.json' is not an lcodec eval run record");
    const std::vector<std::string> run_codecs = Strings(run, "codecs");
    if (seen.empty()) {
      count = shard.count;
      total_images = static_cast<int>(total_value->number);
      *codecs = run_codecs;
    } else if (shard.count != count || static_cast<int>(total_value->number) != total_images || run_codecs != *codecs) {
      return Status::InvalidArgument("'" + folder + "' comes from another run (shard count, image count or codecs differ)");
    }
    if (seen.count(shard.index))
      return Status::InvalidArgument("shard " + shard_value->string + " is given twice: '" + seen[shard.index] +
                                     "' and '" + folder + "'");
    seen[shard.index] = folder;
    for (const std::string& image : Strings(run, "images"))
      for (const std::string& codec : run_codecs) {
        bool current = false;
        std::string config;
        LCODEC_RETURN_IF_ERROR(LoadItem(ItemPath(folder, codec, image), nullptr, rows, &current, &config));
        if (!current)
          return Status::InvalidArgument("'" + folder + "' is unfinished (no result for " + image + ", " + codec +
                                         "): run that shard again to complete it");
        if (configs.emplace(codec, config).first->second != config)
          return Status::InvalidArgument("'" + folder + "' ran " + codec + " with another configuration (" + config +
                                         ") than the other shards (" + configs[codec] + ")");
      }
  }
  for (int i = 0; i < count; ++i)
    if (!seen.count(i)) return Status::InvalidArgument("shard " + std::to_string(i) + "/" + std::to_string(count) + " is missing");
  SortRows(rows);
  return Status::Ok();
}

}  // namespace lcodec::eval
