// The classical image codecs, all through FFmpeg's libavcodec so that one
// API serves every one of them. Colour handling, codec by codec (what each
// codec's own reference tool does by default):
//   jpeg  mjpeg, YCbCr 4:2:0 BT.601 full range (JFIF), quantiser scale sweep
//   webp  libwebp fed RGB: libwebp converts to its 4:2:0 YUV itself, as cwebp does
//   avif  libaom AV1 intra (usage allintra), YCbCr 4:4:4 BT.601 full range (avifenc's default)
//   jxl   libjxl fed RGB: it converts to its XYB space itself
//   hevc  libx265 intra, YCbCr 4:4:4 BT.601 full range (BPG's approach at 4:4:4)
//   j2k   libopenjpeg, 9/7 irreversible wavelet, fed YCbCr 4:4:4 BT.601 full range:
//         the same matrix as JPEG 2000's own colour transform (ICT)
// RGB <-> YCbCr conversions use swscale with accurate rounding and full
// chroma interpolation; decoding converts with the range and matrix the
// stream signals (the codec's convention where it does not). Rates count
// the bytes the encoder outputs: JPEG and WebP files, a JP2 file, and bare
// codestreams for the others (an AVIF or HEIF file adds a few hundred
// bytes of boxes), with no encoder version strings (bitexact; x265's info
// SEI off).
#ifndef LCODEC_EVAL_AV_IMAGE_CODECS_H_
#define LCODEC_EVAL_AV_IMAGE_CODECS_H_

#include <memory>
#include <string>
#include <vector>

#include "eval/image_codec.h"

namespace lcodec::eval {

// "jpeg", "webp", "avif", "jxl", "hevc", "j2k".
const std::vector<std::string>& AvImageCodecNames();

// Fails (Unsupported) when this libavcodec lacks the encoder or a decoder.
Status MakeAvImageCodec(const std::string& name, std::unique_ptr<ImageCodec>* out);

}  // namespace lcodec::eval

#endif  // LCODEC_EVAL_AV_IMAGE_CODECS_H_
