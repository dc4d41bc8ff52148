// Which kind of media a file holds, judged by its name: how `lcodec encode`
// and `lcodec eval` pick the image, audio or video path without opening it.
#ifndef LCODEC_APPS_MEDIA_KIND_H_
#define LCODEC_APPS_MEDIA_KIND_H_

#include <string>

namespace lcodec::apps {

enum class MediaKind { kImage, kAudio, kVideo };

// By extension, case-insensitively: .wav .flac .ogg .oga .opus .mp3 .m4a .aac
// .aiff .aif .au .caf .wma are audio; .mp4 .mkv .mov .avi .webm .m4v .mpg
// .mpeg .ts .y4m .flv .wmv .3gp are video; anything else is an image (the
// image reader gives the error if it is not one).
MediaKind MediaKindOfFile(const std::string& path);

const char* MediaKindName(MediaKind kind);  // "image", "audio", "video"

}  // namespace lcodec::apps

#endif  // LCODEC_APPS_MEDIA_KIND_H_
