#include "apps/media_kind.h"

#include <algorithm>
#include <cctype>

namespace lcodec::apps {
namespace {

bool OneOf(const std::string& extension, std::initializer_list<const char*> list) {
  return std::any_of(list.begin(), list.end(), [&](const char* e) { return extension == e; });
}

}  // namespace

MediaKind MediaKindOfFile(const std::string& path) {
  const size_t slash = path.rfind('/');
  const size_t dot = path.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return MediaKind::kImage;
  std::string extension = path.substr(dot + 1);
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (OneOf(extension, {"wav", "flac", "ogg", "oga", "opus", "mp3", "m4a", "aac", "aiff", "aif", "au", "caf", "wma"}))
    return MediaKind::kAudio;
  if (OneOf(extension, {"mp4", "mkv", "mov", "avi", "webm", "m4v", "mpg", "mpeg", "ts", "y4m", "flv", "wmv", "3gp"}))
    return MediaKind::kVideo;
  return MediaKind::kImage;
}

const char* MediaKindName(MediaKind kind) {
  switch (kind) {
    case MediaKind::kImage: return "image";
    case MediaKind::kAudio: return "audio";
    case MediaKind::kVideo: return "video";
  }
  return "unknown";
}

}  // namespace lcodec::apps
