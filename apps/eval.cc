// lcodec eval: rate-distortion evaluation against classical codecs.
//
//   lcodec eval -i FOLDER -o OUT [--codecs ...]     run (or resume) an evaluation
//   lcodec eval merge -o OUT SHARD_OUT...             combine the shards of one run
//   lcodec eval bdrate CURVE.json...                  BD-rate table of saved curves
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <thread>

#include <torch/torch.h>

#include "apps/cli_common.h"
#include "apps/commands.h"
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

Status CheckCodecs(const std::vector<std::string>& codecs) {
  const std::vector<std::string>& known = eval::ImageCodecNames();
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
      ("anchor", "the curve BD-rates are measured against; empty: jpeg if there, else the first",
       cxxopts::value<std::string>()->default_value(""))
      ("compare", "CompressAI-format JSON curves to add to the table and plot (comma-separated)",
       cxxopts::value<std::string>()->default_value(""))
      ("title", "title of the plot", cxxopts::value<std::string>()->default_value("Rate-distortion"));
}

int Report(const std::vector<eval::Row>& rows, const std::vector<std::string>& codecs, const cxxopts::ParseResult& args,
           const std::string& output) {
  eval::ReportOptions report;
  report.output_folder = output;
  report.anchor = args["anchor"].as<std::string>();
  report.title = args["title"].as<std::string>();
  Status status = LoadCurves(SplitList(args["compare"].as<std::string>()), &report.compare);
  std::string table;
  if (status.ok()) status = eval::WriteReport(rows, codecs, report, &table);
  if (!status.ok()) return Fail(kCommand, status);
  std::printf("%s\nwrote %s/rows.csv, %s/curves/*.json, %s/bd_rate.md, %s/rd.svg\n", table.c_str(), output.c_str(),
              output.c_str(), output.c_str(), output.c_str());
  return 0;
}

int RunMain(int argc, char** argv) {
  cxxopts::Options cli("lcodec eval",
                       "Runs every codec's sweep of settings on every image of a folder and measures bpp, PSNR "
                       "(RGB, Y) and MS-SSIM. Resumes an interrupted run in the same output folder.\n"
                       "Also: 'lcodec eval merge' (combine shards) and 'lcodec eval bdrate' (BD-rates of JSON curves).");
  cli.add_options()
      ("i,input", "folder of images", cxxopts::value<std::string>())
      ("o,output", "folder for the results (created; reused to resume)", cxxopts::value<std::string>())
      ("codecs", "comma-separated: " + Join(eval::ImageCodecNames()),
       cxxopts::value<std::string>()->default_value(Join(eval::ImageCodecNames())))
      ("m,model", "lcodec's model file", cxxopts::value<std::string>()->default_value(DefaultImageModelPath()))
      ("jobs", "items coded in parallel, each on one thread (the default is one per core)",
       cxxopts::value<int>()->default_value(std::to_string(std::max(1u, std::thread::hardware_concurrency()))))
      ("shard", "i/N: run only this machine's share of the images (see 'lcodec eval merge')",
       cxxopts::value<std::string>()->default_value("0/1"));
  AddReportOptions(cli);
  cxxopts::ParseResult args;
  int exit_code = 0;
  if (!ParseOrExit(cli, argc, argv, {"input", "output"}, &args, &exit_code)) return exit_code;

  eval::ImageRunOptions run;
  run.input_folder = args["input"].as<std::string>();
  run.output_folder = args["output"].as<std::string>();
  run.codecs = SplitList(args["codecs"].as<std::string>());
  run.codec_options.model_path = args["model"].as<std::string>();
  run.jobs = args["jobs"].as<int>();
  Status status = CheckCodecs(run.codecs);
  if (status.ok()) status = eval::ParseShard(args["shard"].as<std::string>(), &run.shard);
  if (status.ok() && (run.jobs < 1 || run.jobs > 256)) status = Status::InvalidArgument("--jobs must be 1..256");
  if (!status.ok()) return Fail(kCommand, status);
  // Parallelism comes from coding several items at once; libtorch threads
  // inside each item would only compete with them.
  torch::set_num_threads(1);
  run.progress = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };

  std::vector<eval::Row> rows;
  eval::ImageRunSummary summary;
  status = eval::RunImageEval(run, &rows, &summary);
  if (!status.ok()) return Fail(kCommand, status);
  std::fprintf(stderr, "%d images, %d items, %d resumed from an earlier run\n", summary.images, summary.items,
               summary.resumed);
  return Report(rows, run.codecs, args, run.output_folder);
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
  std::vector<eval::Row> rows;
  std::vector<std::string> codecs;
  const Status status = eval::LoadShardRows(args["shards"].as<std::vector<std::string>>(), &rows, &codecs);
  if (!status.ok()) return Fail(kCommand, status);
  return Report(rows, codecs, args, args["output"].as<std::string>());
}

int BdRateMain(int argc, char** argv) {
  cxxopts::Options cli("lcodec eval bdrate",
                       "Prints the BD-rate table of curves saved as JSON (ours under OUT/curves/, or CompressAI's "
                       "published results).");
  cli.add_options()
      ("curves", "JSON curve files", cxxopts::value<std::vector<std::string>>())
      ("anchor", "the curve BD-rates are measured against; empty: jpeg if there, else the first",
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
