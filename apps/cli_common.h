// What the lcodec subcommands share: the default model, option parsing
// boilerplate and error reporting.
#ifndef LCODEC_APPS_CLI_COMMON_H_
#define LCODEC_APPS_CLI_COMMON_H_

#include <cxxopts.hpp>

#include <initializer_list>
#include <string>

#include "bitstream/container.h"
#include "common/status.h"

namespace lcodec::apps {

// The models that ship with the source tree (LCODEC_DEFAULT_*_MODEL).
std::string DefaultImageModelPath();
std::string DefaultAudioModelPath();

// Prints "lcodec <command>: <what went wrong>" on stderr; returns exit code 1.
int Fail(const char* command, const Status& status);

// Parses argv; on a bad command line (including a missing `required`
// option) prints why and sets *exit_code to 2; on --help prints the help and
// sets it to 0. Returns false in both cases.
bool ParseOrExit(cxxopts::Options& options, int argc, char** argv, std::initializer_list<const char*> required,
                 cxxopts::ParseResult* result, int* exit_code);

// Adds --max-pixels, --max-audio-samples, --max-frames, --max-section-bytes
// and --max-sections, the limits a stream's header is checked against before
// anything is allocated (bitstream::ParseLimits; its error messages name
// these flags).
void AddLimitOptions(cxxopts::Options& options);
bitstream::ParseLimits LimitsFromOptions(const cxxopts::ParseResult& args);

// Adds the options every coding command has: -m, -y, --threads, --json.
// -m has no default value: each kind of media has its own default model
// (ModelPath).
void AddCodingOptions(cxxopts::Options& options, const char* model_help, const char* threads_help);

// The file of option `option` (-m: "model") if given, else `default_path`;
// InvalidArgument if that is missing (a build without its default model).
Status ModelPath(const cxxopts::ParseResult& args, const std::string& default_path, std::string* path,
                 const std::string& option = "model");

// Loads the model at ModelPath into *model (a runtime::ImageModel or
// runtime::AudioModel: anything with a static Load(path, Model*)).
template <class Model>
Status LoadModel(const cxxopts::ParseResult& args, const std::string& default_path, Model* model,
                 const std::string& option = "model") {
  std::string path;
  Status status = ModelPath(args, default_path, &path, option);
  return status.ok() ? Model::Load(path, model) : status;
}

// ParseOrExit for a coding command: requires -i and -o, then checks
// --threads (1..256) and hands it to libtorch as well.
bool ParseCodingCommandLine(cxxopts::Options& options, int argc, char** argv, const char* command,
                            cxxopts::ParseResult* result, int* threads, int* exit_code);

}  // namespace lcodec::apps

#endif  // LCODEC_APPS_CLI_COMMON_H_
