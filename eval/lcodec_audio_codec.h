// lcodec itself as an audio codec under evaluation: encoder::EncodeAudio and
// decoder::DecodeAudio with one audio model file, swept over the model's
// quality range. The stream is the whole .lc container, header and CRCs
// included; the decoder returns the clip's own rate, channels and length.
#ifndef LCODEC_EVAL_LCODEC_AUDIO_CODEC_H_
#define LCODEC_EVAL_LCODEC_AUDIO_CODEC_H_

#include <memory>
#include <string>

#include "eval/audio_codec.h"

namespace lcodec::eval {

Status MakeLcodecAudioCodec(const std::string& model_path, std::unique_ptr<AudioCodec>* out);

}  // namespace lcodec::eval

#endif  // LCODEC_EVAL_LCODEC_AUDIO_CODEC_H_
