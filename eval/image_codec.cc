#include "eval/image_codec.h"

#include "eval/av_image_codecs.h"
#include "eval/lcodec_image_codec.h"

namespace lcodec::eval {

const std::vector<std::string>& ImageCodecNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n = {"lcodec"};
    for (const std::string& name : AvImageCodecNames()) n.push_back(name);
    return n;
  }();
  return names;
}

Status MakeImageCodec(const std::string& name, const ImageCodecOptions& options, std::unique_ptr<ImageCodec>* out) {
  if (name == "lcodec") return MakeLcodecImageCodec(options, out);
  return MakeAvImageCodec(name, out);
}

}  // namespace lcodec::eval
