#include "runtime/audio_layout.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "bitstream/byte_io.h"

namespace lcodec::runtime {

Status CheckAudioFormat(int channels, int64_t rate) {
  if (channels < 1 || channels > kMaxAudioChannels)
    return Status::Unsupported(std::to_string(channels) + "-channel audio is not supported (1..64 channels)");
  if (rate < kMinAudioRate || rate > kMaxAudioRate)
    return Status::Unsupported("a sample rate of " + std::to_string(rate) + " Hz is not supported (1000..768000)");
  return Status::Ok();
}

int64_t ModelRateLength(uint64_t frames, int rate, int model_rate) {
  // 128 bits: a crafted frame count times a rate overflows 64.
  const unsigned __int128 scaled = static_cast<unsigned __int128>(frames) * static_cast<unsigned>(model_rate);
  const unsigned __int128 length = (scaled + static_cast<unsigned>(rate) - 1) / static_cast<unsigned>(rate);
  return static_cast<int64_t>(std::min<unsigned __int128>(length, INT64_MAX / 2));
}

int64_t ChunkSamples(const AudioModel& model, double seconds) {
  const int64_t wanted = static_cast<int64_t>(std::ceil(std::clamp(seconds, 0.0, 3600.0) * model.sample_rate()));
  const int64_t at_least = std::max<int64_t>({wanted, model.analysis_margin(), model.synthesis_margin(), 1});
  return std::min(RoundUp(at_least, model.downsampling()), kMaxChunkSamples / model.downsampling() *
                                                               model.downsampling());
}

void ToCodedChannels(const float* interleaved, int64_t frames, int channels, PlanarAudio* out) {
  out->resize(static_cast<size_t>(channels));
  for (int c = 0; c < channels; ++c) (*out)[c].reserve((*out)[c].size() + static_cast<size_t>(frames));
  for (int64_t i = 0; i < frames; ++i) {
    const float* frame = interleaved + i * channels;
    if (channels == 2) {
      (*out)[0].push_back(0.5f * (frame[0] + frame[1]));
      (*out)[1].push_back(0.5f * (frame[0] - frame[1]));
    } else {
      for (int c = 0; c < channels; ++c) (*out)[c].push_back(frame[c]);
    }
  }
}

void FromCodedChannels(const PlanarAudio& coded, int64_t offset, int64_t frames, std::vector<float>* interleaved) {
  const size_t channels = coded.size();
  interleaved->reserve(interleaved->size() + static_cast<size_t>(frames) * channels);
  for (int64_t i = offset; i < offset + frames; ++i) {
    if (channels == 2) {
      interleaved->push_back(coded[0][i] + coded[1][i]);
      interleaved->push_back(coded[0][i] - coded[1][i]);
    } else {
      for (size_t c = 0; c < channels; ++c) interleaved->push_back(coded[c][i]);
    }
  }
}

void WriteAudioChunkBody(int64_t samples, const std::vector<uint8_t>& z, const std::vector<uint8_t>& y,
                         std::vector<uint8_t>* body) {
  body->clear();
  bitstream::ByteWriter writer(body);
  const uint32_t samples32 = static_cast<uint32_t>(samples), z_size = static_cast<uint32_t>(z.size());
  writer.Field(&samples32);
  writer.Field(&z_size);
  writer.Bytes(z.data(), z.size());
  writer.Bytes(y.data(), y.size());
}

Status ParseAudioChunkBody(const std::vector<uint8_t>& body, AudioChunkBody* out) {
  bitstream::ByteReader reader(body.data(), body.size());
  uint32_t samples = 0, z_size = 0;
  reader.Field(&samples);
  reader.Field(&z_size);
  if (!reader.ok() || z_size > reader.remaining()) return Status::Corrupt("audio chunk section is truncated");
  out->samples = samples;
  out->z = body.data() + 8;
  out->z_size = z_size;
  out->y = out->z + z_size;
  out->y_size = reader.remaining() - z_size;
  return Status::Ok();
}

}  // namespace lcodec::runtime
