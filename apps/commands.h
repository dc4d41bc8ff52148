// Subcommands of the lcodec tool. Each lives in its own file under apps/ and
// takes the arguments that follow the subcommand name (argv[0] is the name).
// Each returns the process exit code: 0 on success, 1 on a failure the user
// caused or can fix (the message says which), 2 on a bad command line.
#ifndef LCODEC_APPS_COMMANDS_H_
#define LCODEC_APPS_COMMANDS_H_

namespace lcodec::apps {

int EncodeMain(int argc, char** argv);  // apps/encode.cc
int DecodeMain(int argc, char** argv);  // apps/decode.cc
int InfoMain(int argc, char** argv);    // apps/info.cc
int BenchMain(int argc, char** argv);   // apps/bench.cc: entropy-coder benchmark
int EvalMain(int argc, char** argv);    // apps/eval.cc: rate-distortion evaluation
int CompareMain(int argc, char** argv);  // apps/compare.cc: distortion between two images
int BenchImageMain(int argc, char** argv);  // apps/bench_image.cc: image coding time, split

}  // namespace lcodec::apps

#endif  // LCODEC_APPS_COMMANDS_H_
