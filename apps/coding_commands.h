// The media-specific halves of `lcodec encode` and `lcodec decode`.
//
// encode.cc and decode.cc declare every option and parse the command line,
// then hand the work to the half for the input's kind of media (the input
// file's name for encode, the stream's header for decode). Each returns the
// process exit code, as the commands in apps/commands.h do.
#ifndef LCODEC_APPS_CODING_COMMANDS_H_
#define LCODEC_APPS_CODING_COMMANDS_H_

#include <cxxopts.hpp>

namespace lcodec::apps {

int EncodeImageFile(const cxxopts::ParseResult& args, int threads);    // apps/encode_image.cc
int DecodeImageStream(const cxxopts::ParseResult& args, int threads);  // apps/decode_image.cc
int EncodeAudioFile(const cxxopts::ParseResult& args, int threads);    // apps/encode_audio.cc
int DecodeAudioStream(const cxxopts::ParseResult& args, int threads);  // apps/decode_audio.cc
int EncodeVideoFile(const cxxopts::ParseResult& args, int threads);    // apps/encode_video.cc
int DecodeVideoStream(const cxxopts::ParseResult& args, int threads);  // apps/decode_video.cc

}  // namespace lcodec::apps

#endif  // LCODEC_APPS_CODING_COMMANDS_H_
