// ImageModel: a loaded lcodec image model file (see models/lcodec/export.py
// and runtime/model_file.h for what every model file holds).
//
// Analysis takes x: (1, 3, H, W) float in [0, 1] with H and W multiples of
// downsampling(); Synthesis gives the same shape back.
#ifndef LCODEC_RUNTIME_IMAGE_MODEL_H_
#define LCODEC_RUNTIME_IMAGE_MODEL_H_

#include <string>

#include "runtime/model_file.h"

namespace lcodec::runtime {

class ImageModel : public ModelFile {
 public:
  // Loads and checks `path`; refuses models of other media (such as audio).
  static Status Load(const std::string& path, ImageModel* out);
};

}  // namespace lcodec::runtime

#endif  // LCODEC_RUNTIME_IMAGE_MODEL_H_
