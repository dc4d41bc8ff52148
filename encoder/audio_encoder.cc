#include "encoder/audio_encoder.h"

#include <algorithm>
#include <chrono>
#include <string>

#include "encoder/latent_symbols.h"
#include "entropy/symbol_coder.h"
#include "runtime/audio_layout.h"
#include "runtime/audio_transforms.h"
#include "runtime/resampler.h"

namespace lcodec::encoder {

namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

}  // namespace

// The input, resampled to the model's rate, goes into `pending_`; a chunk is
// coded as soon as the samples of its right margin have arrived, and samples
// left of the next chunk's left margin are dropped. So memory holds about one
// chunk plus two margins per channel, however long the input.
class AudioEncoder::Impl {
 public:
  Status Start(runtime::AudioModel* model, int sample_rate, int channels, int bit_depth,
               const AudioEncodeOptions& options, bitstream::StreamHeader* header) {
    LCODEC_RETURN_IF_ERROR(runtime::CheckAudioFormat(channels, sample_rate));
    if (bit_depth != 8 && bit_depth != 16 && bit_depth != 24 && bit_depth != 32)
      return Status::Unsupported(std::to_string(bit_depth) + "-bit audio is not supported (8, 16, 24, 32)");
    if (!(options.quality >= model->quality_min() && options.quality <= model->quality_max()))
      return Status::InvalidArgument("quality must lie in [" + std::to_string(model->quality_min()) + ", " +
                                     std::to_string(model->quality_max()) + "] for model '" + model->name() + "'");
    if (options.threads < 1) return Status::InvalidArgument("threads must be >= 1");
    *this = Impl();  // a finished encoder can start again
    model_ = model;
    options_ = options;
    channels_ = channels;
    rate_ = sample_rate;
    chunk_ = runtime::ChunkSamples(*model, options.chunk_seconds);
    LCODEC_RETURN_IF_ERROR(resampler_.Open(channels, sample_rate, model->sample_rate()));
    header_ = bitstream::StreamHeader();
    header_.modality = bitstream::Modality::kAudio;
    header_.model_id = model->id();
    header_.model_name = model->name();
    header_.channels = static_cast<uint16_t>(channels);
    header_.bit_depth = static_cast<uint8_t>(bit_depth);
    header_.sample_rate = static_cast<uint32_t>(sample_rate);
    header_.frame_count = 1;  // a valid placeholder until Finish knows the length
    header_.quality = static_cast<float>(options.quality);
    *header = header_;
    started_ = true;
    return Status::Ok();
  }

  Status Write(const float* interleaved, int64_t frames, std::vector<bitstream::Section>* sections) {
    if (!started_) return Status::InvalidArgument("AudioEncoder::Write before Start");
    if (frames < 0) return Status::InvalidArgument("negative frame count");
    const Clock::time_point start = Clock::now();
    runtime::PlanarAudio coded, resampled;
    runtime::ToCodedChannels(interleaved, frames, channels_, &coded);
    LCODEC_RETURN_IF_ERROR(resampler_.Process(coded, frames, &resampled));
    Append(resampled);
    stats_.resample_seconds += SecondsSince(start);
    frames_in_ += static_cast<uint64_t>(frames);
    // A chunk needs its right margin before it can be analysed.
    while (PendingEnd() >= next_chunk_ + chunk_ + model_->analysis_margin())
      LCODEC_RETURN_IF_ERROR(CodeChunk(next_chunk_ + chunk_ + model_->analysis_margin(), sections));
    if (options_.progress) options_.progress(static_cast<int64_t>(frames_in_), -1);
    return Status::Ok();
  }

  Status Finish(std::vector<bitstream::Section>* sections, bitstream::StreamHeader* header,
                AudioEncodeStats* stats) {
    if (!started_) return Status::InvalidArgument("AudioEncoder::Finish before Start");
    if (frames_in_ == 0) return Status::InvalidArgument("the audio has no samples to encode");
    const Clock::time_point start = Clock::now();
    runtime::PlanarAudio tail;
    LCODEC_RETURN_IF_ERROR(resampler_.Flush(&tail));
    Append(tail);
    stats_.resample_seconds += SecondsSince(start);
    // Exactly ModelRateLength samples, then zeros up to whole chunks' padding.
    const int64_t length = runtime::ModelRateLength(frames_in_, rate_, model_->sample_rate());
    const int64_t padded = runtime::PaddedLength(*model_, length);
    if (next_chunk_ >= padded) return Status::InvalidArgument("the resampler produced more samples than expected");
    for (std::vector<float>& channel : pending_) {
      channel.resize(static_cast<size_t>(std::max<int64_t>(0, length - pending_start_)));
      channel.resize(static_cast<size_t>(padded - pending_start_), 0.0f);
    }
    while (next_chunk_ < padded) LCODEC_RETURN_IF_ERROR(CodeChunk(padded, sections));
    header_.frame_count = frames_in_;
    *header = header_;
    if (stats) *stats = stats_;
    started_ = false;
    return Status::Ok();
  }

 private:
  int64_t PendingEnd() const { return pending_start_ + static_cast<int64_t>(pending_[0].size()); }

  void Append(const runtime::PlanarAudio& samples) {
    pending_.resize(static_cast<size_t>(channels_));
    for (int c = 0; c < channels_; ++c) pending_[c].insert(pending_[c].end(), samples[c].begin(), samples[c].end());
  }

  // Codes the chunk at next_chunk_, whose context may reach up to `available`.
  Status CodeChunk(int64_t available, std::vector<bitstream::Section>* sections) {
    const int64_t length = std::min(chunk_, available - next_chunk_);
    const int64_t context_start = std::max<int64_t>(0, next_chunk_ - model_->analysis_margin());
    const int64_t context_end = std::min(available, next_chunk_ + length + model_->analysis_margin());
    std::vector<int32_t> z_symbols, y_symbols;
    std::vector<uint16_t> z_indexes, y_indexes;
    Status status;
    const Clock::time_point start = Clock::now();
    const Status guard = runtime::Guard("audio encoding failed", [&] {
      torch::NoGradGuard no_grad;
      torch::Tensor x = torch::empty({channels_, 1, context_end - context_start});
      for (int c = 0; c < channels_; ++c)
        std::copy(pending_[c].begin() + (context_start - pending_start_),
                  pending_[c].begin() + (context_end - pending_start_), x.data_ptr<float>() + c * x.size(2));
      const torch::Tensor y =
          runtime::AnalyzeChunk(*model_, x, next_chunk_ - context_start, length, options_.quality);
      const torch::Tensor z_hat = runtime::HyperAnalyzeChunk(*model_, y).round();
      status = ToSymbols(z_hat, &z_symbols);
      if (!status.ok()) return;
      torch::Tensor means, indexes;
      runtime::HyperSynthesizeChunk(*model_, z_hat, &means, &indexes);
      if (means.sizes() != y.sizes()) {
        status = Status::InvalidArgument("the model's latent means do not match its latent");
        return;
      }
      status = ToSymbols(y - means, &y_symbols);
      if (!status.ok()) return;
      std::vector<uint16_t> plane;
      status = entropy::ChannelIndexes(static_cast<int>(z_hat.size(1)), static_cast<size_t>(z_hat.size(2)), &plane);
      for (int c = 0; c < channels_; ++c) z_indexes.insert(z_indexes.end(), plane.begin(), plane.end());
      if (!runtime::IndexesWithin(indexes, model_->y_table().size())) {
        status = Status::InvalidArgument("the model gave scale indexes outside its table");
        return;
      }
      y_indexes.assign(indexes.data_ptr<int32_t>(), indexes.data_ptr<int32_t>() + indexes.numel());
    });
    LCODEC_RETURN_IF_ERROR(guard);
    LCODEC_RETURN_IF_ERROR(status);
    const Clock::time_point transformed = Clock::now();
    entropy::CodingOptions coding;
    coding.threads = options_.threads;
    std::vector<uint8_t> z_blob, y_blob;
    LCODEC_RETURN_IF_ERROR(entropy::EncodeSymbols(model_->z_table(), z_symbols.data(), z_indexes.data(),
                                                  z_symbols.size(), coding, &z_blob));
    LCODEC_RETURN_IF_ERROR(entropy::EncodeSymbols(model_->y_table(), y_symbols.data(), y_indexes.data(),
                                                  y_symbols.size(), coding, &y_blob));
    stats_.transform_seconds += std::chrono::duration<double>(transformed - start).count();
    stats_.entropy_seconds += SecondsSince(transformed);
    stats_.estimated_bits += EstimatedBits(model_->z_table(), z_symbols, z_indexes) +
                             EstimatedBits(model_->y_table(), y_symbols, y_indexes);
    stats_.coded_bits += 8.0 * static_cast<double>(z_blob.size() + y_blob.size());

    sections->push_back({runtime::kAudioChunkTag, {}});
    runtime::WriteAudioChunkBody(length, z_blob, y_blob, &sections->back().body);
    next_chunk_ += length;
    // Keep only what the next chunk's context needs.
    const int64_t keep_from = std::max<int64_t>(pending_start_, next_chunk_ - model_->analysis_margin());
    for (std::vector<float>& channel : pending_) channel.erase(channel.begin(), channel.begin() + (keep_from - pending_start_));
    pending_start_ = keep_from;
    return Status::Ok();
  }

  runtime::AudioModel* model_ = nullptr;
  AudioEncodeOptions options_;
  int channels_ = 0, rate_ = 0;
  int64_t chunk_ = 0;
  bool started_ = false;
  bitstream::StreamHeader header_;
  runtime::Resampler resampler_;
  runtime::PlanarAudio pending_;  // model-rate samples from pending_start_ on
  int64_t pending_start_ = 0;
  int64_t next_chunk_ = 0;        // where the next chunk to code starts
  uint64_t frames_in_ = 0;
  AudioEncodeStats stats_;
};

AudioEncoder::AudioEncoder() : impl_(std::make_unique<Impl>()) {}
AudioEncoder::~AudioEncoder() = default;

Status AudioEncoder::Start(runtime::AudioModel* model, int sample_rate, int channels, int bit_depth,
                           const AudioEncodeOptions& options, bitstream::StreamHeader* header) {
  return impl_->Start(model, sample_rate, channels, bit_depth, options, header);
}

Status AudioEncoder::Write(const float* interleaved, int64_t frames, std::vector<bitstream::Section>* sections) {
  return impl_->Write(interleaved, frames, sections);
}

Status AudioEncoder::Finish(std::vector<bitstream::Section>* sections, bitstream::StreamHeader* header,
                            AudioEncodeStats* stats) {
  return impl_->Finish(sections, header, stats);
}

Status EncodeAudio(runtime::AudioModel& model, const Audio& audio, const AudioEncodeOptions& options,
                   std::vector<uint8_t>* out, AudioEncodeStats* stats) {
  if (audio.channels < 1 || audio.samples.size() % static_cast<size_t>(audio.channels))
    return Status::InvalidArgument("audio has no channels or a partial frame");
  AudioEncoder encoder;
  bitstream::StreamHeader header;
  LCODEC_RETURN_IF_ERROR(encoder.Start(&model, audio.sample_rate, audio.channels, audio.bit_depth, options, &header));
  bitstream::ContainerWriter writer;
  out->clear();
  LCODEC_RETURN_IF_ERROR(writer.OpenMemory(out, header));
  std::vector<bitstream::Section> sections;
  LCODEC_RETURN_IF_ERROR(encoder.Write(audio.samples.data(), audio.frames(), &sections));
  LCODEC_RETURN_IF_ERROR(encoder.Finish(&sections, &header, stats));
  for (const bitstream::Section& section : sections)
    LCODEC_RETURN_IF_ERROR(writer.Add(section.tag, section.body.data(), section.body.size()));
  return writer.Finish(&header);
}

}  // namespace lcodec::encoder
