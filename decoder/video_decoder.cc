#include "decoder/video_decoder.h"

#include <cstdio>

#include "bitstream/byte_io.h"
#include "entropy/symbol_coder.h"
#include "runtime/audio_layout.h"
#include "runtime/block_modes.h"

namespace lcodec::decoder {
namespace {

// The first 8 hex digits of a model's SHA-256, as error messages show it.
std::string ShortId(const bitstream::ModelId& id) {
  char hex[9];
  std::snprintf(hex, sizeof hex, "%02x%02x%02x%02x", id[0], id[1], id[2], id[3]);
  return hex;
}

}  // namespace

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
  audio_options_ = AudioDecodeOptions();
  audio_options_.threads = options.threads;
  audio_options_.limits = options.limits;
  frames_ = 0;
  typed_frames_ = (header.flags & bitstream::kFlagPredictedFrames) != 0;
  reference_ = torch::Tensor();
  return ReadAudioInfo();
}

// AINF, if any, comes right after VINF; any other section is kept for Next.
Status VideoDecoder::ReadAudioInfo() {
  has_audio_ = decoding_audio_ = has_pending_ = false;
  bool at_end = false;
  LCODEC_RETURN_IF_ERROR(reader_.Next(&pending_, &at_end));
  if (at_end) return Status::Corrupt("video stream has no frames");
  if (pending_.tag != runtime::kAudioInfoTag) {
    has_pending_ = true;
    return Status::Ok();
  }
  LCODEC_RETURN_IF_ERROR(runtime::ParseAudioTrackInfo(pending_.body, audio_options_.limits, &audio_track_));
  has_audio_ = true;
  return Status::Ok();
}

Status VideoDecoder::StartAudio(runtime::AudioModel* model) {
  if (!status_.ok()) return status_;
  if (!has_audio_) return Status::InvalidArgument("the video has no audio track to decode");
  if (frames_ > 0) return Status::InvalidArgument("VideoDecoder::StartAudio after the first frame");
  const bitstream::StreamHeader& track = audio_track_.header;
  if (track.model_id != model->id())
    return Status::InvalidArgument("the audio track was made with audio model '" + track.model_name + "' (sha256 " +
                                   ShortId(track.model_id) + "...), but the loaded audio model is '" +
                                   model->name() + "' (sha256 " + ShortId(model->id()) +
                                   "...); pass the one it was made with (--audio-model), or --no-audio");
  status_ = audio_.Start(model, track, audio_options_);
  if (status_.code() == Status::Code::kInvalidArgument || status_.code() == Status::Code::kUnsupported)
    status_ = Status::Corrupt("video stream's audio track: " + status_.message());
  decoding_audio_ = status_.ok();
  return status_;
}

// Hands an AUDC section (or, with nullptr, the end of the stream) to the
// audio decoder and appends what it gives to *audio.
Status VideoDecoder::DecodeAudio(const bitstream::Section* section, Audio* audio) {
  if (section && !has_audio_) return Status::Corrupt("video stream has an audio chunk but no 'AINF' section");
  if (!decoding_audio_) return Status::Ok();
  const Status status = section ? audio_.Add(*section, &ready_) : audio_.Finish(&ready_);
  if (!section) decoding_audio_ = false;
  if (status.code() == Status::Code::kCorrupt) return Status::Corrupt("audio track: " + status.message());
  LCODEC_RETURN_IF_ERROR(status);
  if (audio) audio->samples.insert(audio->samples.end(), ready_.samples.begin(), ready_.samples.end());
  return Status::Ok();
}

Status VideoDecoder::DecodeFrame(const bitstream::Section& section, Image* frame, int64_t* pts) {
  const uint64_t declared = reader_.header().frame_count;
  if (frames_ >= declared)
    return Status::Corrupt("video stream holds more frames than the " + std::to_string(declared) +
                           " its header declares");
  const std::string name = "frame " + std::to_string(frames_ + 1);
  bitstream::ByteReader bytes(section.body.data(), section.body.size());
  runtime::FramePrefix prefix;
  runtime::VisitFramePrefix(bytes, &prefix, typed_frames_);
  if (!bytes.ok()) return Status::Corrupt(name + " is cut short");
  if (prefix.type > runtime::FrameType::kRepeat)
    return Status::Corrupt(name + " has the unknown type " + std::to_string(static_cast<int>(prefix.type)));
  if (prefix.type != runtime::FrameType::kIntra && !reference_.defined())
    return Status::Corrupt(name + " refers to a previous frame, but none precedes it");
  const size_t rest = bytes.remaining();
  if (prefix.hyper_latent_bytes > rest || prefix.mode_bytes > rest - prefix.hyper_latent_bytes)
    return Status::Corrupt(name + " is cut short");
  if (prefix.type == runtime::FrameType::kRepeat && rest != 0)
    return Status::Corrupt(name + " repeats the previous frame but carries " + std::to_string(rest) + " bytes");
  *pts = static_cast<int64_t>(prefix.pts);
  if (frames_ > 0 && *pts <= last_pts_)
    return Status::Corrupt(name + " has a timestamp that does not come after the previous frame's");
  const Status status = DecodePayload(prefix, section.body.data() + (section.body.size() - rest), rest, frame);
  if (status.code() == Status::Code::kCorrupt) return Status::Corrupt(name + ": " + status.message());
  LCODEC_RETURN_IF_ERROR(status);
  last_pts_ = *pts;
  ++frames_;
  return Status::Ok();
}

// The coded blobs after the FRAM prefix -> the frame's pixels, moving the
// reference on to this frame.
Status VideoDecoder::DecodePayload(const runtime::FramePrefix& prefix, const uint8_t* data, size_t size,
                                   Image* frame) {
  if (prefix.type == runtime::FrameType::kRepeat) {
    *frame = previous_;
    return Status::Ok();
  }
  const bitstream::StreamHeader& header = reader_.header();
  const uint8_t* modes_blob = data + prefix.hyper_latent_bytes;
  const uint8_t* symbols_blob = modes_blob + prefix.mode_bytes;
  const size_t symbols_size = size - prefix.hyper_latent_bytes - prefix.mode_bytes;
  if (prefix.type == runtime::FrameType::kIntra) {
    LCODEC_RETURN_IF_ERROR(DecodeImagePayload(model_, header, data, prefix.hyper_latent_bytes, symbols_blob,
                                              symbols_size, image_options_, frame, nullptr, &reference_));
    previous_ = *frame;
    return Status::Ok();
  }
  double entropy_seconds = 0;
  LatentPrior prior;
  LCODEC_RETURN_IF_ERROR(DecodeLatentPrior(model_, header, data, prefix.hyper_latent_bytes, image_options_, &prior,
                                           &entropy_seconds));
  if (!prior.means.sizes().equals(reference_.sizes()))
    return Status::Corrupt("the latent does not match the previous frame's");
  entropy::CdfTable mode_table;
  LCODEC_RETURN_IF_ERROR(runtime::ModeTable(prefix.mode_frequencies, &mode_table));
  std::vector<int32_t> modes(static_cast<size_t>(prior.means.size(2) * prior.means.size(3)));
  const std::vector<uint16_t> mode_indexes(modes.size(), 0);
  LCODEC_RETURN_IF_ERROR(entropy::DecodeSymbols(mode_table, modes_blob, prefix.mode_bytes, mode_indexes.data(),
                                                modes.size(), image_options_.threads, modes.data()));
  LCODEC_RETURN_IF_ERROR(runtime::CheckModes(modes));
  std::vector<uint16_t> indexes;
  runtime::CodedSymbolIndexes(prior.indexes, modes, prefix.scale_shift, &indexes);
  std::vector<int32_t> symbols(indexes.size());
  LCODEC_RETURN_IF_ERROR(entropy::DecodeSymbols(model_.y_table(), symbols_blob, symbols_size, indexes.data(),
                                                symbols.size(), image_options_.threads, symbols.data()));
  LCODEC_RETURN_IF_ERROR(runtime::Guard("video decoding failed", [&] {
    reference_ = runtime::ReconstructLatent(symbols, prior.means, reference_, modes);
  }));
  LCODEC_RETURN_IF_ERROR(SynthesizeLatent(model_, header, reference_, image_options_, frame));
  previous_ = *frame;
  return Status::Ok();
}

Status VideoDecoder::Next(Image* frame, int64_t* pts, bool* at_end, Audio* audio) {
  *at_end = false;
  if (audio) {
    const bitstream::StreamHeader& track = audio_track_.header;
    *audio = Audio{static_cast<int>(track.sample_rate), track.channels, track.bit_depth, {}};
  }
  bitstream::Section section;
  while (status_.ok()) {
    bool end = false;
    if (has_pending_) {
      section = std::move(pending_);
      has_pending_ = false;
    } else {
      status_ = reader_.Next(&section, &end);
      if (!status_.ok()) break;
    }
    if (end) {
      if (frames_ != reader_.header().frame_count) {
        status_ = Status::Corrupt("video stream ends after " + std::to_string(frames_) + " of the " +
                                  std::to_string(reader_.header().frame_count) + " frames its header declares");
      } else {
        status_ = DecodeAudio(nullptr, audio);
        *at_end = status_.ok();
      }
      break;
    }
    if (section.tag == runtime::kFrameTag) {
      status_ = DecodeFrame(section, frame, pts);
      break;
    }
    if (section.tag == runtime::kAudioChunkTag) status_ = DecodeAudio(&section, audio);
    if (section.tag == runtime::kVideoInfoTag) status_ = Status::Corrupt("video stream has a second 'VINF' section");
    if (section.tag == runtime::kAudioInfoTag)
      status_ = Status::Corrupt("video stream has an 'AINF' section that does not follow 'VINF'");
    // Other tags belong to later versions (SPEC.md): skipped.
  }
  return status_;
}

}  // namespace lcodec::decoder
