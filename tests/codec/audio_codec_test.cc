// The audio codec end to end, on the tiny untrained audio models exported by
// models/make_test_model.py: the decoder must output what the model
// reconstructs, chunk borders must not show, formats must survive, and bad
// streams must give errors.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <random>
#include <string>

#include "../bitstream/test_util.h"
#include "decoder/audio_decoder.h"
#include "encoder/audio_encoder.h"
#include "runtime/audio_layout.h"
#include "runtime/audio_transforms.h"
#include "runtime/image_model.h"
#include "runtime/resampler.h"

namespace lcodec {
namespace {

using torch::indexing::Slice;

const std::string kModels = LCODEC_TEST_MODELS;
const std::string kModel = kModels + "/audio-tiny.lcm";
const std::string kOtherModel = kModels + "/audio-tiny-other.lcm";

// Tones, a chirp and noise, different per channel: something like music.
Audio TestAudio(int rate, int channels, int64_t frames, unsigned seed) {
  Audio audio;
  audio.sample_rate = rate;
  audio.channels = channels;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> noise(-0.05f, 0.05f);
  for (int64_t i = 0; i < frames; ++i) {
    const double t = static_cast<double>(i) / rate;
    for (int c = 0; c < channels; ++c)
      audio.samples.push_back(static_cast<float>(0.3 * std::sin(2 * M_PI * (220 + 110 * c) * t) +
                                                 0.2 * std::sin(2 * M_PI * (500 + 2000 * t) * t)) +
                              noise(rng));
  }
  return audio;
}

class AudioCodecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    torch::set_num_threads(1);
    const Status status = runtime::AudioModel::Load(kModel, &model_);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }

  std::vector<uint8_t> Encode(const Audio& audio, double quality = 4, int threads = 1, double chunk_seconds = 4) {
    encoder::AudioEncodeOptions options;
    options.quality = quality;
    options.threads = threads;
    options.chunk_seconds = chunk_seconds;
    std::vector<uint8_t> stream;
    const Status status = encoder::EncodeAudio(model_, audio, options, &stream);
    EXPECT_TRUE(status.ok()) << status.ToString();
    return stream;
  }

  Status Decode(const std::vector<uint8_t>& stream, Audio* out, int threads = 1,
                const bitstream::ParseLimits& limits = {}) {
    decoder::AudioDecodeOptions options;
    options.threads = threads;
    options.limits = limits;
    return decoder::DecodeAudio(model_, stream.data(), stream.size(), options, out);
  }

  // x (1, 1, T) at the model rate, padded as the codec pads it.
  torch::Tensor Padded(const Audio& mono) {
    const int64_t padded = runtime::PaddedLength(model_, mono.frames());
    torch::Tensor x = torch::zeros({1, 1, padded});
    std::copy(mono.samples.begin(), mono.samples.end(), x.data_ptr<float>());
    return x;
  }

  // What the model reconstructs from y when each `chunk` latents have their
  // own hyper-latent, with whole-signal analysis and synthesis.
  torch::Tensor Reconstruct(const torch::Tensor& x, double quality, int64_t chunk) {
    torch::NoGradGuard no_grad;
    const torch::Tensor y = model_.Analysis(x, quality);
    std::vector<runtime::AudioLatent> parts;
    for (int64_t start = 0; start < y.size(2); start += chunk) {
      const torch::Tensor part = y.index({Slice(), Slice(), Slice(start, start + chunk)});
      torch::Tensor means, indexes;
      model_.HyperSynthesis(model_.HyperAnalysis(part).round(), &means, &indexes);
      const torch::Tensor symbols = (part - means).round();
      parts.push_back({symbols + means, symbols.to(torch::kInt32), indexes.to(torch::kInt32)});
    }
    return model_.Synthesis(runtime::JoinLatents(parts), quality, 0).clamp(-1, 1);
  }

  // y_hat read as decoded symbols (means 0, many zeros) with scale indexes
  // in a pattern that covers the table, so the decoder's noise fill acts.
  static runtime::AudioLatent AsDecoded(const torch::Tensor& y_hat) {
    const torch::Tensor indexes = (y_hat.abs() * 7 + 3).remainder(64).to(torch::kInt32);
    return {y_hat, y_hat.to(torch::kInt32), indexes};
  }

  runtime::AudioModel model_;
};

size_t CountChunks(const std::vector<uint8_t>& stream) {
  bitstream::StreamHeader header;
  std::vector<bitstream::Section> sections;
  EXPECT_TRUE(bitstream::ParseContainer(stream.data(), stream.size(), {}, &header, &sections).ok());
  size_t chunks = 0;
  for (const bitstream::Section& section : sections) chunks += section.tag == runtime::kAudioChunkTag;
  return chunks;
}

TEST_F(AudioCodecTest, ModelHasTheInterfaceAttributes) {
  EXPECT_EQ(model_.name(), "test-tiny-audio");
  EXPECT_EQ(model_.sample_rate(), 48000);
  EXPECT_EQ(model_.downsampling() % model_.latent_stride(), 0);
  EXPECT_GT(model_.analysis_margin(), 0);
  EXPECT_GT(model_.synthesis_margin(), 0);
}

// One chunk: the decoder must give exactly the model's own round trip.
TEST_F(AudioCodecTest, DecodesExactlyWhatTheModelReconstructs) {
  for (int64_t frames : {int64_t{1}, int64_t{777}, int64_t{10000}}) {
    const Audio audio = TestAudio(model_.sample_rate(), 1, frames, static_cast<unsigned>(frames));
    Audio decoded;
    ASSERT_TRUE(Decode(Encode(audio, 3.5), &decoded).ok());
    ASSERT_EQ(decoded.frames(), frames);
    const torch::Tensor x = Padded(audio);
    const torch::Tensor expected = Reconstruct(x, 3.5, x.size(2) / model_.latent_stride());
    for (int64_t i = 0; i < frames; ++i)
      ASSERT_EQ(decoded.samples[i], expected.data_ptr<float>()[i]) << "frames " << frames << ", sample " << i;
  }
}

// Many chunks, each with its own hyper-latent: the output must match one
// pass of analysis and synthesis over the whole signal, i.e. no seams.
TEST_F(AudioCodecTest, ChunkedCodingHasNoSeams) {
  const Audio audio = TestAudio(model_.sample_rate(), 1, model_.sample_rate(), 3);  // 1 s
  const double chunk_seconds = 0.1;
  const int64_t chunk = runtime::ChunkSamples(model_, chunk_seconds);
  const std::vector<uint8_t> stream = Encode(audio, 5, 1, chunk_seconds);
  const torch::Tensor x = Padded(audio);
  EXPECT_EQ(CountChunks(stream), static_cast<size_t>((x.size(2) + chunk - 1) / chunk));
  EXPECT_GE(CountChunks(stream), 5u);
  Audio decoded;
  ASSERT_TRUE(Decode(stream, &decoded).ok());
  const torch::Tensor expected = Reconstruct(x, 5, chunk / model_.latent_stride());
  double max_difference = 0, peak = 0;
  for (int64_t i = 0; i < audio.frames(); ++i) {
    max_difference = std::max(max_difference, std::abs(double(decoded.samples[i]) - expected.data_ptr<float>()[i]));
    peak = std::max(peak, std::abs(double(expected.data_ptr<float>()[i])));
  }
  EXPECT_GT(peak, 1e-3);
  EXPECT_LT(max_difference, 1e-4 * std::max(peak, 1.0));
}

// The chunk transforms with the model's margins equal whole-signal ones;
// without margins they do not (so the test above can fail).
TEST_F(AudioCodecTest, ChunkedTransformsNeedTheirMargins) {
  torch::NoGradGuard no_grad;
  const torch::Tensor x = Padded(TestAudio(model_.sample_rate(), 1, 20 * model_.downsampling(), 5));
  const int64_t total = x.size(2), chunk = 4 * model_.downsampling(), stride = model_.latent_stride();
  const torch::Tensor y_whole = model_.Analysis(x, 4);
  const runtime::AudioLatent decoded = AsDecoded(y_whole.round());
  ASSERT_TRUE((decoded.symbols == 0).any().item<bool>());
  const torch::Tensor x_whole = model_.Synthesis(decoded, 4, 0);
  for (const bool with_margins : {true, false}) {
    const int64_t analysis_margin = with_margins ? model_.analysis_margin() : 0;
    const int64_t synthesis_margin = with_margins ? model_.synthesis_margin() / stride : 0;
    std::vector<torch::Tensor> y_parts, x_parts;
    for (int64_t start = 0; start < total; start += chunk) {
      const int64_t from = std::max<int64_t>(0, start - analysis_margin);
      const int64_t to = std::min(total, start + chunk + analysis_margin);
      y_parts.push_back(runtime::AnalyzeChunk(model_, x.index({Slice(), Slice(), Slice(from, to)}), start - from,
                                              chunk, 4));
      const int64_t latent = start / stride, latents = chunk / stride;
      const int64_t lfrom = std::max<int64_t>(0, latent - synthesis_margin);
      const int64_t lto = std::min(y_whole.size(2), latent + latents + synthesis_margin);
      x_parts.push_back(runtime::SynthesizeChunk(model_, runtime::SliceLatent(decoded, lfrom, lto), lfrom,
                                                 latent - lfrom, latents, 4));
    }
    const double y_error = (torch::cat(y_parts, 2) - y_whole).abs().max().item<double>();
    const double x_error = (torch::cat(x_parts, 2) - x_whole).abs().max().item<double>();
    const double y_scale = y_whole.abs().max().item<double>(), x_scale = x_whole.abs().max().item<double>();
    if (with_margins) {
      EXPECT_LT(y_error, 1e-4 * y_scale);
      EXPECT_LT(x_error, 1e-4 * x_scale);
    } else {
      EXPECT_GT(y_error, 1e-3 * y_scale);
      EXPECT_GT(x_error, 1e-3 * x_scale);
    }
  }
}

// The synthesis' noise fill depends on where the latents sit in the signal
// (so chunks line up, as above), and only on that.
TEST_F(AudioCodecTest, SynthesisNoiseIsAFunctionOfPosition) {
  torch::NoGradGuard no_grad;
  const runtime::AudioLatent y = AsDecoded(
      model_.Analysis(Padded(TestAudio(model_.sample_rate(), 1, 4 * model_.downsampling(), 3)), 4).round());
  const torch::Tensor at_zero = model_.Synthesis(y, 4, 0);
  EXPECT_TRUE(torch::equal(at_zero, model_.Synthesis(y, 4, 0)));
  const double difference = (model_.Synthesis(y, 4, 8) - at_zero).abs().max().item<double>();
  EXPECT_GT(difference, 1e-4 * at_zero.abs().max().item<double>());
}

TEST_F(AudioCodecTest, OutputDoesNotDependOnThreadCounts) {
  const Audio audio = TestAudio(44100, 2, 30000, 7);
  const std::vector<uint8_t> one = Encode(audio, 6, 1, 0.2);
  torch::set_num_threads(2);
  EXPECT_EQ(one, Encode(audio, 6, 2, 0.2));
  std::vector<Audio> decoded(3);
  const int threads[] = {1, 2, 4};
  for (int i = 0; i < 3; ++i) {
    torch::set_num_threads(threads[i]);
    ASSERT_TRUE(Decode(one, &decoded[i], threads[i]).ok());
  }
  EXPECT_TRUE(decoded[0].samples == decoded[1].samples);
  EXPECT_TRUE(decoded[0].samples == decoded[2].samples);
}

// Any rate and channel count in, the same out, with the exact length.
TEST_F(AudioCodecTest, KeepsRateChannelsAndLength) {
  struct Case {
    int rate, channels, bit_depth;
    int64_t frames;
  };
  for (const Case& c : {Case{8000, 1, 16, 1}, Case{22050, 2, 24, 12345}, Case{44100, 3, 16, 5000},
                        Case{96000, 2, 32, 7001}, Case{48000, 6, 8, 3000}, Case{16000, 1, 16, 2047}}) {
    Audio audio = TestAudio(c.rate, c.channels, c.frames, static_cast<unsigned>(c.rate));
    audio.bit_depth = c.bit_depth;
    Audio decoded;
    ASSERT_TRUE(Decode(Encode(audio), &decoded).ok()) << c.rate << " Hz";
    EXPECT_EQ(decoded.sample_rate, c.rate);
    EXPECT_EQ(decoded.channels, c.channels);
    EXPECT_EQ(decoded.bit_depth, c.bit_depth);
    EXPECT_EQ(decoded.frames(), c.frames);
    for (float s : decoded.samples) ASSERT_TRUE(s >= -1 && s <= 1);
  }
}

// Writing the input in odd pieces gives the same stream as all at once.
TEST_F(AudioCodecTest, StreamingEncodeMatchesWholeBuffer) {
  for (const int rate : {48000, 44100}) {
    const Audio audio = TestAudio(rate, 2, 40000, 11);
    encoder::AudioEncodeOptions options;
    options.chunk_seconds = 0.2;
    const std::vector<uint8_t> whole = Encode(audio, 4, 1, options.chunk_seconds);
    encoder::AudioEncoder encoder;
    bitstream::StreamHeader header;
    ASSERT_TRUE(encoder.Start(&model_, rate, 2, 16, options, &header).ok());
    std::vector<bitstream::Section> sections;
    for (int64_t done = 0; done < audio.frames();) {
      const int64_t piece = std::min<int64_t>(audio.frames() - done, 1 + done % 7919);
      ASSERT_TRUE(encoder.Write(audio.samples.data() + done * 2, piece, &sections).ok());
      done += piece;
    }
    ASSERT_TRUE(encoder.Finish(&sections, &header).ok());
    std::vector<uint8_t> streamed;
    ASSERT_TRUE(bitstream::SerializeContainer(header, sections, &streamed).ok());
    EXPECT_EQ(whole, streamed) << rate << " Hz";
  }
}

TEST_F(AudioCodecTest, StreamingDecodeHoldsFewChunksAndReportsProgress) {
  const Audio audio = TestAudio(48000, 1, 48000, 13);
  const std::vector<uint8_t> stream = Encode(audio, 4, 1, 0.1);
  bitstream::ContainerReader reader;
  ASSERT_TRUE(reader.OpenMemory(stream.data(), stream.size(), {}).ok());
  decoder::AudioDecoder decoder;
  decoder::AudioDecodeOptions options;
  int64_t last_done = 0, last_total = 0;
  options.progress = [&](int64_t done, int64_t total) { last_done = done, last_total = total; };
  ASSERT_TRUE(decoder.Start(&model_, reader.header(), options).ok());
  Audio ready, whole;
  int64_t sections = 0, ready_after_second = -1;
  for (bool at_end = false;;) {
    bitstream::Section section;
    ASSERT_TRUE(reader.Next(&section, &at_end).ok());
    if (at_end) break;
    ASSERT_TRUE(decoder.Add(section, &ready).ok());
    if (++sections == 2) ready_after_second = ready.frames();
    whole.samples.insert(whole.samples.end(), ready.samples.begin(), ready.samples.end());
  }
  ASSERT_TRUE(decoder.Finish(&ready).ok());
  whole.samples.insert(whole.samples.end(), ready.samples.begin(), ready.samples.end());
  // The first chunk comes out as soon as the second (its right margin) is in.
  EXPECT_EQ(ready_after_second, runtime::ChunkSamples(model_, 0.1));
  EXPECT_EQ(last_done, 48000);
  EXPECT_EQ(last_total, 48000);
  Audio at_once;
  ASSERT_TRUE(Decode(stream, &at_once).ok());
  EXPECT_TRUE(whole.samples == at_once.samples);
}

TEST_F(AudioCodecTest, RefusesBadInput) {
  std::vector<uint8_t> stream;
  encoder::AudioEncodeOptions options;
  EXPECT_EQ(encoder::EncodeAudio(model_, TestAudio(48000, 1, 0, 1), options, &stream).code(),
            Status::Code::kInvalidArgument);  // no samples
  EXPECT_EQ(encoder::EncodeAudio(model_, TestAudio(48000, 65, 10, 1), options, &stream).code(),
            Status::Code::kUnsupported);
  EXPECT_EQ(encoder::EncodeAudio(model_, TestAudio(500, 1, 10, 1), options, &stream).code(),
            Status::Code::kUnsupported);
  options.quality = 100;
  const Status status = encoder::EncodeAudio(model_, TestAudio(48000, 1, 10, 1), options, &stream);
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(status.message().find("quality"), std::string::npos);
}

TEST_F(AudioCodecTest, WrongModelsAreRefusedClearly) {
  const std::vector<uint8_t> stream = Encode(TestAudio(48000, 1, 3000, 3));
  runtime::AudioModel other;
  ASSERT_TRUE(runtime::AudioModel::Load(kOtherModel, &other).ok());
  Audio decoded;
  Status status = decoder::DecodeAudio(other, stream.data(), stream.size(), {}, &decoded);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("test-tiny-audio"), std::string::npos);
  EXPECT_NE(status.message().find("test-tiny-audio-other"), std::string::npos);
  // Models of the other kind of media are refused at load, naming the file.
  runtime::ImageModel image_model;
  status = runtime::ImageModel::Load(kModel, &image_model);
  EXPECT_EQ(status.message(), "'" + kModel + "' is an audio model; pass an image model with -m");
  runtime::AudioModel audio_model;
  status = runtime::AudioModel::Load(kModels + "/tiny.lcm", &audio_model);
  EXPECT_EQ(status.message(), "'" + kModels + "/tiny.lcm' is an image model; pass an audio model with -m");
}

TEST_F(AudioCodecTest, EveryTruncationAndBitFlipIsAnError) {
  // Two short chunks: every cut decodes up to where it is noticed.
  const std::vector<uint8_t> stream = Encode(TestAudio(48000, 1, 4000, 4), 8, 1, 0.05);
  ASSERT_EQ(CountChunks(stream), 2u);
  Audio decoded;
  for (size_t size = 0; size < stream.size(); ++size) {
    const std::vector<uint8_t> cut(stream.begin(), stream.begin() + size);
    EXPECT_FALSE(Decode(cut, &decoded).ok()) << "length " << size;
  }
  for (size_t bit = 6 * 8; bit < stream.size() * 8; bit += 13) {  // past the magic
    std::vector<uint8_t> flipped = stream;
    flipped[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    EXPECT_FALSE(Decode(flipped, &decoded).ok()) << "bit " << bit;
  }
}

// A valid header may claim any length: the limit refuses it before
// anything is allocated, and past the limit the decoder still allocates per
// chunk, so a huge claim only ends in "truncated".
TEST_F(AudioCodecTest, HugeSampleCountsAreRefusedOrCostNothing) {
  std::vector<uint8_t> stream = Encode(TestAudio(48000, 2, 3000, 5));
  const size_t frame_count = bitstream::testing::kHeadBodyOffset + 24;  // SPEC.md, HEAD
  bitstream::testing::PutLE(&stream, frame_count, uint64_t{1} << 62, 8);
  bitstream::testing::Reseal(&stream);
  Audio decoded;
  Status status = Decode(stream, &decoded);
  EXPECT_EQ(status.code(), Status::Code::kResourceLimit);
  EXPECT_NE(status.message().find("--max-audio-samples"), std::string::npos);
  bitstream::ParseLimits unlimited;
  unlimited.max_audio_samples = UINT64_MAX;
  status = Decode(stream, &decoded, 1, unlimited);
  EXPECT_EQ(status.code(), Status::Code::kCorrupt) << status.ToString();
}

// Chunk fields that disagree with the header are caught even with valid CRCs.
TEST_F(AudioCodecTest, InconsistentChunksAreCorrupt) {
  const std::vector<uint8_t> stream = Encode(TestAudio(48000, 1, 30000, 6), 4, 1, 0.1);
  const std::vector<bitstream::testing::SectionSpan> spans = bitstream::testing::LocateSections(stream);
  ASSERT_GE(spans.size(), 4u);  // HEAD, chunks..., END
  for (const uint64_t samples : {uint64_t{0}, uint64_t{1}, uint64_t{1} << 31, static_cast<uint64_t>(model_.downsampling())}) {
    std::vector<uint8_t> patched = stream;
    bitstream::testing::PutLE(&patched, spans[1].offset + 8, samples, 4);  // the first chunk's length
    bitstream::testing::Reseal(&patched);
    Audio decoded;
    const Status status = Decode(patched, &decoded);
    EXPECT_EQ(status.code(), Status::Code::kCorrupt) << samples << ": " << status.ToString();
  }
}

TEST(ResamplerTest, KeepsTimingAndRoundTrips) {
  const int in_rate = 44100, out_rate = 48000, frames = 44100;
  runtime::PlanarAudio sine(1), up, down;
  for (int i = 0; i < frames; ++i) sine[0].push_back(static_cast<float>(0.5 * std::sin(2 * M_PI * 1000.0 * i / in_rate)));
  runtime::Resampler forward, back;
  ASSERT_TRUE(forward.Open(1, in_rate, out_rate).ok());
  ASSERT_TRUE(forward.Process(sine, frames, &up).ok());
  ASSERT_TRUE(forward.Flush(&up).ok());
  EXPECT_NEAR(static_cast<double>(up[0].size()), 48000.0, 2.0);
  // Aligned: output sample k is the input at time k / out_rate (no delay).
  double error = 0;
  for (size_t k = 100; k + 100 < up[0].size(); ++k)
    error = std::max(error, std::abs(up[0][k] - 0.5 * std::sin(2 * M_PI * 1000.0 * k / out_rate)));
  EXPECT_LT(error, 0.01);
  ASSERT_TRUE(back.Open(1, out_rate, in_rate).ok());
  ASSERT_TRUE(back.Process(up, static_cast<int64_t>(up[0].size()), &down).ok());
  ASSERT_TRUE(back.Flush(&down).ok());
  ASSERT_GE(down[0].size(), static_cast<size_t>(frames - 2));
  error = 0;
  for (int k = 100; k + 100 < frames; ++k) error = std::max(error, double(std::abs(down[0][k] - sine[0][k])));
  EXPECT_LT(error, 0.01);
}

TEST(AudioLayoutTest, MidSideRoundTripsAndLengthsAreExact) {
  const std::vector<float> stereo = {0.5f, -0.25f, 1.0f, 1.0f, -1.0f, 0.75f};
  runtime::PlanarAudio coded;
  runtime::ToCodedChannels(stereo.data(), 3, 2, &coded);
  EXPECT_EQ(coded[0], (std::vector<float>{0.125f, 1.0f, -0.125f}));  // mid
  EXPECT_EQ(coded[1], (std::vector<float>{0.375f, 0.0f, -0.875f}));  // side
  std::vector<float> back;
  runtime::FromCodedChannels(coded, 0, 3, &back);
  EXPECT_EQ(back, stereo);
  EXPECT_EQ(runtime::ModelRateLength(1, 8000, 48000), 6);
  EXPECT_EQ(runtime::ModelRateLength(44100, 44100, 48000), 48000);
  EXPECT_EQ(runtime::ModelRateLength(1, 44100, 48000), 2);
  EXPECT_EQ(runtime::ModelRateLength(UINT64_MAX, 1000, 768000), INT64_MAX / 2);  // saturates, no overflow
}

}  // namespace
}  // namespace lcodec
