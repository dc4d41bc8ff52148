#include "eval/item_runner.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>

#include "eval/json.h"
#include "eval/text_file.h"

namespace lcodec::eval {
namespace {

namespace fs = std::filesystem;

std::string ItemPath(const std::string& output, const std::string& codec, const std::string& input) {
  return output + "/items/" + codec + "/" + input + ".csv";
}

// Reads a stored item; *current is false when it is missing or was made with
// another configuration than `config` (any, if null). *found gets the
// configuration it was made with.
Status LoadItem(const std::string& path, const std::string* config, std::string* csv, bool* current,
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
  *csv = text.substr(newline + 1);
  *current = true;
  return Status::Ok();
}

std::string RunManifest(const ItemRunOptions& o, const std::vector<std::string>& inputs) {
  std::string json = "{\n  \"media\": " + JsonQuote(o.media) + ",\n  \"input\": " + JsonQuote(o.input_folder) +
                     ",\n  \"shard\": " +
                     JsonQuote(std::to_string(o.shard.index) + "/" + std::to_string(o.shard.count)) +
                     ",\n  \"total_inputs\": " + std::to_string(o.inputs.size()) + ",\n  \"codecs\": [";
  for (size_t i = 0; i < o.codecs.size(); ++i) json += (i ? ", " : "") + JsonQuote(o.codecs[i]);
  json += "],\n  \"inputs\": [";
  for (size_t i = 0; i < inputs.size(); ++i) json += (i ? ", " : "") + JsonQuote(inputs[i]);
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

struct RunRecord {
  std::string media;
  Shard shard;
  std::string shard_text;
  int total_inputs = 0;
  std::vector<std::string> codecs, inputs;
};

// run.json; folders written before audio existed say "images" and
// "total_images" and are image runs.
Status ReadRunRecord(const std::string& folder, RunRecord* out) {
  std::string text;
  LCODEC_RETURN_IF_ERROR(ReadTextFile(folder + "/run.json", &text));
  JsonValue run;
  const Status parsed = ParseJson(text, &run);
  const JsonValue* shard = run.Find("shard");
  const JsonValue* total = run.Find("total_inputs") ? run.Find("total_inputs") : run.Find("total_images");
  if (!parsed.ok() || !shard || shard->type != JsonValue::Type::kString || !total ||
      total->type != JsonValue::Type::kNumber || !ParseShard(shard->string, &out->shard).ok())
    return Status::Corrupt("'" + folder + "/run.json' is not an lcodec eval run record");
  const JsonValue* media = run.Find("media");
  out->media = media && media->type == JsonValue::Type::kString ? media->string : "image";
  out->shard_text = shard->string;
  out->total_inputs = static_cast<int>(total->number);
  out->codecs = Strings(run, "codecs");
  out->inputs = Strings(run, run.Find("inputs") ? "inputs" : "images");
  return Status::Ok();
}

}  // namespace

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

Status ListFiles(const std::string& folder, const std::function<bool(const std::string&)>& wanted,
                 const std::string& what, std::vector<std::string>* names) {
  std::error_code error;
  if (!fs::is_directory(folder, error)) return Status::IOError("'" + folder + "' is not a folder");
  names->clear();
  for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (it->is_regular_file(error) && wanted(name)) names->push_back(name);
  }
  if (error) return Status::IOError("cannot list '" + folder + "': " + error.message());
  if (names->empty()) return Status::InvalidArgument("'" + folder + "' holds no " + what);
  std::sort(names->begin(), names->end());
  return Status::Ok();
}

Status RunItems(const ItemRunOptions& o, std::vector<std::string>* csvs, ItemRunSummary* summary) {
  std::vector<std::string> inputs;
  for (size_t k = 0; k < o.inputs.size(); ++k)
    if (static_cast<int>(k % o.shard.count) == o.shard.index) inputs.push_back(o.inputs[k]);
  std::error_code error;
  for (const std::string& codec : o.codecs) {
    fs::create_directories(o.output_folder + "/items/" + codec, error);
    if (error) return Status::IOError("cannot create '" + o.output_folder + "/items/" + codec + "': " + error.message());
  }
  LCODEC_RETURN_IF_ERROR(WriteTextFile(o.output_folder + "/run.json", RunManifest(o, inputs)));

  struct Item {
    std::string input, codec;
  };
  std::vector<Item> todo;
  *summary = ItemRunSummary{static_cast<int>(inputs.size()), 0, 0};
  for (const std::string& input : inputs)
    for (const std::string& codec : o.codecs) {
      ++summary->items;
      std::string csv;
      bool current = false;
      LCODEC_RETURN_IF_ERROR(LoadItem(ItemPath(o.output_folder, codec, input), &o.configs.at(codec), &csv, &current));
      if (current) ++summary->resumed;
      else todo.push_back({input, codec});
    }

  std::atomic<size_t> next{0};
  std::mutex mutex;  // guards the fields below
  Status failure;
  int finished = summary->resumed;
  const int jobs = std::max(1, o.jobs);
  auto worker = [&](int w) {
    for (size_t k; (k = next++) < todo.size();) {
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (!failure.ok()) return;
      }
      const Item& item = todo[k];
      const auto start = std::chrono::steady_clock::now();
      std::string csv;
      Status status = o.run_item(w, item.input, item.codec, &csv);
      if (status.ok())
        status = WriteTextFile(ItemPath(o.output_folder, item.codec, item.input), "# " + o.configs.at(item.codec) + "\n" + csv);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::lock_guard<std::mutex> lock(mutex);
      if (!status.ok()) {
        if (failure.ok()) failure = WithContext(item.input + ", " + item.codec + ": ", status);
        return;
      }
      ++finished;
      if (o.progress) {
        char line[256];
        std::snprintf(line, sizeof line, "[%d/%d] %s %s: %.1f s", finished, summary->items, item.input.c_str(),
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

  csvs->clear();
  for (const std::string& input : inputs)
    for (const std::string& codec : o.codecs) {
      bool current = false;
      std::string csv;
      LCODEC_RETURN_IF_ERROR(LoadItem(ItemPath(o.output_folder, codec, input), &o.configs.at(codec), &csv, &current));
      if (!current) return Status::IOError("item " + input + ", " + codec + " vanished while running");
      csvs->push_back(std::move(csv));
    }
  return Status::Ok();
}

Status ReadRunMedia(const std::string& folder, std::string* media) {
  RunRecord record;
  LCODEC_RETURN_IF_ERROR(ReadRunRecord(folder, &record));
  *media = record.media;
  return Status::Ok();
}

Status LoadShardItems(const std::vector<std::string>& folders, std::string* media, std::vector<std::string>* codecs,
                      std::vector<std::string>* csvs) {
  std::map<int, std::string> seen;             // shard index -> folder
  std::map<std::string, std::string> configs;  // codec -> configuration of its first item
  RunRecord first;
  csvs->clear();
  for (const std::string& folder : folders) {
    RunRecord run;
    LCODEC_RETURN_IF_ERROR(ReadRunRecord(folder, &run));
    if (seen.empty()) {
      first = run;
    } else if (run.shard.count != first.shard.count || run.total_inputs != first.total_inputs ||
               run.codecs != first.codecs || run.media != first.media) {
      return Status::InvalidArgument("'" + folder + "' comes from another run (media, shard count, input count or codecs differ)");
    }
    if (seen.count(run.shard.index))
      return Status::InvalidArgument("shard " + run.shard_text + " is given twice: '" + seen[run.shard.index] +
                                     "' and '" + folder + "'");
    seen[run.shard.index] = folder;
    for (const std::string& input : run.inputs)
      for (const std::string& codec : run.codecs) {
        bool current = false;
        std::string config, csv;
        LCODEC_RETURN_IF_ERROR(LoadItem(ItemPath(folder, codec, input), nullptr, &csv, &current, &config));
        if (!current)
          return Status::InvalidArgument("'" + folder + "' is unfinished (no result for " + input + ", " + codec +
                                         "): run that shard again to complete it");
        if (configs.emplace(codec, config).first->second != config)
          return Status::InvalidArgument("'" + folder + "' ran " + codec + " with another configuration (" + config +
                                         ") than the other shards (" + configs[codec] + ")");
        csvs->push_back(std::move(csv));
      }
  }
  for (int i = 0; i < first.shard.count; ++i)
    if (!seen.count(i))
      return Status::InvalidArgument("shard " + std::to_string(i) + "/" + std::to_string(first.shard.count) + " is missing");
  *media = first.media;
  *codecs = first.codecs;
  return Status::Ok();
}

}  // namespace lcodec::eval
