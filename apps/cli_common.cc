#include "apps/cli_common.h"

#include <cstdio>
#include <iostream>

#include <torch/torch.h>

namespace lcodec::apps {

std::string DefaultImageModelPath() { return LCODEC_DEFAULT_IMAGE_MODEL; }

int Fail(const char* command, const Status& status) {
  std::fprintf(stderr, "lcodec %s: %s\n", command, status.ToString().c_str());
  return 1;
}

bool ParseOrExit(cxxopts::Options& options, int argc, char** argv, std::initializer_list<const char*> required,
                 cxxopts::ParseResult* result, int* exit_code) {
  options.add_options()("h,help", "print this help");
  try {
    *result = options.parse(argc, argv);
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

void AddCodingOptions(cxxopts::Options& options, const char* model_help, const char* threads_help) {
  options.add_options()
      ("m,model", model_help, cxxopts::value<std::string>()->default_value(DefaultImageModelPath()))
      ("y,overwrite", "replace the output if it exists")
      ("threads", threads_help, cxxopts::value<int>()->default_value("2"))
      ("json", "print a machine-readable summary");
}

bool ParseCodingCommandLine(cxxopts::Options& options, int argc, char** argv, const char* command,
                            cxxopts::ParseResult* result, int* threads, int* exit_code) {
  if (!ParseOrExit(options, argc, argv, {"input", "output"}, result, exit_code)) return false;
  *threads = (*result)["threads"].as<int>();
  if (*threads < 1 || *threads > 256) {
    *exit_code = Fail(command, Status::InvalidArgument("--threads must be 1..256"));
    return false;
  }
  torch::set_num_threads(*threads);
  return true;
}

}  // namespace lcodec::apps
