// The classical audio codecs, through FFmpeg's libavcodec in-process:
//   opus  libopus (VBR, 20 ms frames) at 48 kHz -> FFmpeg's opus decoder
//   aac   FFmpeg's native AAC-LC encoder -> FFmpeg's aac decoder, at the
//         clip's rate when AAC has it, else 48 kHz
//   mp3   libmp3lame (CBR) -> FFmpeg's mp3 decoder, at 16 kHz below 32 kbps,
//         24 kHz below 64 kbps and 44.1 or 48 kHz above, as LAME's own tool
//         lowers the rate for low bitrates (MPEG-1 has no rate under 32 kbps)
// The setting is the target bitrate in kbps; the rate reported is measured:
// every packet byte plus the codec's header (extradata: Opus's OpusHead,
// AAC's AudioSpecificConfig), no container, over the clip's duration.
//
// A clip is resampled to the coding rate (libswresample, which compensates
// its own filter delay), coded, decoded, and resampled back. Alignment:
// AAC's decoder output starts with the encoder's 1024-sample priming
// (initial_padding), which is dropped here; LAME's delay (encoder delay plus
// the 529-sample decoder delay) is marked on the packets as skip-samples side
// data, which FFmpeg's decoder honours, and Opus's decoder drops the pre-skip
// it reads from OpusHead. The tail is cut, or padded with silence if a
// decoder gives less, to the clip's length. AvAudioCodecsTest checks that
// the decoded clips line up with the originals to the sample.
#ifndef LCODEC_EVAL_AV_AUDIO_CODECS_H_
#define LCODEC_EVAL_AV_AUDIO_CODECS_H_

#include <memory>
#include <string>
#include <vector>

#include "eval/audio_codec.h"

namespace lcodec::eval {

// "opus", "aac", "mp3".
const std::vector<std::string>& AvAudioCodecNames();

// Fails (Unsupported) when this libavcodec lacks the encoder or decoder.
// A non-empty `kbps` replaces the codec's own sweep.
Status MakeAvAudioCodec(const std::string& name, const std::vector<double>& kbps, std::unique_ptr<AudioCodec>* out);

}  // namespace lcodec::eval

#endif  // LCODEC_EVAL_AV_AUDIO_CODECS_H_
