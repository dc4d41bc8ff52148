#include "decoder/audio_decoder.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <string>

#include "entropy/symbol_coder.h"
#include "runtime/audio_layout.h"
#include "runtime/audio_transforms.h"
#include "runtime/resampler.h"

namespace lcodec::decoder {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// To [-1, 1]; NaN (from a damaged stream's huge latents) to 0.
float ClampSample(float sample) {
  if (sample >= -1.0f && sample <= 1.0f) return sample;
  return sample > 1.0f ? 1.0f : sample < -1.0f ? -1.0f : 0.0f;
}

// One chunk's decoded latents, waiting for its neighbours' synthesis.
struct Chunk {
  int64_t start = 0;   // model-rate samples
  int64_t length = 0;
  runtime::AudioLatent latent;  // (B, M, length / latent_stride)
};

}  // namespace

// A chunk's synthesis needs the latents of its right neighbour (its margin),
// so chunk k is synthesised when chunk k + 1 arrives (or when k is the last),
// and chunk k - 1 is kept for k's left margin: at most three chunks of
// latents and one of samples are held, however long the stream. Every
// allocation is sized by a chunk (at most kMaxChunkSamples), never by the
// length the header declares.
class AudioDecoder::Impl {
 public:
  Status Start(runtime::AudioModel* model, const bitstream::StreamHeader& header, const AudioDecodeOptions& options) {
    if (header.modality != bitstream::Modality::kAudio) return Status::InvalidArgument("not an audio stream");
    LCODEC_RETURN_IF_ERROR(bitstream::CheckModel(header, model->id(), model->name()));
    LCODEC_RETURN_IF_ERROR(runtime::CheckAudioFormat(header.channels, header.sample_rate));
    if (!(header.quality >= model->quality_min() && header.quality <= model->quality_max()))
      return Status::Corrupt("stream quality is outside the model's range");
    if (options.threads < 1) return Status::InvalidArgument("threads must be >= 1");
    *this = Impl();  // a finished decoder can start again
    model_ = model;
    header_ = header;
    options_ = options;
    length_ = runtime::ModelRateLength(header.frame_count, static_cast<int>(header.sample_rate), model->sample_rate());
    padded_ = runtime::PaddedLength(*model, length_);
    LCODEC_RETURN_IF_ERROR(resampler_.Open(header.channels, model->sample_rate(), static_cast<int>(header.sample_rate)));
    started_ = true;
    return Status::Ok();
  }

  Status Add(const bitstream::Section& section, Audio* ready) {
    StartOutput(ready);
    if (!started_) return Status::InvalidArgument("AudioDecoder::Add before Start");
    if (section.tag != runtime::kAudioChunkTag) return Status::Ok();
    runtime::AudioChunkBody body;
    LCODEC_RETURN_IF_ERROR(runtime::ParseAudioChunkBody(section.body, &body));
    LCODEC_RETURN_IF_ERROR(CheckChunkLength(body.samples));
    if (next_start_ == 0) chunk_length_ = body.samples;
    Chunk chunk{next_start_, body.samples, {}};
    LCODEC_RETURN_IF_ERROR(DecodeLatents(body, &chunk.latent));
    next_start_ += chunk.length;
    chunks_.push_back(std::move(chunk));
    return SynthesizeReadyChunks(ready);
  }

  Status Finish(Audio* ready, AudioDecodeStats* stats) {
    StartOutput(ready);
    if (!started_) return Status::InvalidArgument("AudioDecoder::Finish before Start");
    if (next_start_ < padded_)
      return Status::Corrupt("audio stream is truncated: its chunks hold " + std::to_string(next_start_) + " of " +
                             std::to_string(padded_) + " samples");
    const Clock::time_point start = Clock::now();
    runtime::PlanarAudio tail;
    LCODEC_RETURN_IF_ERROR(resampler_.Flush(&tail));
    stats_.resample_seconds += SecondsSince(start);
    Emit(tail, ready);
    // The resampler may end a few samples short of the exact length.
    const uint64_t missing = header_.frame_count - emitted_;
    ready->samples.resize(ready->samples.size() + missing * header_.channels, 0.0f);
    emitted_ += missing;
    if (options_.progress) options_.progress(static_cast<int64_t>(emitted_), static_cast<int64_t>(header_.frame_count));
    if (stats) *stats = stats_;
    started_ = false;
    return Status::Ok();
  }

 private:
  void StartOutput(Audio* ready) const {
    ready->sample_rate = static_cast<int>(header_.sample_rate);
    ready->channels = header_.channels;
    ready->bit_depth = header_.bit_depth;
    ready->samples.clear();
  }

  // Every chunk but the last has the first chunk's length, which leaves
  // room for both margins; together they cover the padded signal exactly.
  Status CheckChunkLength(int64_t samples) const {
    const int64_t multiple = model_->downsampling();
    if (next_start_ >= padded_) return Status::Corrupt("audio stream has more chunks than its length needs");
    if (samples < multiple || samples % multiple || samples > runtime::kMaxChunkSamples)
      return Status::Corrupt("audio chunk of " + std::to_string(samples) + " samples is not a positive multiple of " +
                             std::to_string(multiple) + " up to " + std::to_string(runtime::kMaxChunkSamples));
    const bool last = next_start_ + samples == padded_;
    if (next_start_ + samples > padded_)
      return Status::Corrupt("audio chunk runs past the stream's length");
    if (!last && samples < std::max(model_->analysis_margin(), model_->synthesis_margin()))
      return Status::Corrupt("audio chunk is shorter than the model's margins");
    if (next_start_ > 0 && (samples > chunk_length_ || (!last && samples != chunk_length_)))
      return Status::Corrupt("audio chunks differ in length");
    return Status::Ok();
  }

  Status DecodeLatents(const runtime::AudioChunkBody& body, runtime::AudioLatent* latent) {
    const int64_t batch = header_.channels;
    const int64_t z_channels = static_cast<int64_t>(model_->z_table().size());
    const int64_t z_length = body.samples / model_->downsampling();
    std::vector<uint16_t> plane, z_indexes;
    LCODEC_RETURN_IF_ERROR(entropy::ChannelIndexes(static_cast<int>(z_channels), static_cast<size_t>(z_length), &plane));
    for (int64_t c = 0; c < batch; ++c) z_indexes.insert(z_indexes.end(), plane.begin(), plane.end());
    std::vector<int32_t> z_symbols(z_indexes.size());
    Clock::time_point start = Clock::now();
    LCODEC_RETURN_IF_ERROR(entropy::DecodeSymbols(model_->z_table(), body.z, body.z_size, z_indexes.data(),
                                                  z_symbols.size(), options_.threads, z_symbols.data()));
    stats_.entropy_seconds += SecondsSince(start);
    Status status;
    const Status guard = runtime::Guard("audio decoding failed", [&] {
      torch::NoGradGuard no_grad;
      start = Clock::now();
      const torch::Tensor z_hat =
          torch::from_blob(z_symbols.data(), {batch, z_channels, z_length}, torch::kInt32).to(torch::kFloat);
      torch::Tensor means, indexes;
      runtime::HyperSynthesizeChunk(*model_, z_hat, &means, &indexes);
      stats_.transform_seconds += SecondsSince(start);
      if (!runtime::IndexesWithin(indexes, model_->y_table().size())) {
        status = Status::Corrupt("model gave scale indexes outside its table");
        return;
      }
      const std::vector<uint16_t> y_indexes(indexes.data_ptr<int32_t>(), indexes.data_ptr<int32_t>() + indexes.numel());
      std::vector<int32_t> y_symbols(y_indexes.size());
      start = Clock::now();
      status = entropy::DecodeSymbols(model_->y_table(), body.y, body.y_size, y_indexes.data(), y_symbols.size(),
                                      options_.threads, y_symbols.data());
      stats_.entropy_seconds += SecondsSince(start);
      if (!status.ok()) return;
      latent->symbols = torch::from_blob(y_symbols.data(), means.sizes(), torch::kInt32).clone();
      latent->indexes = indexes;
      latent->y_hat = latent->symbols.to(torch::kFloat) + means;
    });
    LCODEC_RETURN_IF_ERROR(guard);
    return status;
  }

  Status SynthesizeReadyChunks(Audio* ready) {
    while (to_synthesize_ < chunks_.size()) {
      const Chunk& chunk = chunks_[to_synthesize_];
      const bool last = chunk.start + chunk.length == padded_;
      if (!last && to_synthesize_ + 1 >= chunks_.size()) break;  // wait for the right margin
      runtime::PlanarAudio samples;
      LCODEC_RETURN_IF_ERROR(Synthesize(to_synthesize_ > 0 ? &chunks_[to_synthesize_ - 1] : nullptr, chunk,
                                        last ? nullptr : &chunks_[to_synthesize_ + 1], &samples));
      const Clock::time_point start = Clock::now();
      runtime::PlanarAudio resampled;
      LCODEC_RETURN_IF_ERROR(resampler_.Process(samples, static_cast<int64_t>(samples[0].size()), &resampled));
      stats_.resample_seconds += SecondsSince(start);
      Emit(resampled, ready);
      if (options_.progress)
        options_.progress(static_cast<int64_t>(emitted_), static_cast<int64_t>(header_.frame_count));
      ++to_synthesize_;
      while (to_synthesize_ > 1) {  // keep one chunk left of the next one to synthesise
        chunks_.pop_front();
        --to_synthesize_;
      }
    }
    return Status::Ok();
  }

  // The chunk's samples below the signal's model-rate length, per channel.
  Status Synthesize(const Chunk* previous, const Chunk& chunk, const Chunk* next, runtime::PlanarAudio* out) {
    const int64_t stride = model_->latent_stride();
    const int64_t margin = model_->synthesis_margin() / stride;
    const int64_t left = previous ? std::min(margin, previous->latent.y_hat.size(2)) : 0;
    const int64_t right = next ? std::min(margin, next->latent.y_hat.size(2)) : 0;
    const int64_t keep = std::clamp<int64_t>(length_ - chunk.start, 0, chunk.length);
    const Clock::time_point start = Clock::now();
    const Status guard = runtime::Guard("audio decoding failed", [&] {
      torch::NoGradGuard no_grad;
      std::vector<runtime::AudioLatent> parts;
      if (left) {
        const int64_t steps = previous->latent.y_hat.size(2);
        parts.push_back(runtime::SliceLatent(previous->latent, steps - left, steps));
      }
      parts.push_back(chunk.latent);
      if (right) parts.push_back(runtime::SliceLatent(next->latent, 0, right));
      const int64_t first_frame = chunk.start / stride - left;
      const torch::Tensor x = runtime::SynthesizeChunk(*model_, runtime::JoinLatents(parts), first_frame, left,
                                                       chunk.latent.y_hat.size(2), header_.quality)
                                  .contiguous();
      out->assign(static_cast<size_t>(header_.channels), {});
      for (int c = 0; c < header_.channels; ++c) {
        const float* samples = x.data_ptr<float>() + c * x.size(2);
        (*out)[c].assign(samples, samples + keep);
      }
    });
    stats_.transform_seconds += SecondsSince(start);
    return guard;
  }

  // Appends resampled samples to `ready`, interleaved and clamped (the
  // synthesis is not bounded), up to the stream's length.
  void Emit(const runtime::PlanarAudio& samples, Audio* ready) {
    const uint64_t available = samples.empty() ? 0 : samples[0].size();
    const uint64_t frames = std::min(available, header_.frame_count - emitted_);
    const size_t begin = ready->samples.size();
    runtime::FromCodedChannels(samples, 0, static_cast<int64_t>(frames), &ready->samples);
    for (size_t i = begin; i < ready->samples.size(); ++i) ready->samples[i] = ClampSample(ready->samples[i]);
    emitted_ += frames;
  }

  runtime::AudioModel* model_ = nullptr;
  bitstream::StreamHeader header_;
  AudioDecodeOptions options_;
  bool started_ = false;
  int64_t length_ = 0;        // model-rate samples of the signal
  int64_t padded_ = 0;        // ... padded to the model's multiple: what the chunks cover
  int64_t chunk_length_ = 0;  // the first chunk's
  int64_t next_start_ = 0;    // where the next chunk starts
  std::deque<Chunk> chunks_;
  size_t to_synthesize_ = 0;  // position in chunks_ of the next chunk to synthesise
  runtime::Resampler resampler_;
  uint64_t emitted_ = 0;      // output frames so far
  AudioDecodeStats stats_;
};

AudioDecoder::AudioDecoder() : impl_(std::make_unique<Impl>()) {}
AudioDecoder::~AudioDecoder() = default;

Status AudioDecoder::Start(runtime::AudioModel* model, const bitstream::StreamHeader& header,
                           const AudioDecodeOptions& options) {
  return impl_->Start(model, header, options);
}

Status AudioDecoder::Add(const bitstream::Section& section, Audio* ready) { return impl_->Add(section, ready); }

Status AudioDecoder::Finish(Audio* ready, AudioDecodeStats* stats) { return impl_->Finish(ready, stats); }

Status DecodeAudio(runtime::AudioModel& model, const uint8_t* data, size_t size, const AudioDecodeOptions& options,
                   Audio* out, AudioDecodeStats* stats) {
  bitstream::ContainerReader reader;
  LCODEC_RETURN_IF_ERROR(reader.OpenMemory(data, size, options.limits));
  AudioDecoder decoder;
  LCODEC_RETURN_IF_ERROR(decoder.Start(&model, reader.header(), options));
  Audio ready;
  out->samples.clear();
  for (bool at_end = false;;) {
    bitstream::Section section;
    LCODEC_RETURN_IF_ERROR(reader.Next(&section, &at_end));
    if (at_end) break;
    LCODEC_RETURN_IF_ERROR(decoder.Add(section, &ready));
    out->samples.insert(out->samples.end(), ready.samples.begin(), ready.samples.end());
  }
  LCODEC_RETURN_IF_ERROR(decoder.Finish(&ready, stats));
  out->samples.insert(out->samples.end(), ready.samples.begin(), ready.samples.end());
  out->sample_rate = ready.sample_rate;
  out->channels = ready.channels;
  out->bit_depth = ready.bit_depth;
  return Status::Ok();
}

}  // namespace lcodec::decoder
