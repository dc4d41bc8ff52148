#include "encoder/video_encoder.h"

#include "bitstream/byte_io.h"

namespace lcodec::encoder {

Status VideoEncoder::Start(const runtime::VideoFormat& format, const VideoEncodeOptions& options) {
  if (format.width < 1 || format.height < 1) return Status::InvalidArgument("the video has no pixels");
  if (format.frame_rate_num < 1 || format.frame_rate_den < 1)
    return Status::InvalidArgument("the video has no valid frame rate");
  if (format.time_base_num < 1 || format.time_base_den < 1)
    return Status::InvalidArgument("the video has no valid time base");
  LCODEC_RETURN_IF_ERROR(CheckQuality(model_, options.quality));
  format_ = format;
  options_ = options;
  header_ = bitstream::StreamHeader();
  header_.modality = bitstream::Modality::kVideo;
  header_.model_id = model_.id();
  header_.model_name = model_.name();
  header_.width = format.width;
  header_.height = format.height;
  header_.channels = 3;
  header_.bit_depth = 8;
  header_.frame_rate_num = format.frame_rate_num;
  header_.frame_rate_den = format.frame_rate_den;
  header_.quality = static_cast<float>(options.quality);
  bytes_ = 0;
  return Status::Ok();
}

// HEAD is written with frame_count 1, the smallest valid one; Finish patches it.
Status VideoEncoder::Open(const std::string& path, bool overwrite, const runtime::VideoFormat& format,
                          const VideoEncodeOptions& options) {
  LCODEC_RETURN_IF_ERROR(Start(format, options));
  bitstream::StreamHeader first = header_;
  first.frame_count = 1;
  LCODEC_RETURN_IF_ERROR(writer_.Open(path, first, overwrite));
  return WriteInfo();
}

Status VideoEncoder::OpenMemory(std::vector<uint8_t>* out, const runtime::VideoFormat& format,
                                const VideoEncodeOptions& options) {
  LCODEC_RETURN_IF_ERROR(Start(format, options));
  bitstream::StreamHeader first = header_;
  first.frame_count = 1;
  LCODEC_RETURN_IF_ERROR(writer_.OpenMemory(out, first));
  return WriteInfo();
}

Status VideoEncoder::WriteInfo() {
  body_.clear();
  bitstream::ByteWriter writer(&body_);
  runtime::VisitVideoInfo(writer, &format_);
  return writer_.Add(runtime::kVideoInfoTag, body_.data(), body_.size());
}

Status VideoEncoder::AddFrame(const Image& frame, int64_t pts, ImageEncodeStats* stats) {
  if (frame.channels != 3 || frame.bit_depth != 8)
    return Status::InvalidArgument("video frames must be 8-bit RGB");
  if (frame.width != static_cast<int>(format_.width) || frame.height != static_cast<int>(format_.height))
    return Status::InvalidArgument("frame " + std::to_string(header_.frame_count + 1) + " is " +
                                   std::to_string(frame.width) + "x" + std::to_string(frame.height) +
                                   ", but the video is " + std::to_string(format_.width) + "x" +
                                   std::to_string(format_.height) + "; frames cannot change size");
  if (header_.frame_count > 0 && pts <= last_pts_)
    return Status::InvalidArgument("frame " + std::to_string(header_.frame_count + 1) +
                                   " does not come after the previous one (timestamps must increase)");
  ImageEncodeOptions image_options;
  image_options.quality = options_.quality;
  image_options.threads = options_.threads;
  image_options.tiling = options_.tiling;
  ImagePayload payload;
  LCODEC_RETURN_IF_ERROR(EncodeImagePayload(model_, frame, image_options, &payload, stats));
  if (payload.hyper_latent.size() > UINT32_MAX) return Status::ResourceLimit("a frame's hyper-latent exceeds 4 GiB");

  runtime::FramePrefix prefix;
  prefix.pts = static_cast<uint64_t>(pts);
  prefix.hyper_latent_bytes = static_cast<uint32_t>(payload.hyper_latent.size());
  body_.clear();
  bitstream::ByteWriter writer(&body_);
  runtime::VisitFramePrefix(writer, &prefix);
  writer.Bytes(payload.hyper_latent.data(), payload.hyper_latent.size());
  writer.Bytes(payload.latent.data(), payload.latent.size());
  LCODEC_RETURN_IF_ERROR(writer_.Add(runtime::kFrameTag, body_.data(), body_.size()));
  ++header_.frame_count;
  last_pts_ = pts;
  bytes_ += body_.size();
  return Status::Ok();
}

Status VideoEncoder::Finish() {
  if (header_.frame_count == 0) return Status::InvalidArgument("the video has no frames");
  return writer_.Finish(&header_);
}

}  // namespace lcodec::encoder
