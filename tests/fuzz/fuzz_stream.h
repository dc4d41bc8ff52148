// What the decoder fuzz targets (fuzz_image_decode, fuzz_audio_decode,
// fuzz_video_decode) do before decoding: load the model that the tests name
// in the environment, and turn each input into a stream that passes the
// container's CRC and model checks, so that mutations reach the decoder
// behind them (tests/corpus/container and fuzz_container cover those checks).
#ifndef LCODEC_TESTS_FUZZ_FUZZ_STREAM_H_
#define LCODEC_TESTS_FUZZ_FUZZ_STREAM_H_

#include <torch/torch.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "bitstream/container.h"
#include "common/status.h"
#include "tests/bitstream/test_util.h"

namespace lcodec::fuzz {

// Loads the Model (runtime::ImageModel or runtime::AudioModel) in the file
// that $`variable` names, or exits with status 2 saying what is wrong: a
// target without its model cannot fuzz anything. The model lives as long as
// the process, as libFuzzer never tears a target down.
template <typename Model>
Model* LoadModelFromEnvironment(const char* target, const char* variable) {
  const char* path = std::getenv(variable);
  if (!path) {
    std::fprintf(stderr, "%s: set %s to a model file\n", target, variable);
    std::exit(2);
  }
  torch::set_num_threads(1);
  auto* model = new Model;
  const Status status = Model::Load(path, model);
  if (!status.ok()) {
    std::fprintf(stderr, "%s: %s\n", target, status.ToString().c_str());
    std::exit(2);
  }
  return model;
}

// Recomputes the section CRCs of `data`, parses it within `limits`, stamps
// `model`'s id and name into the header and serializes it again into
// `stream`. False when the input is no container even so: nothing to decode.
template <typename Model>
bool StampedStream(const uint8_t* data, size_t size, const Model& model, const bitstream::ParseLimits& limits,
                   bitstream::StreamHeader* header, std::vector<uint8_t>* stream) {
  std::vector<uint8_t> bytes(data, data + size);
  bitstream::testing::Reseal(&bytes);
  std::vector<bitstream::Section> sections;
  if (!bitstream::ParseContainer(bytes.data(), bytes.size(), limits, header, &sections).ok()) return false;
  header->model_id = model.id();
  header->model_name = model.name();
  return bitstream::SerializeContainer(*header, sections, stream).ok();
}

}  // namespace lcodec::fuzz

#endif  // LCODEC_TESTS_FUZZ_FUZZ_STREAM_H_
