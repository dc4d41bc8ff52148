#include "decoder/video_decoder.h"

#include "bitstream/byte_io.h"

namespace lcodec::decoder {

Status VideoDecoder::Open(const std::string& path, const VideoDecodeOptions& options) {
  status_ = reader_.Open(path, options.limits);
  if (status_.ok()) status_ = Start(options);
  return status_;
}

Status VideoDecoder::OpenMemory(const uint8_t* data, size_t size, const VideoDecodeOptions& options) {
  status_ = reader_.OpenMemory(data, size, options.limits);
  if (status_.ok()) status_ = Start(options);
  return status_;
}

Status VideoDecoder::Start(const VideoDecodeOptions& options) {
  const bitstream::StreamHeader& header = reader_.header();
  if (header.modality != bitstream::Modality::kVideo) return Status::InvalidArgument("not a video stream");
  LCODEC_RETURN_IF_ERROR(bitstream::CheckModel(header, model_.id(), model_.name()));
  if (header.channels != 3 || header.bit_depth != 8)
    return Status::Unsupported("this build decodes 8-bit RGB video only, not " + std::to_string(header.channels) +
                               " channel(s) of " + std::to_string(header.bit_depth) + " bits");
  bitstream::Section info;
  bool at_end = false;
  LCODEC_RETURN_IF_ERROR(reader_.Next(&info, &at_end));
  if (at_end || info.tag != runtime::kVideoInfoTag) return Status::Corrupt("video stream lacks its 'VINF' section");
  bitstream::ByteReader bytes(info.body.data(), info.body.size());
  runtime::VisitVideoInfo(bytes, &format_);
  if (!bytes.ok() || bytes.remaining() != 0)
    return Status::Corrupt("video stream's 'VINF' section is " + std::to_string(info.body.size()) +
                           " bytes, not 8");
  if (format_.time_base_num < 1 || format_.time_base_den < 1)
    return Status::Corrupt("video stream's time base " + std::to_string(format_.time_base_num) + "/" +
                           std::to_string(format_.time_base_den) + " is not positive");
  format_.width = header.width;
  format_.height = header.height;
  format_.frame_rate_num = header.frame_rate_num;
  format_.frame_rate_den = header.frame_rate_den;
  image_options_ = ImageDecodeOptions();
  image_options_.threads = options.threads;
  image_options_.limits = options.limits;
  frames_ = 0;
  return Status::Ok();
}

Status VideoDecoder::DecodeFrame(const bitstream::Section& section, Image* frame, int64_t* pts) {
  const uint64_t declared = reader_.header().frame_count;
  if (frames_ >= declared)
    return Status::Corrupt("video stream holds more frames than the " + std::to_string(declared) +
                           " its header declares");
  bitstream::ByteReader bytes(section.body.data(), section.body.size());
  runtime::FramePrefix prefix;
  runtime::VisitFramePrefix(bytes, &prefix);
  if (!bytes.ok() || prefix.hyper_latent_bytes > bytes.remaining())
    return Status::Corrupt("frame " + std::to_string(frames_ + 1) + " is cut short");
  *pts = static_cast<int64_t>(prefix.pts);
  if (frames_ > 0 && *pts <= last_pts_)
    return Status::Corrupt("frame " + std::to_string(frames_ + 1) +
                           " has a timestamp that does not come after the previous frame's");
  const uint8_t* hyper_latent = section.body.data() + runtime::kFramePrefixBytes;
  const uint8_t* latent = hyper_latent + prefix.hyper_latent_bytes;
  const size_t latent_bytes = section.body.size() - runtime::kFramePrefixBytes - prefix.hyper_latent_bytes;
  const Status status = DecodeImagePayload(model_, reader_.header(), hyper_latent, prefix.hyper_latent_bytes, latent,
                                           latent_bytes, image_options_, frame);
  if (status.code() == Status::Code::kCorrupt)
    return Status::Corrupt("frame " + std::to_string(frames_ + 1) + ": " + status.message());
  LCODEC_RETURN_IF_ERROR(status);
  last_pts_ = *pts;
  ++frames_;
  return Status::Ok();
}

Status VideoDecoder::Next(Image* frame, int64_t* pts, bool* at_end) {
  *at_end = false;
  bitstream::Section section;
  while (status_.ok()) {
    bool end = false;
    status_ = reader_.Next(&section, &end);
    if (!status_.ok()) break;
    if (end) {
      if (frames_ != reader_.header().frame_count)
        status_ = Status::Corrupt("video stream ends after " + std::to_string(frames_) + " of the " +
                                  std::to_string(reader_.header().frame_count) + " frames its header declares");
      else *at_end = true;
      break;
    }
    if (section.tag == runtime::kFrameTag) {
      status_ = DecodeFrame(section, frame, pts);
      break;
    }
    if (section.tag == runtime::kVideoInfoTag) status_ = Status::Corrupt("video stream has a second 'VINF' section");
    // Other tags belong to later versions (SPEC.md): skipped.
  }
  return status_;
}

}  // namespace lcodec::decoder
