// lcodec eval: rate-distortion evaluation against classical codecs, of
// images or of audio clips (chosen by the folder's files, or --audio).
//
//   lcodec eval -i FOLDER -o OUT [--codecs ...]     run (or resume) an evaluation
//   lcodec eval merge -o OUT SHARD_OUT...             combine the shards of one run
//   lcodec eval bdrate CURVE.json...                  BD-rate table of saved curves
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <thread>
#include <type_traits>

#include <torch/torch.h>

#include "apps/cli_common.h"
#include "apps/commands.h"
#include "eval/audio_codec.h"
#include "eval/audio_report.h"
#include "eval/audio_runner.h"
#include "eval/image_codec.h"
#include "eval/image_runner.h"
#include "eval/report.h"
#include "eval/rd_plot.h"
#include "eval/text_file.h"

namespace lcodec::apps {
namespace {

constexpr const char* kCommand = "eval";

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) items.push_back(item);
  return items;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ",") + s;
  return out;
}

Status CheckCodecs(const std::vector<std::string>& codecs, bool audio) {
  const std::vector<std::string>& known = audio ? eval::AudioCodecNames() : eval::ImageCodecNames();
  if (codecs.empty()) return Status::InvalidArgument("--codecs names no codec");
  for (auto c = codecs.begin(); c != codecs.end(); ++c) {
    if (std::find(known.begin(), known.end(), *c) == known.end())
      return Status::InvalidArgument("unknown codec '" + *c + "' (known: " + Join(known) + ")");
    if (std::find(codecs.begin(), c, *c) != c) return Status::InvalidArgument("--codecs names " + *c + " twice");
  }
  return Status::Ok();
}

Status LoadCurves(const std::vector<std::string>& paths, std::vector<eval::Curve>* curves) {
  for (const std::string& path : paths) {
    std::string text;
    LCODEC_RETURN_IF_ERROR(eval::ReadTextFile(path, &text));
    eval::Curve curve;
    const Status status = eval::CurveFromJson(text, &curve);
    if (!status.ok()) return Status::Corrupt("'" + path + "': " + status.message());
    curves->push_back(std::move(curve));
  }
  return Status::Ok();
}

void AddReportOptions(cxxopts::Options& cli) {
  cli.add_options()
      ("anchor", "the curve BD-rates are measured against; empty: jpeg (images) or opus (audio) if there, else the first",
       cxxopts::value<std::string>()->default_value(""))
      ("compare", "CompressAI-format JSON curves to add to the table and plot (comma-separated)",
       cxxopts::value<std::string>()->default_value(""))
      ("title", "title of the plot", cxxopts::value<std::string>()->default_value("Rate-distortion"));
}

// Writes the outputs of image rows (eval::Row) or audio rows (eval::AudioRow).
template <typename Rows>
int Report(const Rows& rows, const std::vector<std::string>& codecs, const cxxopts::ParseResult& args,
           const std::string& output) {
  eval::ReportOptions report;
  report.output_folder = output;
  report.anchor = args["anchor"].as<std::string>();
  report.title = args["title"].as<std::string>();
  Status status = LoadCurves(SplitList(args["compare"].as<std::string>()), &report.compare);
  std::string table;
  constexpr bool kAudio = std::is_same_v<Rows, std::vector<eval::AudioRow>>;
  if (status.ok()) {
    if constexpr (kAudio) status = eval::WriteAudioReport(rows, codecs, report, &table);
    else status = eval::WriteReport(rows, codecs, report, &table);
  }
  if (!status.ok()) return Fail(kCommand, status);
  std::printf("%s\nwrote %s/rows.csv, %s/curves/*.json, %s/bd_rate.md, %s/rd%s.svg\n", table.c_str(), output.c_str(),
              output.c_str(), output.c_str(), output.c_str(), kAudio ? "*" : "");
  return 0;
}

// --kbps: positive numbers up to 512, for audio runs only.
Status ParseKbps(const std::string& text, bool audio, std::vector<double>* kbps) {
  for (const std::string& item : SplitList(text)) {
    char* end = nullptr;
    const double v = std::strtod(item.c_str(), &end);
    if (*end != '\0' || !(v > 0 && v <= 512))
      return Status::InvalidArgument("--kbps takes bitrates between 0 and 512, not '" + item + "'");
    kbps->push_back(v);
  }
  if (!kbps->empty() && !audio) return Status::InvalidArgument("--kbps applies to audio runs only");
  return Status::Ok();
}

// Audio when asked for, or when the folder holds audio clips and no images.
Status ChooseMedia(const std::string& folder, bool force_audio, bool* audio) {
  std::vector<std::string> names;
  *audio = force_audio;
  if (force_audio) return Status::Ok();
  const Status images = eval::ListImages(folder, &names);
  if (images.ok()) return Status::Ok();
  *audio = eval::ListAudio(folder, &names).ok();
  return *audio ? Status::Ok() : images;
}

int RunMain(int argc, char** argv) {
  cxxopts::Options cli("lcodec eval",
                       "Runs every codec's sweep of settings on every image of a folder and measures bpp, PSNR "
                       "(RGB, Y) and MS-SSIM; or, for a folder of audio clips (one with audio files and no images, "
                       "or with --audio), kbps, SNR, SI-SDR, log-spectral and mel distances, and STOI for clips named "
                       "speech_*. Resumes an interrupted run in the same output folder.\n"
                       "Also: 'lcodec eval merge' (combine shards) and 'lcodec eval bdrate' (BD-rates of JSON curves).");
  cli.add_options()
      ("i,input", "folder of images or audio clips", cxxopts::value<std::string>())
      ("o,output", "folder for the results (created; reused to resume)", cxxopts::value<std::string>())
      ("audio", "evaluate the folder's audio clips (the default when it holds audio and no images)")
      ("kbps", "audio: bitrates for opus, aac and mp3 instead of their own sweeps (comma-separated)",
       cxxopts::value<std::string>())
      ("codecs", "comma-separated; images: " + Join(eval::ImageCodecNames()) + "; audio: " +
       Join(eval::AudioCodecNames()) + " (default: all)", cxxopts::value<std::string>())
      ("m,model", "lcodec's model file (default: the shipped image or audio model)", cxxopts::value<std::string>())
      ("refine", "images: lcodec's rounds of latent refinement (lcodec encode --refine)",
       cxxopts::value<int>()->default_value("0"))
      ("jobs", "items coded in parallel, each on one thread (the default is one per core)",
       cxxopts::value<int>()->default_value(std::to_string(std::max(1u, std::thread::hardware_concurrency()))))
      ("shard", "i/N: run only this machine's share of the files (see 'lcodec eval merge')",
       cxxopts::value<std::string>()->default_value("0/1"));
  AddReportOptions(cli);
  cxxopts::ParseResult args;
  int exit_code = 0;
  if (!ParseOrExit(cli, argc, argv, {"input", "output"}, &args, &exit_code)) return exit_code;

  const std::string input = args["input"].as<std::string>(), output = args["output"].as<std::string>();
  bool audio = false;
  Status status = ChooseMedia(input, args.count("audio") > 0, &audio);
  const std::vector<std::string> codecs = args.count("codecs") ? SplitList(args["codecs"].as<std::string>())
                                         : audio           ? eval::AudioCodecNames()
                                                           : eval::ImageCodecNames();
  const std::string model = args.count("model") ? args["model"].as<std::string>()
                            : audio             ? DefaultAudioModelPath()
                                                : DefaultImageModelPath();
  eval::Shard shard;
  const int jobs = args["jobs"].as<int>();
  std::vector<double> kbps;
  if (status.ok() && args.count("kbps")) status = ParseKbps(args["kbps"].as<std::string>(), audio, &kbps);
  if (status.ok()) status = CheckCodecs(codecs, audio);
  if (status.ok()) status = eval::ParseShard(args["shard"].as<std::string>(), &shard);
  if (status.ok() && (jobs < 1 || jobs > 256)) status = Status::InvalidArgument("--jobs must be 1..256");
  if (!status.ok()) return Fail(kCommand, status);
  // Parallelism comes from coding several items at once; libtorch threads
  // inside each item would only compete with them.
  torch::set_num_threads(1);
  const auto progress = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  eval::ItemRunSummary summary;
  const char* unit = audio ? "clips" : "images";
  if (audio) {
    eval::AudioRunOptions run{input, output, codecs, {model, kbps}, shard, jobs, progress};
    std::vector<eval::AudioRow> rows;
    status = eval::RunAudioEval(run, &rows, &summary);
    if (!status.ok()) return Fail(kCommand, status);
    std::fprintf(stderr, "%d %s, %d items, %d resumed from an earlier run\n", summary.inputs, unit, summary.items,
                 summary.resumed);
    return Report(rows, codecs, args, output);
  }
  eval::ImageRunOptions run{input, output, codecs, {model, args["refine"].as<int>()}, shard, jobs, progress};
  std::vector<eval::Row> rows;
  status = eval::RunImageEval(run, &rows, &summary);
  if (!status.ok()) return Fail(kCommand, status);
  std::fprintf(stderr, "%d %s, %d items, %d resumed from an earlier run\n", summary.inputs, unit, summary.items,
               summary.resumed);
  return Report(rows, codecs, args, output);
}

int MergeMain(int argc, char** argv) {
  cxxopts::Options cli("lcodec eval merge",
                       "Combines the output folders of the shards of one run (lcodec eval --shard i/N) into the "
                       "outputs an unsharded run would have written.");
  cli.add_options()
      ("o,output", "folder for the combined results", cxxopts::value<std::string>())
      ("shards", "the shards' output folders", cxxopts::value<std::vector<std::string>>());
  AddReportOptions(cli);
  cli.parse_positional({"shards"});
  cxxopts::ParseResult args;
  int exit_code = 0;
  if (!ParseOrExit(cli, argc, argv, {"output", "shards"}, &args, &exit_code)) return exit_code;
  const std::vector<std::string> shards = args["shards"].as<std::vector<std::string>>();
  std::string media;
  Status status = eval::ReadRunMedia(shards[0], &media);
  std::vector<std::string> codecs;
  if (status.ok() && media == "audio") {
    std::vector<eval::AudioRow> rows;
    status = eval::LoadAudioShardRows(shards, &rows, &codecs);
    if (!status.ok()) return Fail(kCommand, status);
    return Report(rows, codecs, args, args["output"].as<std::string>());
  }
  std::vector<eval::Row> rows;
  if (status.ok()) status = eval::LoadShardRows(shards, &rows, &codecs);
  if (!status.ok()) return Fail(kCommand, status);
  return Report(rows, codecs, args, args["output"].as<std::string>());
}

int BdRateMain(int argc, char** argv) {
  cxxopts::Options cli("lcodec eval bdrate",
                       "Prints the BD-rate table of curves saved as JSON (ours under OUT/curves/, or CompressAI's "
                       "published results).");
  cli.add_options()
      ("curves", "JSON curve files", cxxopts::value<std::vector<std::string>>())
      ("anchor", "the curve BD-rates are measured against; empty: jpeg (images) or opus (audio) if there, else the first",
       cxxopts::value<std::string>()->default_value(""))
      ("plot", "also write an RD plot to this .svg file", cxxopts::value<std::string>());
  cli.parse_positional({"curves"});
  cxxopts::ParseResult args;
  int exit_code = 0;
  if (!ParseOrExit(cli, argc, argv, {"curves"}, &args, &exit_code)) return exit_code;
  std::vector<eval::Curve> curves;
  Status status = LoadCurves(args["curves"].as<std::vector<std::string>>(), &curves);
  std::string table;
  const std::string anchor = args["anchor"].as<std::string>();
  if (status.ok()) status = eval::BdRateTable(curves, anchor.empty() ? eval::DefaultAnchor(curves) : anchor, &table);
  if (status.ok() && args.count("plot")) {
    status = eval::WriteTextFile(args["plot"].as<std::string>(), eval::RdPlotSvg(curves, "Rate-distortion"));
  }
  if (!status.ok()) return Fail(kCommand, status);
  std::printf("%s", table.c_str());
  return 0;
}

}  // namespace

int EvalMain(int argc, char** argv) {
  if (argc >= 2 && !std::strcmp(argv[1], "merge")) return MergeMain(argc - 1, argv + 1);
  if (argc >= 2 && !std::strcmp(argv[1], "bdrate")) return BdRateMain(argc - 1, argv + 1);
  return RunMain(argc, argv);
}

}  // namespace lcodec::apps
