// lcodec bench: speed and efficiency of the entropy coder on a workload shaped
// like a hyperprior model's latents.
//
// 64 zero-mean Gaussian CDFs with scales log-spaced from 0.11 to 64 (as in
// CompressAI's scale table); each symbol picks a scale, skewed towards small
// ones the way real latents are (many near-dead channels), and its value is
// drawn from that Gaussian and rounded. "Ideal" is the information content of
// those values under the true, unquantized Gaussian masses, so the overhead
// shows everything the coder loses: 16-bit quantization, escape mass, rANS
// state flushes and the substream headers.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

#include <cxxopts.hpp>

#include "apps/commands.h"
#include "entropy/cdf_table.h"
#include "entropy/symbol_coder.h"

namespace lcodec::apps {
namespace {

using entropy::CdfTable;

constexpr int kScaleCount = 64;
constexpr double kScaleMin = 0.11;
constexpr double kScaleMax = 64;
constexpr int kRepeats = 5;

double Scale(int index) {
  const double t = static_cast<double>(index) / (kScaleCount - 1);
  return std::exp(std::log(kScaleMin) + t * (std::log(kScaleMax) - std::log(kScaleMin)));
}

// P(Z > x) for a standard normal Z; erfc keeps precision far in the tail.
double UpperTail(double x) { return 0.5 * std::erfc(x / std::sqrt(2.0)); }

// Mass of N(0, scale^2) on [value - 0.5, value + 0.5).
double GaussianMass(int64_t value, double scale) {
  const double v = static_cast<double>(value < 0 ? -value : value);
  if (v == 0) return 1 - 2 * UpperTail(0.5 / scale);
  return UpperTail((v - 0.5) / scale) - UpperTail((v + 0.5) / scale);
}

// Values beyond this many standard deviations (plus one) are escaped.
int32_t Support(double scale) { return static_cast<int32_t>(std::ceil(6 * scale)) + 1; }

Status MakeGaussianTable(CdfTable* table) {
  std::vector<std::vector<double>> pmfs(kScaleCount);
  std::vector<double> tails(kScaleCount);
  std::vector<int32_t> offsets(kScaleCount);
  for (int i = 0; i < kScaleCount; ++i) {
    const double scale = Scale(i);
    const int32_t support = Support(scale);
    for (int32_t v = -support; v <= support; ++v) pmfs[i].push_back(GaussianMass(v, scale));
    tails[i] = 2 * UpperTail((support + 0.5) / scale);
    offsets[i] = -support;
  }
  return CdfTable::FromPmfs(pmfs, tails, offsets, table);
}

struct Workload {
  std::vector<int32_t> values;
  std::vector<uint16_t> indexes;
  double ideal_bits = 0;
  size_t escapes = 0;
};

Workload MakeWorkload(size_t symbols, uint64_t seed) {
  Workload w;
  w.values.resize(symbols);
  w.indexes.resize(symbols);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(0, 1);
  std::normal_distribution<double> normal(0, 1);
  for (size_t k = 0; k < symbols; ++k) {
    // Squaring a uniform variate puts half the symbols in the smallest
    // quarter of the scales.
    const double u = uniform(rng);
    const int index = std::min(kScaleCount - 1, static_cast<int>(kScaleCount * u * u));
    const double scale = Scale(index);
    const int64_t value = std::llround(normal(rng) * scale);
    w.indexes[k] = static_cast<uint16_t>(index);
    w.values[k] = static_cast<int32_t>(value);
    w.ideal_bits -= std::log2(GaussianMass(value, scale));
    if (value < -Support(scale) || value > Support(scale)) ++w.escapes;
  }
  return w;
}

// Best throughput of kRepeats runs of `run`, in millions of symbols per second.
template <typename Run>
double BestRate(size_t symbols, const Run& run) {
  double best = 0;
  for (int r = 0; r < kRepeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    run();
    const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
    best = std::max(best, static_cast<double>(symbols) / seconds.count() / 1e6);
  }
  return best;
}

// Encodes and decodes with `threads` threads, prints the speeds, and checks
// the round trip. Leaves the coded bytes in `coded`.
bool Measure(const CdfTable& table, const Workload& w, int threads, std::vector<uint8_t>* coded) {
  const size_t n = w.values.size();
  entropy::CodingOptions options;
  options.threads = threads;
  Status status;
  const double encode_rate = BestRate(n, [&] {
    status = entropy::EncodeSymbols(table, w.values.data(), w.indexes.data(), n, options, coded);
  });
  if (!status.ok()) {
    std::fprintf(stderr, "lcodec bench: encoding failed: %s\n", status.ToString().c_str());
    return false;
  }
  std::vector<int32_t> decoded(n);
  const double decode_rate = BestRate(n, [&] {
    status = entropy::DecodeSymbols(table, coded->data(), coded->size(), w.indexes.data(), n, threads,
                                    decoded.data());
  });
  if (!status.ok()) {
    std::fprintf(stderr, "lcodec bench: decoding failed: %s\n", status.ToString().c_str());
    return false;
  }
  const size_t substreams = (n + options.symbols_per_substream - 1) / options.symbols_per_substream;
  std::printf("%d thread%s, %zu substreams:\n", threads, threads == 1 ? "" : "s", substreams);
  std::printf("  encode:            %8.1f M symbols/s\n", encode_rate);
  std::printf("  decode:            %8.1f M symbols/s\n", decode_rate);
  if (decoded != w.values) {
    std::fprintf(stderr, "lcodec bench: round trip mismatch with %d threads\n", threads);
    return false;
  }
  std::printf("  round trip:        ok\n");
  return true;
}

}  // namespace

int BenchMain(int argc, char** argv) {
  cxxopts::Options cli("lcodec bench", "Measures the entropy coder on a hyperprior-like workload.");
  cli.add_options()
      ("h,help", "print this help")
      ("symbols", "number of symbols to code", cxxopts::value<size_t>()->default_value("1000000"))
      ("threads", "also measure with this many threads (> 1)", cxxopts::value<int>()->default_value("1"))
      ("seed", "random seed of the workload", cxxopts::value<uint64_t>()->default_value("1"));
  size_t symbols = 0;
  int threads = 0;
  uint64_t seed = 0;
  try {
    const cxxopts::ParseResult args = cli.parse(argc, argv);
    if (args.count("help")) {
      std::printf("%s\n", cli.help().c_str());
      return 0;
    }
    symbols = args["symbols"].as<size_t>();
    threads = args["threads"].as<int>();
    seed = args["seed"].as<uint64_t>();
  } catch (const cxxopts::exceptions::exception& e) {
    std::fprintf(stderr, "lcodec bench: %s\n", e.what());
    return 2;
  }
  if (symbols < 1 || threads < 1) {
    std::fprintf(stderr, "lcodec bench: --symbols and --threads must be at least 1\n");
    return 2;
  }

  CdfTable table;
  const Status status = MakeGaussianTable(&table);
  if (!status.ok()) {
    std::fprintf(stderr, "lcodec bench: %s\n", status.ToString().c_str());
    return 1;
  }
  const Workload w = MakeWorkload(symbols, seed);

  const double ideal_bytes = w.ideal_bits / 8;
  std::printf("symbols:             %zu\n", symbols);
  std::printf("escaped values:      %zu\n", w.escapes);
  std::printf("ideal bytes:         %.1f\n", ideal_bytes);
  std::vector<uint8_t> coded;
  if (!Measure(table, w, 1, &coded)) return 1;
  std::printf("coded bytes:         %zu\n", coded.size());
  std::printf("overhead vs ideal:   %.3f %%\n", 100 * (static_cast<double>(coded.size()) / ideal_bytes - 1));
  if (threads > 1) {
    std::vector<uint8_t> coded_parallel;
    if (!Measure(table, w, threads, &coded_parallel)) return 1;
    if (coded_parallel != coded) {
      std::fprintf(stderr, "lcodec bench: %d threads made different bytes than 1\n", threads);
      return 1;
    }
    std::printf("  bytes:             identical to 1 thread\n");
  }
  return 0;
}

}  // namespace lcodec::apps
