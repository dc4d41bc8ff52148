// Fuzz target for the model-file loader (runtime::ImageModel::Load) and for
// the codec running on whatever model it accepts.
//
// The input is a model file. The target fixes the CRCs of its stored ZIP
// members first (tests/fuzz/zip_reseal.h), so that mutations reach libtorch's
// unpickler and tensor loading and the checks of image_model.cc instead of
// stopping at the archive's CRC check. A model that loads must then encode
// and decode a small image, or fail with an error: a damaged model is as
// hostile to the codec as a damaged stream.
//
// What this can and cannot cover is in tests/fuzz/README.md.
#include <torch/torch.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "decoder/image_decoder.h"
#include "encoder/image_encoder.h"
#include "runtime/image_model.h"
#include "tests/fuzz/zip_reseal.h"

namespace {

using namespace lcodec;

std::string* model_path = nullptr;  // where each input is written for Load

void Require(bool condition, const char* property) {
  if (condition) return;
  std::fprintf(stderr, "fuzz_model_load: property violated: %s\n", property);
  std::abort();
}

Image SmallImage() {
  Image image{20, 12, 3, 8, {}};
  for (int i = 0; i < image.width * image.height * image.channels; ++i)
    image.samples.push_back(static_cast<uint16_t>(i * 37 % 256));
  return image;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  torch::set_num_threads(1);
  const char* tmp = std::getenv("TMPDIR");
  std::string path = std::string(tmp ? tmp : "/tmp") + "/fuzz_model_load-XXXXXX";
  const int fd = mkstemp(path.data());
  if (fd < 0) {
    std::perror("fuzz_model_load: mkstemp");
    std::exit(2);
  }
  close(fd);
  model_path = new std::string(path);
  std::atexit([] { unlink(model_path->c_str()); });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  testing::ResealZip(&bytes);
  std::FILE* file = std::fopen(model_path->c_str(), "wb");
  Require(file && std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size() && std::fclose(file) == 0,
          "the input can be written to $TMPDIR");

  runtime::ImageModel model;
  if (!runtime::ImageModel::Load(*model_path, &model).ok()) return 0;
  Require(model.downsampling() >= 1 && !model.name().empty(), "a loaded model has plausible attributes");

  encoder::ImageEncodeOptions encode_options;
  encode_options.quality = model.quality_min();
  std::vector<uint8_t> stream;
  if (!encoder::EncodeImage(model, SmallImage(), encode_options, &stream).ok()) return 0;
  Image decoded;
  if (decoder::DecodeImage(model, stream.data(), stream.size(), {}, &decoded).ok())
    Require(decoded.width == 20 && decoded.height == 12, "a decoded image has the size its header declares");
  return 0;
}
