#include "encoder/video_encoder.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "bitstream/byte_io.h"
#include "encoder/block_mode_search.h"
#include "encoder/latent_symbols.h"
#include "encoder/rdo_rounding.h"
#include "entropy/symbol_coder.h"
#include "runtime/block_modes.h"

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
  header_.flags = bitstream::kFlagPredictedFrames;
  if (options.keyframe_interval < 1) return Status::InvalidArgument("the keyframe interval must be at least 1");
  reference_ = torch::Tensor();
  frames_since_intra_ = 0;
  frame_types_ = {};
  bytes_ = audio_bytes_ = audio_frames_ = 0;
  written_ = 0;
  audio_started_ = options.audio.has_value();
  if (audio_started_) {
    const VideoAudioTrack& track = *options.audio;
    if (!track.model) return Status::InvalidArgument("the audio track has no audio model");
    audio_info_.start = track.start;
    LCODEC_RETURN_IF_ERROR(audio_.Start(track.model, track.sample_rate, track.channels, track.bit_depth,
                                        track.options, &audio_info_.header));
  }
  // HEAD is first written with frame_count 1, the smallest valid one (and
  // AINF with the audio encoder's placeholder length); Finish rewrites them.
  bitstream::StreamHeader first = header_;
  first.frame_count = 1;
  LCODEC_RETURN_IF_ERROR(WritePrefix(writer_, first, &staging_));
  LCODEC_RETURN_IF_ERROR(Flush());
  prefix_bytes_ = written_;
  return Status::Ok();
}

Status VideoEncoder::Open(const std::string& path, bool overwrite, const runtime::VideoFormat& format,
                          const VideoEncodeOptions& options) {
  LCODEC_RETURN_IF_ERROR(file_.Create(path, overwrite));
  path_ = path;
  memory_ = nullptr;
  return Start(format, options);
}

Status VideoEncoder::OpenMemory(std::vector<uint8_t>* out, const runtime::VideoFormat& format,
                                const VideoEncodeOptions& options) {
  path_.clear();
  memory_ = out;
  memory_start_ = out->size();
  return Start(format, options);
}

// Opens `writer` on *out with `header`, then VINF and, with audio, AINF:
// the same code writes these sections first and rewrites them at the end.
Status VideoEncoder::WritePrefix(bitstream::ContainerWriter& writer, const bitstream::StreamHeader& header,
                                 std::vector<uint8_t>* out) {
  LCODEC_RETURN_IF_ERROR(writer.OpenMemory(out, header));
  std::vector<uint8_t> body;
  bitstream::ByteWriter info(&body);
  runtime::VisitVideoInfo(info, &format_);
  LCODEC_RETURN_IF_ERROR(writer.Add(runtime::kVideoInfoTag, body.data(), body.size()));
  if (!audio_started_) return Status::Ok();
  LCODEC_RETURN_IF_ERROR(runtime::WriteAudioTrackInfo(audio_info_, &body));
  return writer.Add(runtime::kAudioInfoTag, body.data(), body.size());
}

// Moves what the writer has produced to the output.
Status VideoEncoder::Flush() {
  if (memory_) {
    memory_->insert(memory_->end(), staging_.begin(), staging_.end());
  } else if (!staging_.empty() && std::fwrite(staging_.data(), 1, staging_.size(), file_.file()) != staging_.size()) {
    return Status::IOError("cannot write '" + path_ + "': " + std::strerror(errno));
  }
  written_ += staging_.size();
  staging_.clear();
  return Status::Ok();
}

// The sections before the first frame again, now with the final frame count
// and audio length; they encode to the same size (same model names).
Status VideoEncoder::RewritePrefix() {
  bitstream::ContainerWriter writer;
  std::vector<uint8_t> prefix;
  LCODEC_RETURN_IF_ERROR(WritePrefix(writer, header_, &prefix));
  if (prefix.size() != prefix_bytes_)
    return Status::InvalidArgument("the video stream's first sections changed size when rewritten");
  if (memory_) {
    std::copy(prefix.begin(), prefix.end(), memory_->begin() + static_cast<std::ptrdiff_t>(memory_start_));
    return Status::Ok();
  }
  std::FILE* file = file_.file();
  if (std::fseek(file, 0, SEEK_SET) != 0 || std::fwrite(prefix.data(), 1, prefix.size(), file) != prefix.size())
    return Status::IOError("cannot write '" + path_ + "': " + std::strerror(errno));
  return Status::Ok();
}

Status VideoEncoder::AddSections(const std::vector<bitstream::Section>& sections) {
  for (const bitstream::Section& section : sections) {
    LCODEC_RETURN_IF_ERROR(writer_.Add(section.tag, section.body.data(), section.body.size()));
    audio_bytes_ += section.body.size();
  }
  return Flush();
}

Status VideoEncoder::AddAudio(const float* interleaved, int64_t frames) {
  if (!audio_started_) return Status::InvalidArgument("VideoEncoder::AddAudio without an audio track");
  audio_sections_.clear();
  LCODEC_RETURN_IF_ERROR(audio_.Write(interleaved, frames, &audio_sections_));
  audio_frames_ += static_cast<uint64_t>(frames);
  return AddSections(audio_sections_);
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
  ImageLatent latent;
  LCODEC_RETURN_IF_ERROR(AnalyzeImageLatent(model_, frame, image_options, &latent, stats));
  runtime::FramePrefix prefix;
  prefix.pts = static_cast<uint64_t>(pts);
  // This frame's y_hat becomes the reference only once the frame is written:
  // after a failed write, the next frame must not refer to a missing one.
  torch::Tensor next_reference = reference_;
  LCODEC_RETURN_IF_ERROR(CodeFrame(latent, image_options, &prefix, &next_reference, stats));

  body_.clear();
  bitstream::ByteWriter writer(&body_);
  runtime::VisitFramePrefix(writer, &prefix, /*typed=*/true);
  for (const std::vector<uint8_t>* blob : {&hyper_latent_, &modes_, &symbols_})
    writer.Bytes(blob->data(), blob->size());
  LCODEC_RETURN_IF_ERROR(writer_.Add(runtime::kFrameTag, body_.data(), body_.size()));
  LCODEC_RETURN_IF_ERROR(Flush());
  reference_ = next_reference;
  frames_since_intra_ = prefix.type == runtime::FrameType::kIntra ? 0 : frames_since_intra_ + 1;
  ++header_.frame_count;
  ++frame_types_[static_cast<size_t>(prefix.type)];
  last_pts_ = pts;
  bytes_ += body_.size();
  return Status::Ok();
}

namespace {

// The encoder's rate-distortion cost of coding `latent` as y_hat in `bits`:
// bits + sum over channels c of weights[c] * (y - y_hat)^2, the measure
// rate-distortion rounding minimizes (runtime/image_model.h), over the
// latent positions that show in the image. Without weights, the bits alone.
double RateDistortionCost(const ImageLatent& latent, const torch::Tensor& weights, const torch::Tensor& y_hat,
                          double bits) {
  if (!weights.defined()) return bits;
  torch::Tensor squared_error = (latent.y - y_hat).pow(2);
  if (latent.image_area.defined()) squared_error = squared_error * latent.image_area;
  const torch::Tensor per_channel = squared_error.sum({0, 2, 3}).to(torch::kDouble);
  return bits + (per_channel * weights).sum().item<double>();
}

// Per latent position, the weighted squared latent error summed over the
// channels: ((1, C, h, w) float errors, (C) weights) -> h * w values.
std::vector<double> PositionDistortion(const torch::Tensor& errors, const torch::Tensor& weights) {
  const torch::Tensor weighted = errors.to(torch::kDouble).pow(2) * weights.reshape({1, -1, 1, 1});
  const torch::Tensor sums = weighted.sum(std::vector<int64_t>{0, 1}).reshape({-1}).contiguous();
  return std::vector<double>(sums.data_ptr<double>(), sums.data_ptr<double>() + sums.numel());
}

torch::Tensor SymbolTensor(std::vector<int32_t>& symbols, const torch::Tensor& like) {
  return torch::from_blob(symbols.data(), like.sizes(), torch::kInt32).to(torch::kFloat);
}

}  // namespace

// Picks the frame's type, codes its blobs into hyper_latent_, modes_ and
// symbols_ (empty where the type has none) and sets *reference to this
// frame's y_hat exactly as the decoder will compute it. Each type is
// coded to compare them, and the lowest rate-distortion cost wins: an
// intra frame gets the slice context, a predicted one does not, and both
// get rate-distortion rounding, so bits alone cannot decide (nor can a
// hyperprior-only estimate of the intra frame: on a pan, that picked
// predicted frames 8-13 % dearer than intra ones). A repeat costs no bits
// and keeps the previous frame's error; where the latent rounds to the
// previous one (rate-distortion rounded with the intra scale indexes), it
// is taken without coding the others. A model without rate-distortion
// weights has costs of bits alone: a repeat then competes only that way.
Status VideoEncoder::CodeFrame(ImageLatent& latent, const ImageEncodeOptions& options, runtime::FramePrefix* prefix,
                               torch::Tensor* reference, ImageEncodeStats* stats) {
  hyper_latent_.clear();
  modes_.clear();
  symbols_.clear();
  const bool intra_due = !reference_.defined() || frames_since_intra_ + 1 >= options_.keyframe_interval;
  torch::Tensor intra_residuals, temporal_residuals, weights;
  LCODEC_RETURN_IF_ERROR(runtime::Guard("video encoding failed", [&] {
    // As CodeLatent does, residuals wholly in the padding are coded as 0.
    const auto in_image = [&](const torch::Tensor& residuals) {
      return latent.image_area.defined() ? residuals * latent.image_area : residuals;
    };
    intra_residuals = in_image(latent.y - latent.means);
    if (!intra_due) temporal_residuals = in_image(latent.y - *reference);
    if (model_.has_quantization_weights()) weights = model_.QuantizationWeights(options.quality);
  }));
  // Rounded as they would be coded with the intra scale indexes, for the
  // mode search.
  std::vector<int32_t> intra_symbols, temporal_symbols;
  if (!intra_due) {
    LCODEC_RETURN_IF_ERROR(RoundResiduals(intra_residuals, weights, model_.y_table(), latent.indexes, &intra_symbols));
    LCODEC_RETURN_IF_ERROR(
        RoundResiduals(temporal_residuals, weights, model_.y_table(), latent.indexes, &temporal_symbols));
  }
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  entropy::CodingOptions coding;
  coding.threads = options.threads;
  double estimated_bits = 0;
  if (!intra_due &&
      std::all_of(temporal_symbols.begin(), temporal_symbols.end(), [](int32_t s) { return s == 0; })) {
    prefix->type = runtime::FrameType::kRepeat;
  } else {
    hyper_latent_ = std::move(latent.hyper_latent);
    // The intra frame: exactly an image's payload (slice context and
    // rate-distortion rounding included).
    std::vector<uint8_t> intra_payload;
    torch::Tensor intra_y_hat;
    double intra_bits = 0;
    LCODEC_RETURN_IF_ERROR(CodeLatent(model_, latent, options, &intra_payload, &intra_y_hat, &intra_bits));
    prefix->type = runtime::FrameType::kIntra;
    estimated_bits = latent.hyper_latent_bits + intra_bits;
    if (!intra_due) {
      BlockModeChoice choice;
      ModeDistortions distortions;
      LCODEC_RETURN_IF_ERROR(runtime::Guard("video encoding failed", [&] {
        if (!weights.defined()) return;
        distortions.intra = PositionDistortion(intra_residuals - SymbolTensor(intra_symbols, intra_residuals), weights);
        distortions.temporal =
            PositionDistortion(temporal_residuals - SymbolTensor(temporal_symbols, temporal_residuals), weights);
        distortions.skip = PositionDistortion(temporal_residuals, weights);
      }));
      const size_t positions = static_cast<size_t>(latent.y.size(2) * latent.y.size(3));
      LCODEC_RETURN_IF_ERROR(ChooseBlockModes(model_.y_table(), latent.indexes, intra_symbols, temporal_symbols,
                                              positions, weights.defined() ? &distortions : nullptr, &choice));
      torch::Tensor coded_residuals;
      LCODEC_RETURN_IF_ERROR(runtime::Guard("video encoding failed", [&] {
        coded_residuals = CodedResiduals(intra_residuals, temporal_residuals, choice.modes);
      }));
      // Rounded again with the scale indexes that code them (temporal ones lowered).
      std::vector<int32_t> coded;
      std::vector<uint16_t> coded_indexes;
      runtime::CodedSymbolIndexes(latent.indexes, choice.modes, choice.scale_shift, &coded_indexes);
      LCODEC_RETURN_IF_ERROR(RoundResiduals(coded_residuals, weights, model_.y_table(), coded_indexes, &coded));
      const double predicted_bits = choice.mode_map_bits + EstimatedBits(model_.y_table(), coded, coded_indexes);
      torch::Tensor predicted_y_hat;
      double intra_cost = 0, predicted_cost = 0, repeat_cost = 0;
      LCODEC_RETURN_IF_ERROR(runtime::Guard("video encoding failed", [&] {
        predicted_y_hat = runtime::ReconstructLatent(coded, latent.means, *reference, choice.modes);
        // Both send the hyper-latent; a repeat sends nothing.
        intra_cost = RateDistortionCost(latent, weights, intra_y_hat, latent.hyper_latent_bits + intra_bits);
        predicted_cost =
            RateDistortionCost(latent, weights, predicted_y_hat, latent.hyper_latent_bits + predicted_bits);
        repeat_cost = RateDistortionCost(latent, weights, *reference, 0);
      }));
      // Without weights the costs are bits alone, and a repeat would always win.
      if (weights.defined() && repeat_cost <= std::min(intra_cost, predicted_cost)) {
        prefix->type = runtime::FrameType::kRepeat;
        hyper_latent_.clear();
        estimated_bits = 0;
      } else if (predicted_cost < intra_cost) {
        prefix->type = runtime::FrameType::kPredicted;
        entropy::CdfTable mode_table;
        LCODEC_RETURN_IF_ERROR(runtime::ModeTable(choice.mode_frequencies, &mode_table));
        const std::vector<uint16_t> mode_indexes(choice.modes.size(), 0);
        LCODEC_RETURN_IF_ERROR(entropy::EncodeSymbols(mode_table, choice.modes.data(), mode_indexes.data(),
                                                      choice.modes.size(), coding, &modes_));
        LCODEC_RETURN_IF_ERROR(entropy::EncodeSymbols(model_.y_table(), coded.data(), coded_indexes.data(),
                                                      coded.size(), coding, &symbols_));
        *reference = predicted_y_hat;
        prefix->scale_shift = static_cast<uint8_t>(choice.scale_shift);
        prefix->mode_frequencies = choice.mode_frequencies;
        estimated_bits = latent.hyper_latent_bits + predicted_bits;
      }
    }
    if (prefix->type == runtime::FrameType::kIntra) {
      symbols_ = std::move(intra_payload);
      *reference = intra_y_hat;
    }
    if (hyper_latent_.size() > UINT32_MAX || modes_.size() > UINT32_MAX)
      return Status::ResourceLimit("a frame's hyper-latent or mode map exceeds 4 GiB");
    prefix->hyper_latent_bytes = static_cast<uint32_t>(hyper_latent_.size());
    prefix->mode_bytes = static_cast<uint32_t>(modes_.size());
  }
  if (stats) {
    stats->entropy_seconds += std::chrono::duration<double>(Clock::now() - start).count();
    stats->estimated_bits = estimated_bits;
    stats->coded_bits = 8.0 * static_cast<double>(hyper_latent_.size() + modes_.size() + symbols_.size());
  }
  return Status::Ok();
}

Status VideoEncoder::Finish(AudioEncodeStats* audio_stats) {
  if (header_.frame_count == 0) return Status::InvalidArgument("the video has no frames");
  if (audio_started_) {
    if (audio_frames_ == 0) return Status::InvalidArgument("the video's audio track has no samples");
    audio_sections_.clear();
    LCODEC_RETURN_IF_ERROR(audio_.Finish(&audio_sections_, &audio_info_.header, audio_stats));
    LCODEC_RETURN_IF_ERROR(AddSections(audio_sections_));
  }
  LCODEC_RETURN_IF_ERROR(writer_.Finish());
  LCODEC_RETURN_IF_ERROR(Flush());
  LCODEC_RETURN_IF_ERROR(RewritePrefix());
  return memory_ ? Status::Ok() : file_.Commit();
}

}  // namespace lcodec::encoder
