// lcodec as a frei0r video filter (lcodec.so): each frame goes through
// lcodec's image encoder and decoder, so that any FFmpeg pipeline can
// preview the codec's effect without rebuilding FFmpeg:
//
//   FREI0R_PATH=DIR ffmpeg -i in.mp4 -vf "frei0r=filter_name=lcodec:filter_params=4|MODEL|LOG" out.mkv
//
// Parameters, in FFmpeg's filter_params order:
//   0 quality (double)  lcodec's -q, in the model's range (1..8 for the shipped
//                       model). frei0r doubles are nominally 0..1, but FFmpeg
//                       passes the number as written, so the value *is* the
//                       quality; values outside the model's range are clamped
//                       into it (with one warning on stderr). Default 4.
//   1 model (string)    model file; default the shipped image model.
//   2 log (string)      file that gets one line per frame: "<frame> <time s>
//                       <bytes>", bytes being the size of the .lc stream that
//                       `lcodec encode` writes for that frame. Default none.
//
// Frames come as RGBA; the colour is coded and decoded exactly as `lcodec
// encode` + `lcodec decode` of the frame would, and alpha passes unchanged.
// frei0r has no way to report failure: a model that does not load or a frame
// that does not code is reported once on stderr (and in the log), and the
// frames then pass through unchanged.
extern "C" {
#include <frei0r.h>  // has no extern "C" of its own
}

#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "decoder/image_decoder.h"
#include "encoder/image_encoder.h"
#include "runtime/image_model.h"

namespace {

using namespace lcodec;

enum Param { kQuality = 0, kModel = 1, kLog = 2, kThreads = 3, kParamCount = 4 };

struct Instance {
  unsigned width = 0, height = 0;
  double quality = 4;
  std::string model_path = LCODEC_DEFAULT_IMAGE_MODEL;
  std::string log_path;
  double threads = 2;  // as lcodec's --threads
  // Set on the first frame, after FFmpeg has set the parameters.
  bool started = false;
  std::unique_ptr<runtime::ImageModel> model;
  Status failure;  // the first failure; frames pass through after it
  std::FILE* log = nullptr;
  bool warned_quality = false;
  long frames = 0;
  Image rgb;  // reused for every frame

  ~Instance() {
    if (log) std::fclose(log);
  }

  void Report(const Status& status) {
    if (!failure.ok()) return;
    failure = status;
    std::fprintf(stderr, "lcodec frei0r filter: %s; frames pass through unchanged\n", status.ToString().c_str());
  }

  void Start() {
    started = true;
    // Set on the thread that runs the transforms (libtorch's setting is per thread).
    torch::set_num_threads(std::clamp(static_cast<int>(threads), 1, 256));
    if (!log_path.empty() && !(log = std::fopen(log_path.c_str(), "w")))
      return Report(Status::IOError("cannot write the log '" + log_path + "'"));
    model = std::make_unique<runtime::ImageModel>();
    const Status status = runtime::ImageModel::Load(model_path, model.get());
    if (!status.ok()) Report(status);
  }

  double Quality() {
    const double clamped = std::clamp(quality, model->quality_min(), model->quality_max());
    if (clamped != quality && !warned_quality) {
      warned_quality = true;
      std::fprintf(stderr, "lcodec frei0r filter: quality %g is outside [%g, %g] for model '%s'; using %g\n", quality,
                   model->quality_min(), model->quality_max(), model->name().c_str(), clamped);
    }
    return clamped;
  }

  // Codes the colour of one RGBA frame; returns the stream's size in *bytes.
  Status Code(const uint8_t* in, uint8_t* out, size_t* bytes) {
    rgb.width = static_cast<int>(width);
    rgb.height = static_cast<int>(height);
    rgb.channels = 3;
    rgb.bit_depth = 8;
    rgb.samples.resize(static_cast<size_t>(width) * height * 3);
    for (size_t i = 0, n = static_cast<size_t>(width) * height; i < n; ++i)
      for (int c = 0; c < 3; ++c) rgb.samples[3 * i + c] = in[4 * i + c];
    encoder::ImageEncodeOptions encode;
    encode.quality = Quality();
    std::vector<uint8_t> stream;
    LCODEC_RETURN_IF_ERROR(encoder::EncodeImage(*model, rgb, encode, &stream));
    Image decoded;
    LCODEC_RETURN_IF_ERROR(decoder::DecodeImage(*model, stream.data(), stream.size(), {}, &decoded));
    for (size_t i = 0, n = static_cast<size_t>(width) * height; i < n; ++i) {
      for (int c = 0; c < 3; ++c) out[4 * i + c] = static_cast<uint8_t>(decoded.samples[3 * i + c]);
      out[4 * i + 3] = in[4 * i + 3];
    }
    *bytes = stream.size();
    return Status::Ok();
  }

  void Update(double time, const uint32_t* in, uint32_t* out) {
    if (!started) Start();
    ++frames;
    size_t bytes = 0;
    const auto* in_bytes = reinterpret_cast<const uint8_t*>(in);
    auto* out_bytes = reinterpret_cast<uint8_t*>(out);
    if (failure.ok()) {
      const Status status = Code(in_bytes, out_bytes, &bytes);
      if (!status.ok()) Report(status);
    }
    if (!failure.ok()) std::copy_n(in, static_cast<size_t>(width) * height, out);
    if (log) {
      if (failure.ok()) std::fprintf(log, "%ld %.6f %zu\n", frames, time, bytes);
      else std::fprintf(log, "%ld %.6f error: %s\n", frames, time, failure.message().c_str());
      std::fflush(log);
    }
  }
};

}  // namespace

extern "C" {

int f0r_init() { return 1; }
void f0r_deinit() {}

void f0r_get_plugin_info(f0r_plugin_info_t* info) {
  info->name = "lcodec";
  info->author = "lcodec";
  info->plugin_type = F0R_PLUGIN_TYPE_FILTER;
  info->color_model = F0R_COLOR_MODEL_RGBA8888;
  info->frei0r_version = FREI0R_MAJOR_VERSION;
  info->major_version = 0;
  info->minor_version = 1;
  info->num_params = kParamCount;
  info->explanation = "Codes each frame with lcodec's learned image codec and shows the result";
}

void f0r_get_param_info(f0r_param_info_t* info, int index) {
  switch (index) {
    case kQuality:
      info->name = "quality";
      info->type = F0R_PARAM_DOUBLE;
      info->explanation = "lcodec quality as written (the model's range, 1..8 for the shipped model; not 0..1)";
      break;
    case kModel:
      info->name = "model";
      info->type = F0R_PARAM_STRING;
      info->explanation = "lcodec image model file (default: the shipped one)";
      break;
    case kLog:
      info->name = "log";
      info->type = F0R_PARAM_STRING;
      info->explanation = "file to write one line per frame: frame number, time, compressed bytes";
      break;
    case kThreads:
      info->name = "threads";
      info->type = F0R_PARAM_DOUBLE;
      info->explanation = "threads for the transforms, as lcodec's --threads (default 2)";
      break;
  }
}

f0r_instance_t f0r_construct(unsigned int width, unsigned int height) {
  auto* instance = new Instance;
  instance->width = width;
  instance->height = height;
  return instance;
}

void f0r_destruct(f0r_instance_t instance) { delete static_cast<Instance*>(instance); }

void f0r_set_param_value(f0r_instance_t handle, f0r_param_t param, int index) {
  auto* instance = static_cast<Instance*>(handle);
  switch (index) {
    case kQuality: instance->quality = *static_cast<f0r_param_double*>(param); break;
    case kModel: instance->model_path = *static_cast<f0r_param_string*>(param); break;
    case kLog: instance->log_path = *static_cast<f0r_param_string*>(param); break;
    case kThreads: instance->threads = *static_cast<f0r_param_double*>(param); break;
  }
}

void f0r_get_param_value(f0r_instance_t handle, f0r_param_t param, int index) {
  auto* instance = static_cast<Instance*>(handle);
  switch (index) {
    case kQuality: *static_cast<f0r_param_double*>(param) = instance->quality; break;
    case kModel: *static_cast<const char**>(param) = instance->model_path.c_str(); break;
    case kLog: *static_cast<const char**>(param) = instance->log_path.c_str(); break;
    case kThreads: *static_cast<f0r_param_double*>(param) = instance->threads; break;
  }
}

void f0r_update(f0r_instance_t handle, double time, const uint32_t* inframe, uint32_t* outframe) {
  static_cast<Instance*>(handle)->Update(time, inframe, outframe);
}

}  // extern "C"
