// lcodec itself as a codec under evaluation: encoder::EncodeImage and
// decoder::DecodeImage with one model file, swept over the model's quality
// range. The stream is the whole .lc container, header and CRCs included.
#ifndef LCODEC_EVAL_LCODEC_IMAGE_CODEC_H_
#define LCODEC_EVAL_LCODEC_IMAGE_CODEC_H_

#include <memory>
#include <string>

#include "eval/image_codec.h"

namespace lcodec::eval {

// Loads the model (each instance its own copy: instances run on separate threads).
Status MakeLcodecImageCodec(const ImageCodecOptions& options, std::unique_ptr<ImageCodec>* out);

}  // namespace lcodec::eval

#endif  // LCODEC_EVAL_LCODEC_IMAGE_CODEC_H_
