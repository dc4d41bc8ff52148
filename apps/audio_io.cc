#include "apps/audio_io.h"

#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <set>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/log.h>
#include <libswresample/swresample.h>
}

#include "common/file_util.h"

namespace lcodec::apps {
namespace {

constexpr int kMaxChannels = 64;
constexpr int kMaxSampleRate = 768000;

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string ExtensionOf(const std::string& path) { return Lower(std::filesystem::path(path).extension().string()); }

// Formats libsndfile reads without help; everything else goes to FFmpeg.
bool IsSndfileExtension(const std::string& extension) {
  static const std::set<std::string> kSndfile = {".wav", ".flac", ".ogg", ".oga", ".aiff", ".aif", ".au", ".caf"};
  return kSndfile.count(extension) > 0;
}

Status CheckShape(const std::string& path, int sample_rate, int channels) {
  if (channels < 1 || channels > kMaxChannels)
    return Status::Unsupported("'" + path + "' has " + std::to_string(channels) + " channels (1.." +
                               std::to_string(kMaxChannels) + " are supported)");
  if (sample_rate < 1 || sample_rate > kMaxSampleRate)
    return Status::Unsupported("'" + path + "' has a sample rate of " + std::to_string(sample_rate) + " Hz (1.." +
                               std::to_string(kMaxSampleRate) + " are supported)");
  return Status::Ok();
}

// The bits per sample a libsndfile subtype stores (32 for floats and 32-bit
// integers, which Audio carries as floats); lossy subtypes count as 16.
int SndfileBitDepth(int format) {
  switch (format & SF_FORMAT_SUBMASK) {
    case SF_FORMAT_PCM_S8:
    case SF_FORMAT_PCM_U8: return 8;
    case SF_FORMAT_PCM_24: return 24;
    case SF_FORMAT_PCM_32:
    case SF_FORMAT_FLOAT:
    case SF_FORMAT_DOUBLE: return 32;
    default: return 16;
  }
}

bool IsIntegerPcm(int format) {
  switch (format & SF_FORMAT_SUBMASK) {
    case SF_FORMAT_PCM_S8:
    case SF_FORMAT_PCM_U8:
    case SF_FORMAT_PCM_16:
    case SF_FORMAT_PCM_24:
    case SF_FORMAT_PCM_32: return true;
    default: return false;
  }
}

std::string AvError(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof text);
  return text;
}

void QuietFfmpeg() {
  static std::once_flag quiet;
  std::call_once(quiet, [] { av_log_set_level(AV_LOG_QUIET); });
}

}  // namespace

// One of two sources: libsndfile, or FFmpeg's demuxer + decoder + resampler
// (only to convert the decoder's sample format to interleaved float).
class AudioFileReader::Impl {
 public:
  ~Impl() {
    if (sndfile_) sf_close(sndfile_);
    swr_free(&swr_);
    av_frame_free(&frame_);
    av_packet_free(&packet_);
    avcodec_free_context(&decoder_);
    avformat_close_input(&format_);
  }

  Status OpenSndfile(const std::string& path, bool* recognised) {
    SF_INFO sf_info = {};
    sndfile_ = sf_open(path.c_str(), SFM_READ, &sf_info);
    *recognised = sndfile_ != nullptr;
    if (!sndfile_) return Status::Ok();
    path_ = path;
    integer_pcm_ = IsIntegerPcm(sf_info.format);
    info_ = {sf_info.samplerate, sf_info.channels, SndfileBitDepth(sf_info.format), sf_info.frames};
    return CheckShape(path, info_.sample_rate, info_.channels);
  }

  Status OpenFfmpeg(const std::string& path) {
    QuietFfmpeg();
    const std::string not_audio = "'" + path + "' is not an audio file this build can read";
    int error = avformat_open_input(&format_, path.c_str(), nullptr, nullptr);
    if (error < 0) return Status::Unsupported(not_audio + " (" + AvError(error) + ")");
    if ((error = avformat_find_stream_info(format_, nullptr)) < 0)
      return Status::Corrupt("'" + path + "': " + AvError(error));
    const AVCodec* codec = nullptr;
    stream_ = av_find_best_stream(format_, AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
    if (stream_ < 0 || !codec) return Status::Unsupported(not_audio + " (no audio stream it can decode)");
    const AVStream* stream = format_->streams[stream_];
    decoder_ = avcodec_alloc_context3(codec);
    if (!decoder_ || avcodec_parameters_to_context(decoder_, stream->codecpar) < 0)
      return Status::ResourceLimit("cannot set up a decoder for '" + path + "'");
    decoder_->thread_count = 1;
    if ((error = avcodec_open2(decoder_, codec, nullptr)) < 0)
      return Status::Unsupported("cannot decode '" + path + "': " + AvError(error));
    LCODEC_RETURN_IF_ERROR(CheckShape(path, decoder_->sample_rate, decoder_->ch_layout.nb_channels));
    info_ = {decoder_->sample_rate, decoder_->ch_layout.nb_channels, 16, -1};
    const AVSampleFormat packed = av_get_packed_sample_fmt(decoder_->sample_fmt);
    if (packed == AV_SAMPLE_FMT_S32 || packed == AV_SAMPLE_FMT_FLT || packed == AV_SAMPLE_FMT_DBL) info_.bit_depth = 32;
    if (decoder_->bits_per_raw_sample == 24 || decoder_->bits_per_raw_sample == 8)
      info_.bit_depth = decoder_->bits_per_raw_sample;
    if (stream->duration > 0)
      info_.frames = av_rescale_q(stream->duration, stream->time_base, AVRational{1, info_.sample_rate});
    else if (format_->duration > 0)
      info_.frames = av_rescale_q(format_->duration, AV_TIME_BASE_Q, AVRational{1, info_.sample_rate});
    if (swr_alloc_set_opts2(&swr_, &decoder_->ch_layout, AV_SAMPLE_FMT_FLT, info_.sample_rate, &decoder_->ch_layout,
                            decoder_->sample_fmt, decoder_->sample_rate, 0, nullptr) < 0 ||
        swr_init(swr_) < 0)
      return Status::Unsupported("cannot convert the samples of '" + path + "' to floats");
    packet_ = av_packet_alloc();
    frame_ = av_frame_alloc();
    if (!packet_ || !frame_) return Status::ResourceLimit("out of memory opening '" + path + "'");
    path_ = path;
    return Status::Ok();
  }

  const AudioFileInfo& info() const { return info_; }

  Status Read(int64_t max_frames, Audio* chunk, bool* at_end) {
    chunk->sample_rate = info_.sample_rate;
    chunk->channels = info_.channels;
    chunk->bit_depth = info_.bit_depth;
    chunk->samples.clear();
    *at_end = false;
    if (max_frames < 1) return Status::InvalidArgument("AudioFileReader::Read needs max_frames >= 1");
    return sndfile_ ? ReadSndfile(max_frames, chunk, at_end) : ReadFfmpeg(max_frames, chunk, at_end);
  }

 private:
  Status ReadSndfile(int64_t max_frames, Audio* chunk, bool* at_end) {
    const int channels = info_.channels;
    chunk->samples.resize(static_cast<size_t>(max_frames) * channels);
    sf_count_t got;
    if (integer_pcm_) {
      // Integers scaled to 32 bits, divided exactly: a 16- or 24-bit sample k
      // reads as k / 2^(bits-1), which WriteAudio stores back as k.
      scratch_.resize(chunk->samples.size());
      got = sf_readf_int(sndfile_, scratch_.data(), max_frames);
      for (sf_count_t i = 0; i < got * channels; ++i) chunk->samples[i] = static_cast<float>(scratch_[i] / 2147483648.0);
    } else {
      got = sf_readf_float(sndfile_, chunk->samples.data(), max_frames);
    }
    if (got < 0 || sf_error(sndfile_) != SF_ERR_NO_ERROR)
      return Status::Corrupt("cannot read '" + path_ + "': " + sf_strerror(sndfile_));
    chunk->samples.resize(static_cast<size_t>(got) * channels);
    read_ += got;
    if (got < max_frames) {
      *at_end = true;
      if (info_.frames >= 0 && read_ < info_.frames)
        return Status::Corrupt("'" + path_ + "' is truncated: it holds " + std::to_string(read_) + " of " +
                               std::to_string(info_.frames) + " frames");
    }
    return Status::Ok();
  }

  // Decodes until `max_frames` are buffered or the stream ends.
  Status ReadFfmpeg(int64_t max_frames, Audio* chunk, bool* at_end) {
    const size_t want = static_cast<size_t>(max_frames) * info_.channels;
    while (pending_.size() < want && !drained_) LCODEC_RETURN_IF_ERROR(DecodeSome());
    const size_t take = std::min(want, pending_.size());
    chunk->samples.assign(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(take));
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(take));
    *at_end = drained_ && pending_.empty();
    return Status::Ok();
  }

  Status DecodeSome() {
    int error = avcodec_receive_frame(decoder_, frame_);
    if (error == 0) return Convert();
    if (error == AVERROR_EOF) {
      drained_ = true;
      return Status::Ok();
    }
    if (error != AVERROR(EAGAIN)) return Status::Corrupt("'" + path_ + "' is damaged: " + AvError(error));
    if (flushed_) return Status::Corrupt("'" + path_ + "': the decoder stopped early");
    error = av_read_frame(format_, packet_);
    if (error == AVERROR_EOF) {
      flushed_ = true;
      avcodec_send_packet(decoder_, nullptr);
      return Status::Ok();
    }
    if (error < 0) return Status::Corrupt("cannot read '" + path_ + "': " + AvError(error));
    if (packet_->stream_index == stream_) {
      error = avcodec_send_packet(decoder_, packet_);
      // A damaged packet in a lossy stream is skipped, as players do; the
      // caller notices the loss only through the length.
      if (error < 0 && error != AVERROR_INVALIDDATA)
        return Status::Corrupt("'" + path_ + "' is damaged: " + AvError(error));
    }
    av_packet_unref(packet_);
    return Status::Ok();
  }

  Status Convert() {
    if (frame_->ch_layout.nb_channels != info_.channels || frame_->sample_rate != info_.sample_rate ||
        frame_->format != decoder_->sample_fmt) {
      av_frame_unref(frame_);
      return Status::Unsupported("'" + path_ + "' changes its channels, sample rate or format midway");
    }
    const size_t old = pending_.size();
    pending_.resize(old + static_cast<size_t>(frame_->nb_samples) * info_.channels);
    uint8_t* out = reinterpret_cast<uint8_t*>(pending_.data() + old);
    const int got = swr_convert(swr_, &out, frame_->nb_samples, const_cast<const uint8_t**>(frame_->extended_data),
                                frame_->nb_samples);
    av_frame_unref(frame_);
    if (got < 0) return Status::Corrupt("cannot convert the samples of '" + path_ + "'");
    pending_.resize(old + static_cast<size_t>(got) * info_.channels);
    return Status::Ok();
  }

  AudioFileInfo info_;
  std::string path_;
  // libsndfile
  SNDFILE* sndfile_ = nullptr;
  bool integer_pcm_ = false;
  int64_t read_ = 0;
  std::vector<int> scratch_;
  // FFmpeg
  AVFormatContext* format_ = nullptr;
  AVCodecContext* decoder_ = nullptr;
  SwrContext* swr_ = nullptr;
  AVPacket* packet_ = nullptr;
  AVFrame* frame_ = nullptr;
  int stream_ = -1;
  bool flushed_ = false, drained_ = false;
  std::vector<float> pending_;  // decoded, not yet returned; at most one frame beyond a chunk
};

AudioFileReader::AudioFileReader() = default;
AudioFileReader::~AudioFileReader() = default;

Status AudioFileReader::Open(const std::string& path) {
  impl_.reset();
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return Status::IOError("'" + path + "': No such file");
  if (std::filesystem::is_directory(path, error)) return Status::InvalidArgument("'" + path + "' is a folder, not an audio file");
  auto impl = std::make_unique<Impl>();
  bool recognised = false;
  if (IsSndfileExtension(ExtensionOf(path))) {
    // Anything libsndfile does not recognise (an Opus stream in .ogg, a
    // compressed WAV...) is FFmpeg's turn.
    const Status status = impl->OpenSndfile(path, &recognised);
    if (!status.ok()) return status;
  }
  if (!recognised) {
    impl = std::make_unique<Impl>();
    LCODEC_RETURN_IF_ERROR(impl->OpenFfmpeg(path));
  }
  impl_ = std::move(impl);
  return Status::Ok();
}

const AudioFileInfo& AudioFileReader::info() const {
  static const AudioFileInfo kNone;
  return impl_ ? impl_->info() : kNone;
}

Status AudioFileReader::Read(int64_t max_frames, Audio* chunk, bool* at_end) {
  if (!impl_) return Status::InvalidArgument("AudioFileReader::Read before a successful Open");
  return impl_->Read(max_frames, chunk, at_end);
}

class AudioFileWriter::Impl {
 public:
  ~Impl() {
    if (sndfile_) sf_close(sndfile_);
  }

  Status Open(const std::string& path, int sample_rate, int channels, int bit_depth, bool overwrite) {
    const std::string extension = ExtensionOf(path);
    SF_INFO info = {};
    info.samplerate = sample_rate;
    info.channels = channels;
    const Status bad_depth = Status::InvalidArgument("'" + path + "': " + extension + " files store " +
                                                     (extension == ".flac" ? "8, 16 or 24" : "8, 16, 24 or 32 (float)") +
                                                     " bits per sample, not " + std::to_string(bit_depth));
    if (extension == ".wav") {
      info.format = SF_FORMAT_WAV;
      if (bit_depth == 8) info.format |= SF_FORMAT_PCM_U8;
      else if (bit_depth == 16) info.format |= SF_FORMAT_PCM_16;
      else if (bit_depth == 24) info.format |= SF_FORMAT_PCM_24;
      else if (bit_depth == 32) info.format |= SF_FORMAT_FLOAT;
      else return bad_depth;
    } else if (extension == ".flac") {
      info.format = SF_FORMAT_FLAC;
      if (bit_depth == 8) info.format |= SF_FORMAT_PCM_S8;
      else if (bit_depth == 16) info.format |= SF_FORMAT_PCM_16;
      else if (bit_depth == 24) info.format |= SF_FORMAT_PCM_24;
      else return bad_depth;
    } else if (extension == ".ogg") {
      info.format = SF_FORMAT_OGG | SF_FORMAT_VORBIS;
    } else {
      return Status::InvalidArgument("cannot write '" + path + "': audio is written as .wav, .flac or .ogg");
    }
    if (channels < 1 || channels > kMaxChannels || sample_rate < 1 || sample_rate > kMaxSampleRate)
      return Status::InvalidArgument("cannot write '" + path + "': " + std::to_string(channels) + " channels at " +
                                     std::to_string(sample_rate) + " Hz is out of range");
    if (!sf_format_check(&info))
      return Status::Unsupported("cannot write '" + path + "': " + extension + " cannot hold " +
                                 std::to_string(channels) + " channels at " + std::to_string(sample_rate) + " Hz");
    LCODEC_RETURN_IF_ERROR(out_.Create(path, overwrite));
    // libsndfile writes through our descriptor and leaves closing it to the
    // AtomicOutputFile, which then syncs and renames.
    sndfile_ = sf_open_fd(fileno(out_.file()), SFM_WRITE, &info, SF_FALSE);
    if (!sndfile_) return Status::IOError("cannot write '" + path + "': " + sf_strerror(nullptr));
    integer_bits_ = (info.format & SF_FORMAT_SUBMASK) == SF_FORMAT_FLOAT || extension == ".ogg" ? 0 : bit_depth;
    clip_ = integer_bits_ > 0 || extension == ".ogg";
    channels_ = channels;
    path_ = path;
    return Status::Ok();
  }

  Status Write(const float* interleaved, int64_t frames) {
    const size_t n = static_cast<size_t>(frames) * channels_;
    sf_count_t wrote;
    if (integer_bits_ > 0) {
      // Rounded to the file's bits here, then placed in the top bits of an
      // int: libsndfile's own float conversion scales by 2^(bits-1) - 1,
      // which would not give back the samples ReadAudio returns.
      const double scale = std::ldexp(1.0, integer_bits_ - 1);
      const int shift = 32 - integer_bits_;
      scratch_int_.resize(n);
      for (size_t i = 0; i < n; ++i) {
        const double v = std::lround(std::clamp(static_cast<double>(interleaved[i]), -1.0, 1.0) * scale);
        scratch_int_[i] = static_cast<int>(std::min(v, scale - 1)) * (1 << shift);
      }
      wrote = sf_writef_int(sndfile_, scratch_int_.data(), frames);
    } else if (clip_) {
      scratch_float_.resize(n);
      for (size_t i = 0; i < n; ++i) scratch_float_[i] = std::clamp(interleaved[i], -1.0f, 1.0f);
      wrote = sf_writef_float(sndfile_, scratch_float_.data(), frames);
    } else {
      wrote = sf_writef_float(sndfile_, interleaved, frames);
    }
    if (wrote != frames) return Status::IOError("cannot write '" + path_ + "': " + sf_strerror(sndfile_));
    return Status::Ok();
  }

  Status Finish() {
    sf_write_sync(sndfile_);
    const int error = sf_close(sndfile_);
    sndfile_ = nullptr;
    if (error != 0) return Status::IOError("cannot write '" + path_ + "': " + sf_error_number(error));
    return out_.Commit();
  }

 private:
  AtomicOutputFile out_;
  SNDFILE* sndfile_ = nullptr;
  std::string path_;
  int channels_ = 0;
  int integer_bits_ = 0;  // 0: floats
  bool clip_ = false;
  std::vector<int> scratch_int_;
  std::vector<float> scratch_float_;
};

AudioFileWriter::AudioFileWriter() = default;
AudioFileWriter::~AudioFileWriter() = default;

Status AudioFileWriter::Open(const std::string& path, int sample_rate, int channels, int bit_depth, bool overwrite) {
  impl_ = std::make_unique<Impl>();
  const Status status = impl_->Open(path, sample_rate, channels, bit_depth, overwrite);
  if (!status.ok()) impl_.reset();
  return status;
}

Status AudioFileWriter::Write(const float* interleaved, int64_t frames) {
  if (!impl_) return Status::InvalidArgument("AudioFileWriter::Write before a successful Open");
  if (frames < 0) return Status::InvalidArgument("AudioFileWriter::Write needs frames >= 0");
  const Status status = impl_->Write(interleaved, frames);
  if (!status.ok()) impl_.reset();  // removes the partial file
  return status;
}

Status AudioFileWriter::Finish() {
  if (!impl_) return Status::InvalidArgument("AudioFileWriter::Finish before a successful Open");
  const Status status = impl_->Finish();
  impl_.reset();
  return status;
}

Status ReadAudio(const std::string& path, Audio* out) {
  AudioFileReader reader;
  LCODEC_RETURN_IF_ERROR(reader.Open(path));
  const AudioFileInfo& info = reader.info();
  *out = Audio{info.sample_rate, info.channels, info.bit_depth, {}};
  if (info.frames > 0) out->samples.reserve(static_cast<size_t>(std::min<int64_t>(info.frames, int64_t{1} << 26)) * info.channels);
  Audio chunk;
  for (bool at_end = false; !at_end;) {
    LCODEC_RETURN_IF_ERROR(reader.Read(int64_t{1} << 16, &chunk, &at_end));
    out->samples.insert(out->samples.end(), chunk.samples.begin(), chunk.samples.end());
  }
  if (out->samples.empty()) return Status::Corrupt("'" + path + "' holds no audio samples");
  return Status::Ok();
}

Status WriteAudio(const std::string& path, const Audio& audio, bool overwrite) {
  AudioFileWriter writer;
  LCODEC_RETURN_IF_ERROR(writer.Open(path, audio.sample_rate, audio.channels, audio.bit_depth, overwrite));
  LCODEC_RETURN_IF_ERROR(writer.Write(audio.samples.data(), audio.frames()));
  return writer.Finish();
}

}  // namespace lcodec::apps
