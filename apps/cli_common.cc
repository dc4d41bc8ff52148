#include "apps/cli_common.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <iostream>

#include <torch/torch.h>

namespace lcodec::apps {

std::string DefaultImageModelPath() { return LCODEC_DEFAULT_IMAGE_MODEL; }
std::string DefaultAudioModelPath() { return LCODEC_DEFAULT_AUDIO_MODEL; }

int Fail(const char* command, const Status& status) {
  std::fprintf(stderr, "lcodec %s: %s\n", command, status.ToString().c_str());
  return 1;
}

namespace {

// cxxopts says "Argument 'abc' failed to parse" without naming the option;
// finds the option that was given `value` ("-q abc" or "--quality=abc"), or
// returns "" when it cannot tell.
std::string OptionWithValue(int argc, char** argv, const std::string& value) {
  for (int i = 1; i < argc; ++i) {
    const char* equals = std::strchr(argv[i], '=');
    if (argv[i][0] == '-' && equals && value == equals + 1)
      return std::string(argv[i], static_cast<size_t>(equals - argv[i]));
    if (i + 1 < argc && argv[i][0] == '-' && value == argv[i + 1]) return argv[i];
  }
  return "";
}

// The text between the first pair of quotes (cxxopts uses U+2018/U+2019).
std::string QuotedValue(const std::string& message) {
  constexpr char kOpen[] = "\u2018", kClose[] = "\u2019";
  const size_t open = message.find(kOpen), close = message.find(kClose);
  if (open == std::string::npos || close == std::string::npos || close < open) return "";
  return message.substr(open + sizeof(kOpen) - 1, close - open - (sizeof(kOpen) - 1));
}

bool Exists(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

// Two paths naming the same existing file (links and "./a" included).
bool SameFile(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  return stat(a.c_str(), &sa) == 0 && stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

}  // namespace

bool ParseOrExit(cxxopts::Options& options, int argc, char** argv, std::initializer_list<const char*> required,
                 cxxopts::ParseResult* result, int* exit_code) {
  options.add_options()("h,help", "print this help");
  try {
    *result = options.parse(argc, argv);
  } catch (const cxxopts::exceptions::incorrect_argument_type& e) {
    const std::string value = QuotedValue(e.what());
    const std::string option = OptionWithValue(argc, argv, value);
    if (option.empty()) std::fprintf(stderr, "%s: %s (see --help)\n", options.program().c_str(), e.what());
    else std::fprintf(stderr, "%s: '%s' is not a valid value for %s (see --help)\n", options.program().c_str(),
                      value.c_str(), option.c_str());
    *exit_code = 2;
    return false;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s (see --help)\n", options.program().c_str(), e.what());
    *exit_code = 2;
    return false;
  }
  if (result->count("help")) {
    std::cout << options.help() << std::endl;
    *exit_code = 0;
    return false;
  }
  if (!result->unmatched().empty()) {
    std::fprintf(stderr, "%s: unexpected argument '%s' (see --help)\n", options.program().c_str(),
                 result->unmatched()[0].c_str());
    *exit_code = 2;
    return false;
  }
  for (const char* name : required) {
    if (!result->count(name)) {
      std::fprintf(stderr, "%s: --%s is required (see --help)\n", options.program().c_str(), name);
      *exit_code = 2;
      return false;
    }
  }
  return true;
}

void AddLimitOptions(cxxopts::Options& options) {
  const bitstream::ParseLimits defaults;
  options.add_options()
      ("max-pixels", "refuse streams with more pixels than this",
       cxxopts::value<uint64_t>()->default_value(std::to_string(defaults.max_pixels)))
      ("max-audio-samples", "refuse audio streams with more samples (frames x channels) than this",
       cxxopts::value<uint64_t>()->default_value(std::to_string(defaults.max_audio_samples)))
      ("max-frames", "refuse video streams with more frames than this",
       cxxopts::value<uint64_t>()->default_value(std::to_string(defaults.max_frames)))
      ("max-section-bytes", "refuse streams with a larger section than this",
       cxxopts::value<uint64_t>()->default_value(std::to_string(defaults.max_section_bytes)))
      ("max-sections", "refuse streams with more sections than this",
       cxxopts::value<uint64_t>()->default_value(std::to_string(defaults.max_sections)));
}

bitstream::ParseLimits LimitsFromOptions(const cxxopts::ParseResult& args) {
  bitstream::ParseLimits limits;
  limits.max_pixels = args["max-pixels"].as<uint64_t>();
  limits.max_audio_samples = args["max-audio-samples"].as<uint64_t>();
  limits.max_frames = args["max-frames"].as<uint64_t>();
  limits.max_section_bytes = args["max-section-bytes"].as<uint64_t>();
  limits.max_sections = args["max-sections"].as<uint64_t>();
  return limits;
}

void AddCodingOptions(cxxopts::Options& options, const char* model_help, const char* threads_help) {
  options.add_options()
      ("m,model", model_help, cxxopts::value<std::string>())
      ("y,overwrite", "replace the output if it exists")
      ("threads", threads_help, cxxopts::value<int>()->default_value("2"))
      ("json", "print a machine-readable summary");
}

Status ModelPath(const cxxopts::ParseResult& args, const std::string& default_path, std::string* path,
                 const std::string& option) {
  if (args.count(option)) {
    *path = args[option].as<std::string>();
    return Status::Ok();
  }
  if (!Exists(default_path)) {
    return Status::InvalidArgument("no model given and the default model '" + default_path +
                                   "' is not installed; pass a model file with " +
                                   (option == "model" ? std::string("-m") : "--" + option));
  }
  *path = default_path;
  return Status::Ok();
}

bool ParseCodingCommandLine(cxxopts::Options& options, int argc, char** argv, const char* command,
                            cxxopts::ParseResult* result, int* threads, int* exit_code) {
  if (!ParseOrExit(options, argc, argv, {"input", "output"}, result, exit_code)) return false;
  *threads = (*result)["threads"].as<int>();
  if (*threads < 1 || *threads > 256) {
    *exit_code = Fail(command, Status::InvalidArgument("--threads must be 1..256"));
    return false;
  }
  const std::string& input = (*result)["input"].as<std::string>();
  if (SameFile(input, (*result)["output"].as<std::string>())) {
    *exit_code = Fail(command, Status::InvalidArgument("-o names the input file '" + input +
                                                       "'; write the output to another file"));
    return false;
  }
  torch::set_num_threads(*threads);
  return true;
}

}  // namespace lcodec::apps
