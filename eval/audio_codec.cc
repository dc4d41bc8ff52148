#include "eval/audio_codec.h"

#include "eval/av_audio_codecs.h"
#include "eval/lcodec_audio_codec.h"

namespace lcodec::eval {

const std::vector<std::string>& AudioCodecNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n = {"lcodec"};
    for (const std::string& name : AvAudioCodecNames()) n.push_back(name);
    return n;
  }();
  return names;
}

Status MakeAudioCodec(const std::string& name, const AudioCodecOptions& options, std::unique_ptr<AudioCodec>* out) {
  if (name == "lcodec") return MakeLcodecAudioCodec(options.model_path, out);
  return MakeAvAudioCodec(name, options.kbps, out);
}

}  // namespace lcodec::eval
