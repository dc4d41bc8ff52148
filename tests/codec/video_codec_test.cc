// The video codec end to end on the tiny exported models: every decoded frame
// must be exactly what the image codec gives for the same frame, the audio
// track exactly what the audio codec gives for the same samples, timestamps,
// start times and formats must survive, any thread count must give the same
// output, and damaged or crafted streams must fail with a clear Status.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <array>
#include <cmath>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include "apps/image_io.h"
#include "decoder/audio_decoder.h"
#include "decoder/image_decoder.h"
#include "decoder/video_decoder.h"
#include "encoder/audio_encoder.h"
#include "encoder/image_encoder.h"
#include "encoder/video_encoder.h"
#include "runtime/audio_layout.h"
#include "tests/bitstream/test_util.h"

namespace lcodec {
namespace {

const std::string kModel = std::string(LCODEC_TEST_MODELS) + "/tiny.lcm";
const std::string kAudioModel = std::string(LCODEC_TEST_MODELS) + "/audio-tiny.lcm";
const std::string kOtherAudioModel = std::string(LCODEC_TEST_MODELS) + "/audio-tiny-other.lcm";

// A moving gradient with noise: frames that differ, like a real clip.
Image Frame(int width, int height, int index) {
  Image image{width, height, 3, 8, {}};
  std::mt19937 rng(static_cast<unsigned>(index));
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      for (int c = 0; c < 3; ++c) {
        const double v = 0.5 + 0.4 * std::sin(0.1 * (x + 3 * index) + c) * std::cos(0.08 * y) + 0.05 * (rng() % 100) / 100.0;
        image.samples.push_back(static_cast<uint16_t>(std::lround(std::clamp(v, 0.0, 1.0) * 255)));
      }
  return image;
}

// A still background with a small square that moves `index` x 4 pixels:
// most of the frame repeats, as in a screen recording or a fixed camera.
Image Scene(int width, int height, int index) {
  Image image = Frame(width, height, 0);
  for (int y = 8; y < 24; ++y)
    for (int x = 4 * index; x < 4 * index + 16 && x < width; ++x)
      for (int c = 0; c < 3; ++c) image.samples[(y * width + x) * 3 + c] = static_cast<uint16_t>((x + y + c) % 2 * 255);
  return image;
}

double Psnr(const Image& a, const Image& b) {
  double squared = 0;
  for (size_t i = 0; i < a.samples.size(); ++i) squared += std::pow(double(a.samples[i]) - b.samples[i], 2);
  return 10 * std::log10(255.0 * 255.0 * a.samples.size() / std::max(squared, 1e-9));
}

runtime::VideoFormat Format(int width, int height) {
  runtime::VideoFormat format;
  format.width = static_cast<uint32_t>(width);
  format.height = static_cast<uint32_t>(height);
  format.frame_rate_num = 30000;
  format.frame_rate_den = 1001;
  format.time_base_num = 1;
  format.time_base_den = 90000;
  return format;
}

// Two tones and noise: a soundtrack whose chunks differ.
Audio Sound(int rate, int channels, int64_t frames) {
  Audio audio{rate, channels, 16, {}};
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> noise(-0.05f, 0.05f);
  for (int64_t i = 0; i < frames; ++i)
    for (int c = 0; c < channels; ++c)
      audio.samples.push_back(static_cast<float>(0.4 * std::sin(2 * M_PI * (300 + 200 * c) * i / rate)) + noise(rng));
  return audio;
}

struct Decoded {
  std::vector<Image> frames;
  std::vector<int64_t> pts;
  Audio audio;
};

class VideoCodecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    torch::set_num_threads(1);
    const Status status = runtime::ImageModel::Load(kModel, &model_);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }

  std::vector<uint8_t> Encode(const std::vector<Image>& frames, const std::vector<int64_t>& pts,
                              const runtime::VideoFormat& format, double quality = 4,
                              int keyframe_interval = encoder::VideoEncodeOptions().keyframe_interval) {
    encoder::VideoEncoder encoder(model_);
    encoder::VideoEncodeOptions options;
    options.quality = quality;
    options.keyframe_interval = keyframe_interval;
    std::vector<uint8_t> stream;
    EXPECT_TRUE(encoder.OpenMemory(&stream, format, options).ok());
    for (size_t i = 0; i < frames.size(); ++i) {
      const Status status = encoder.AddFrame(frames[i], pts[i]);
      EXPECT_TRUE(status.ok()) << status.ToString();
    }
    const Status status = encoder.Finish();
    EXPECT_TRUE(status.ok()) << status.ToString();
    EXPECT_EQ(encoder.frames(), frames.size());
    for (const runtime::FrameType type :
         {runtime::FrameType::kIntra, runtime::FrameType::kPredicted, runtime::FrameType::kRepeat})
      frame_types_[static_cast<size_t>(type)] = encoder.frames_of_type(type);
    return stream;
  }

  // With `audio_model`, the audio track is decoded into out->audio.
  Status Decode(const std::vector<uint8_t>& stream, Decoded* out, int threads = 1,
                bitstream::ParseLimits limits = {}, runtime::AudioModel* audio_model = nullptr) {
    decoder::VideoDecoder decoder(model_);
    decoder::VideoDecodeOptions options;
    options.threads = threads;
    options.limits = limits;
    LCODEC_RETURN_IF_ERROR(decoder.OpenMemory(stream.data(), stream.size(), options));
    format_ = decoder.format();
    track_ = decoder.audio_track();
    if (audio_model) LCODEC_RETURN_IF_ERROR(decoder.StartAudio(audio_model));
    for (;;) {
      Image frame;
      Audio audio;
      int64_t pts = 0;
      bool at_end = false;
      LCODEC_RETURN_IF_ERROR(decoder.Next(&frame, &pts, &at_end, &audio));
      out->audio.sample_rate = audio.sample_rate;
      out->audio.channels = audio.channels;
      out->audio.samples.insert(out->audio.samples.end(), audio.samples.begin(), audio.samples.end());
      if (at_end) return Status::Ok();
      out->frames.push_back(std::move(frame));
      out->pts.push_back(pts);
    }
  }

  // 10 frames at 10 fps (time base 1/1000, first frame at 0.2 s) with a
  // 44.1 kHz stereo track starting at `start` ticks, each frame preceded by
  // the samples that play before it, as lcodec encode interleaves them.
  std::vector<uint8_t> EncodeWithAudio(const std::vector<Image>& frames, const Audio& sound, int64_t start,
                                       runtime::AudioModel* audio_model) {
    runtime::VideoFormat format = Format(frames[0].width, frames[0].height);
    format.frame_rate_num = 10;
    format.frame_rate_den = 1;
    format.time_base_den = 1000;
    encoder::VideoEncodeOptions options;
    options.audio = AudioTrack(sound, start, audio_model);
    encoder::VideoEncoder encoder(model_);
    std::vector<uint8_t> stream;
    EXPECT_TRUE(encoder.OpenMemory(&stream, format, options).ok());
    int64_t sent = 0;
    for (size_t i = 0; i < frames.size(); ++i) {
      const int64_t pts = 200 + 100 * static_cast<int64_t>(i);
      const int64_t until = std::clamp<int64_t>((pts - start) * sound.sample_rate / 1000, sent, sound.frames());
      EXPECT_TRUE(encoder.AddAudio(sound.samples.data() + sent * sound.channels, until - sent).ok());
      sent = until;
      EXPECT_TRUE(encoder.AddFrame(frames[i], pts).ok());
    }
    EXPECT_TRUE(encoder.AddAudio(sound.samples.data() + sent * sound.channels, sound.frames() - sent).ok());
    const Status status = encoder.Finish();
    EXPECT_TRUE(status.ok()) << status.ToString();
    EXPECT_EQ(encoder.audio_frames(), static_cast<uint64_t>(sound.frames()));
    return stream;
  }

  // Short chunks, so that a few seconds of sound make several AUDC sections.
  static encoder::VideoAudioTrack AudioTrack(const Audio& sound, int64_t start, runtime::AudioModel* audio_model) {
    encoder::VideoAudioTrack track;
    track.model = audio_model;
    track.sample_rate = sound.sample_rate;
    track.channels = sound.channels;
    track.bit_depth = sound.bit_depth;
    track.start = start;
    track.options.quality = 5;
    track.options.chunk_seconds = 0.5;
    return track;
  }

  // What `lcodec encode` + `lcodec decode` of the sound as an audio file give.
  Audio AudioRoundTrip(const Audio& sound, runtime::AudioModel& audio_model) {
    std::vector<uint8_t> stream;
    EXPECT_TRUE(encoder::EncodeAudio(audio_model, sound, AudioTrack(sound, 0, &audio_model).options, &stream).ok());
    Audio decoded;
    EXPECT_TRUE(decoder::DecodeAudio(audio_model, stream.data(), stream.size(), {}, &decoded).ok());
    return decoded;
  }

  // What `lcodec encode` + `lcodec decode` of the frame as an image give.
  Image ImageRoundTrip(const Image& frame, double quality) {
    encoder::ImageEncodeOptions options;
    options.quality = quality;
    std::vector<uint8_t> stream;
    EXPECT_TRUE(encoder::EncodeImage(model_, frame, options, &stream).ok());
    Image decoded;
    EXPECT_TRUE(decoder::DecodeImage(model_, stream.data(), stream.size(), {}, &decoded).ok());
    return decoded;
  }

  // Re-serializes `stream` with its header changed by `edit` (CRCs stay valid).
  std::vector<uint8_t> WithHeader(const std::vector<uint8_t>& stream,
                                  const std::function<void(bitstream::StreamHeader*)>& edit) {
    bitstream::StreamHeader header;
    std::vector<bitstream::Section> sections;
    EXPECT_TRUE(bitstream::ParseContainer(stream.data(), stream.size(), {}, &header, &sections).ok());
    edit(&header);
    std::vector<uint8_t> out;
    EXPECT_TRUE(bitstream::SerializeContainer(header, sections, &out).ok());
    return out;
  }

  // Re-serializes `stream` with each FRAM body changed by `edit` (CRCs stay valid).
  std::vector<uint8_t> WithFrames(const std::vector<uint8_t>& stream,
                                  const std::function<void(size_t, std::vector<uint8_t>*)>& edit) {
    bitstream::StreamHeader header;
    std::vector<bitstream::Section> sections;
    EXPECT_TRUE(bitstream::ParseContainer(stream.data(), stream.size(), {}, &header, &sections).ok());
    size_t frame = 0;
    for (bitstream::Section& section : sections)
      if (section.tag == runtime::kFrameTag) edit(frame++, &section.body);
    std::vector<uint8_t> out;
    EXPECT_TRUE(bitstream::SerializeContainer(header, sections, &out).ok());
    return out;
  }

  runtime::ImageModel model_;
  std::array<uint64_t, runtime::kFrameTypeCount> frame_types_{};  // intra, predicted, repeat frames of the last Encode
  runtime::VideoFormat format_;
  runtime::AudioTrackInfo track_;
};

class VideoAudioTest : public VideoCodecTest {
 protected:
  void SetUp() override {
    VideoCodecTest::SetUp();
    Status status = runtime::AudioModel::Load(kAudioModel, &audio_model_);
    ASSERT_TRUE(status.ok()) << status.ToString();
    frames_.clear();
    for (int i = 0; i < 10; ++i) frames_.push_back(Frame(16, 16, i));
  }

  runtime::AudioModel audio_model_;
  std::vector<Image> frames_;
};

TEST_F(VideoCodecTest, EachIntraFrameIsTheImageCodecsFrameAndTimingSurvives) {
  for (const auto& [width, height] : {std::pair{48, 32}, std::pair{37, 21}}) {
    const std::vector<Image> frames = {Frame(width, height, 0), Frame(width, height, 1), Frame(width, height, 2)};
    const std::vector<int64_t> pts = {-3003, 0, 9009};  // negative and variable gaps survive too
    Decoded decoded;
    const Status status = Decode(Encode(frames, pts, Format(width, height), 3.5, /*keyframe_interval=*/1), &decoded);
    ASSERT_TRUE(status.ok()) << status.ToString();
    EXPECT_EQ(format_.width, static_cast<uint32_t>(width));
    EXPECT_EQ(format_.height, static_cast<uint32_t>(height));
    EXPECT_EQ(format_.frame_rate_num, 30000u);
    EXPECT_EQ(format_.frame_rate_den, 1001u);
    EXPECT_EQ(format_.time_base_den, 90000u);
    EXPECT_EQ(decoded.pts, pts);
    ASSERT_EQ(decoded.frames.size(), frames.size());
    for (size_t i = 0; i < frames.size(); ++i) {
      const Image expected = ImageRoundTrip(frames[i], 3.5);
      EXPECT_EQ(decoded.frames[i].width, width);
      EXPECT_TRUE(decoded.frames[i].samples == expected.samples) << "frame " << i;
    }
  }
}

TEST_F(VideoCodecTest, DecodingDoesNotDependOnThreadCounts) {
  const std::vector<uint8_t> stream = Encode({Frame(80, 48, 0), Frame(80, 48, 1)}, {0, 1}, Format(80, 48), 6);
  Decoded one;
  ASSERT_TRUE(Decode(stream, &one, 1).ok());
  for (int threads : {2, 4}) {
    torch::set_num_threads(threads);
    Decoded many;
    ASSERT_TRUE(Decode(stream, &many, threads).ok());
    ASSERT_EQ(many.frames.size(), one.frames.size());
    for (size_t i = 0; i < one.frames.size(); ++i)
      EXPECT_TRUE(many.frames[i].samples == one.frames[i].samples) << threads << " threads, frame " << i;
  }
  torch::set_num_threads(1);
}

TEST_F(VideoCodecTest, EncoderRefusesWhatItCannotCode) {
  std::vector<uint8_t> stream;
  encoder::VideoEncodeOptions options;
  options.quality = 100;
  EXPECT_EQ(encoder::VideoEncoder(model_).OpenMemory(&stream, Format(16, 16), options).code(),
            Status::Code::kInvalidArgument);
  encoder::VideoEncoder empty(model_);
  ASSERT_TRUE(empty.OpenMemory(&stream, Format(16, 16), {}).ok());
  EXPECT_EQ(empty.Finish().code(), Status::Code::kInvalidArgument);  // no frames

  encoder::VideoEncoder encoder(model_);
  ASSERT_TRUE(encoder.OpenMemory(&stream, Format(16, 16), {}).ok());
  EXPECT_NE(encoder.AddFrame(Frame(16, 8, 0), 0).message().find("cannot change size"), std::string::npos);
  ASSERT_TRUE(encoder.AddFrame(Frame(16, 16, 0), 5).ok());
  EXPECT_NE(encoder.AddFrame(Frame(16, 16, 1), 5).message().find("timestamps must increase"), std::string::npos);
}

TEST_F(VideoCodecTest, EveryTruncationIsAnError) {
  const std::vector<uint8_t> stream = Encode({Frame(16, 16, 0), Frame(16, 16, 1)}, {0, 1}, Format(16, 16));
  for (size_t size = 0; size < stream.size(); ++size) {
    Decoded decoded;
    const std::vector<uint8_t> cut(stream.begin(), stream.begin() + size);
    EXPECT_FALSE(Decode(cut, &decoded).ok()) << "length " << size;
  }
}

TEST_F(VideoCodecTest, FrameCountMustMatchTheHeader) {
  const std::vector<uint8_t> stream = Encode({Frame(16, 16, 0), Frame(16, 16, 1)}, {0, 1}, Format(16, 16));
  Decoded decoded;
  Status status = Decode(WithHeader(stream, [](bitstream::StreamHeader* h) { h->frame_count = 3; }), &decoded);
  EXPECT_EQ(status.code(), Status::Code::kCorrupt);
  EXPECT_NE(status.message().find("ends after 2 of the 3 frames"), std::string::npos) << status.message();
  status = Decode(WithHeader(stream, [](bitstream::StreamHeader* h) { h->frame_count = 1; }), &decoded);
  EXPECT_EQ(status.code(), Status::Code::kCorrupt);
  EXPECT_NE(status.message().find("more frames"), std::string::npos) << status.message();
}

TEST_F(VideoCodecTest, HugeHeadersAreRefusedBeforeAllocating) {
  const std::vector<uint8_t> stream = Encode({Frame(16, 16, 0)}, {0}, Format(16, 16));
  Decoded decoded;
  Status status = Decode(WithHeader(stream, [](bitstream::StreamHeader* h) { h->frame_count = uint64_t{1} << 40; }),
                         &decoded);
  EXPECT_EQ(status.code(), Status::Code::kResourceLimit);
  EXPECT_NE(status.message().find("--max-frames"), std::string::npos) << status.message();
  status = Decode(WithHeader(stream, [](bitstream::StreamHeader* h) { h->width = h->height = 1u << 20; }), &decoded);
  EXPECT_EQ(status.code(), Status::Code::kResourceLimit);
  EXPECT_NE(status.message().find("--max-pixels"), std::string::npos) << status.message();
  // The limits are the caller's: a lower one refuses this small stream too.
  bitstream::ParseLimits limits;
  limits.max_frames = 0;
  EXPECT_EQ(Decode(stream, &decoded, 1, limits).code(), Status::Code::kResourceLimit);
}

TEST_F(VideoCodecTest, ImageStreamsAndOtherModalitiesAreRefused) {
  std::vector<uint8_t> image_stream;
  ASSERT_TRUE(encoder::EncodeImage(model_, Frame(16, 16, 0), {}, &image_stream).ok());
  Decoded decoded;
  EXPECT_NE(Decode(image_stream, &decoded).message().find("not a video stream"), std::string::npos);
}

// Frames of Scene(64, 48, i) for the given indexes, 1 tick apart.
std::vector<Image> Scenes(const std::vector<int>& indexes) {
  std::vector<Image> frames;
  for (const int index : indexes) frames.push_back(Scene(64, 48, index));
  return frames;
}

std::vector<int64_t> Ticks(size_t count) {
  std::vector<int64_t> pts(count);
  for (size_t i = 0; i < count; ++i) pts[i] = static_cast<int64_t>(i);
  return pts;
}

TEST_F(VideoCodecTest, PredictedAndRepeatedFramesCostLessAtTheSameQuality) {
  // The square moves for four frames, then stops for three. (Frame types
  // follow the model's rate-distortion costs: by the tiny test model's, a
  // square moving 4 pixels a frame is not worth coding, 8 are.)
  const std::vector<Image> frames = Scenes({0, 2, 4, 6, 8, 8, 8, 8});
  const std::vector<uint8_t> intra = Encode(frames, Ticks(frames.size()), Format(64, 48), 8, /*keyframe_interval=*/1);
  EXPECT_EQ(frame_types_[0], frames.size());
  const std::vector<uint8_t> predicted = Encode(frames, Ticks(frames.size()), Format(64, 48), 8);
  EXPECT_EQ(frame_types_[0], 1u);  // the first frame only
  EXPECT_EQ(frame_types_[1], 4u);  // the moving square
  EXPECT_EQ(frame_types_[2], 3u);  // the still frames at the end
  EXPECT_LT(predicted.size(), intra.size() * 2 / 3) << "intra " << intra.size() << " bytes";

  Decoded intra_frames, predicted_frames;
  ASSERT_TRUE(Decode(intra, &intra_frames).ok());
  const Status status = Decode(predicted, &predicted_frames);
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_EQ(predicted_frames.frames.size(), frames.size());
  EXPECT_EQ(predicted_frames.pts, Ticks(frames.size()));
  for (size_t i = 0; i < frames.size(); ++i) {
    // Referring to the previous frame changes the quantization offsets, not the quality.
    EXPECT_GT(Psnr(frames[i], predicted_frames.frames[i]), Psnr(frames[i], intra_frames.frames[i]) - 1.0)
        << "frame " << i;
  }
  for (size_t i = 5; i < frames.size(); ++i)
    EXPECT_TRUE(predicted_frames.frames[i].samples == predicted_frames.frames[4].samples) << "repeated frame " << i;
}

// The shipped model on a pan over a photo, 3 pixels a frame: a block's
// co-located block in the previous frame is no longer its content, so
// referring to it does not pay, although its estimate under the hyperprior
// alone beats an intra frame's under the same. Coded as an image, a frame
// also gets the slice context and rate-distortion rounding: the encoder
// must compare against that, and code every frame as the image it is.
TEST_F(VideoCodecTest, FramesThatPredictionDoesNotPayForAreCodedAsImages) {
  ASSERT_TRUE(runtime::ImageModel::Load(LCODEC_SHIPPED_IMAGE_MODEL, &model_).ok());
  Image photo;
  ASSERT_TRUE(apps::ReadImage(LCODEC_CI_PHOTO, &photo).ok());
  std::vector<Image> frames;
  for (int i = 0; i < 4; ++i) {
    Image frame{128, 96, 3, 8, {}};
    for (int y = 0; y < frame.height; ++y)
      for (int x = 0; x < frame.width; ++x)
        for (int c = 0; c < 3; ++c)
          frame.samples.push_back(photo.samples[((y + 64) * photo.width + x + 3 * i) * photo.channels + c]);
    frames.push_back(std::move(frame));
  }
  const std::vector<uint8_t> intra = Encode(frames, Ticks(frames.size()), Format(128, 96), 4, /*keyframe_interval=*/1);
  const std::vector<uint8_t> chosen = Encode(frames, Ticks(frames.size()), Format(128, 96), 4);
  EXPECT_EQ(frame_types_[0], frames.size());
  EXPECT_TRUE(chosen == intra) << chosen.size() << " bytes against " << intra.size() << " all intra";
}

TEST_F(VideoCodecTest, KeyframeIntervalBoundsTheDistanceBetweenIntraFrames) {
  const std::vector<Image> frames = Scenes({0, 0, 0, 0, 0, 0, 0});
  const std::vector<uint8_t> stream = Encode(frames, Ticks(frames.size()), Format(64, 48), 4, /*keyframe_interval=*/3);
  EXPECT_EQ(frame_types_[0], 3u);  // frames 0, 3 and 6
  EXPECT_EQ(frame_types_[2], 4u);
  Decoded decoded;
  ASSERT_TRUE(Decode(stream, &decoded).ok());
  for (const Image& frame : decoded.frames) EXPECT_TRUE(frame.samples == decoded.frames[0].samples);
  encoder::VideoEncodeOptions options;
  options.keyframe_interval = 0;
  std::vector<uint8_t> out;
  EXPECT_EQ(encoder::VideoEncoder(model_).OpenMemory(&out, Format(16, 16), options).code(),
            Status::Code::kInvalidArgument);
}

TEST_F(VideoCodecTest, PredictedFramesDecodeTheSameWhateverTheThreadCount) {
  const std::vector<Image> frames = Scenes({0, 1, 2, 2, 5});
  const std::vector<uint8_t> stream = Encode(frames, Ticks(frames.size()), Format(64, 48), 8);
  ASSERT_GT(frame_types_[1], 0u);
  Decoded one, three;
  ASSERT_TRUE(Decode(stream, &one, 1).ok());
  torch::set_num_threads(3);
  const Status status = Decode(stream, &three, 3);
  torch::set_num_threads(1);
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_EQ(three.frames.size(), one.frames.size());
  for (size_t i = 0; i < one.frames.size(); ++i) EXPECT_TRUE(three.frames[i].samples == one.frames[i].samples) << i;
}

TEST_F(VideoCodecTest, StreamsWithoutFrameTypesStillDecode) {
  // The layout of container 1.0 (no kFlagPredictedFrames, no type byte, all
  // frames intra), made from a new all-intra stream.
  const std::vector<Image> frames = Scenes({0, 1, 2});
  const std::vector<uint8_t> stream = Encode(frames, Ticks(3), Format(64, 48), 4, /*keyframe_interval=*/1);
  std::vector<uint8_t> old =
      WithFrames(stream, [](size_t, std::vector<uint8_t>* body) { body->erase(body->begin() + 8); });
  old = WithHeader(old, [](bitstream::StreamHeader* h) { h->flags = 0; });
  Decoded expected, decoded;
  ASSERT_TRUE(Decode(stream, &expected).ok());
  const Status status = Decode(old, &decoded);
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_EQ(decoded.frames.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_TRUE(decoded.frames[i].samples == expected.frames[i].samples) << i;
}

TEST_F(VideoCodecTest, VersionOneZeroStreamsDecode) {
  // A stream lcodec 1.0 wrote (tests/corpus/video_decode), stamped with this
  // run's tiny model's id: its bytes, version byte included, stay 1.0's.
  std::ifstream in(std::string(LCODEC_VIDEO_CORPUS) + "/rgb_16x16_2f_5fps_q4.lc", std::ios::binary);
  std::vector<uint8_t> stream((std::istreambuf_iterator<char>(in)), {});
  ASSERT_GT(stream.size(), bitstream::testing::kHeadBodyOffset + 80);
  ASSERT_EQ(stream[bitstream::testing::kMinorVersionOffset], 0);
  std::copy(model_.id().begin(), model_.id().end(), stream.begin() + bitstream::testing::kHeadBodyOffset + 48);
  bitstream::testing::Reseal(&stream);
  Decoded decoded;
  const Status status = Decode(stream, &decoded);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(decoded.frames.size(), 2u);
  EXPECT_EQ(decoded.frames[0].width, 16);
}

TEST_F(VideoCodecTest, DamagedFrameTypesAndModeMapsAreErrors) {
  const std::vector<Image> frames = Scenes({0, 2, 2});
  const std::vector<uint8_t> stream = Encode(frames, Ticks(3), Format(64, 48), 8);
  ASSERT_EQ(frame_types_, (std::array<uint64_t, runtime::kFrameTypeCount>{1, 1, 1}));
  auto expect_corrupt = [&](const std::vector<uint8_t>& damaged, const std::string& message) {
    Decoded decoded;
    const Status status = Decode(damaged, &decoded);
    EXPECT_EQ(status.code(), Status::Code::kCorrupt) << status.ToString();
    EXPECT_NE(status.message().find(message), std::string::npos) << status.message();
  };
  constexpr size_t kType = 8, kFirstFrequency = 10;  // offsets in a FRAM body
  // The first frame repeated or predicted from nothing.
  for (const uint8_t type : {1, 2})
    expect_corrupt(WithFrames(stream, [&](size_t i, std::vector<uint8_t>* b) { if (i == 0) (*b)[kType] = type; }),
                   "frame 1 refers to a previous frame, but none precedes it");
  expect_corrupt(WithFrames(stream, [](size_t i, std::vector<uint8_t>* b) { if (i == 1) (*b)[kType] = 3; }),
                 "frame 2 has the unknown type 3");
  expect_corrupt(WithFrames(stream, [](size_t i, std::vector<uint8_t>* b) { if (i == 2) b->push_back(0); }),
                 "frame 3 repeats the previous frame but carries 1 bytes");
  // Mode frequencies: one of 0, then a sum beyond the CDF total.
  expect_corrupt(WithFrames(stream, [](size_t i, std::vector<uint8_t>* b) {
                   if (i == 1) (*b)[kFirstFrequency] = (*b)[kFirstFrequency + 1] = 0;
                 }),
                 "frame 2: a block mode has frequency 0");
  expect_corrupt(WithFrames(stream, [](size_t i, std::vector<uint8_t>* b) {
                   if (i == 1) std::fill(b->begin() + kFirstFrequency, b->begin() + kFirstFrequency + 6, 0xff);
                 }),
                 "frame 2: block mode frequencies sum to");
  // Without the flag the typed frames misparse; with it on a 1.0 stream the header is refused.
  Decoded decoded;
  EXPECT_FALSE(Decode(WithHeader(stream, [](bitstream::StreamHeader* h) { h->flags = 0; }), &decoded).ok());
  for (size_t size = 0; size < stream.size(); ++size) {
    const std::vector<uint8_t> cut(stream.begin(), stream.begin() + static_cast<std::ptrdiff_t>(size));
    EXPECT_FALSE(Decode(cut, &decoded).ok()) << "length " << size;
  }
}

TEST_F(VideoAudioTest, TheTrackIsTheAudioCodecsRoundTripWithItsStartAndLength) {
  const Audio sound = Sound(44100, 2, 44100 * 3 / 2);
  // The sound starts 50 ms before the first frame (or 150 ms after it) and
  // outlasts the frames; its chunks come out between them.
  for (const int64_t start : {int64_t{150}, int64_t{350}}) {
    const std::vector<uint8_t> stream = EncodeWithAudio(frames_, sound, start, &audio_model_);
    Decoded with, without;
    Status status = Decode(stream, &with, 1, {}, &audio_model_);
    ASSERT_TRUE(status.ok()) << status.ToString();
    EXPECT_EQ(track_.start, start);
    EXPECT_EQ(track_.header.sample_rate, 44100u);
    EXPECT_EQ(track_.header.channels, 2u);
    EXPECT_EQ(track_.header.frame_count, static_cast<uint64_t>(sound.frames()));
    const Audio expected = AudioRoundTrip(sound, audio_model_);
    EXPECT_EQ(with.audio.sample_rate, 44100);
    EXPECT_EQ(with.audio.channels, 2);
    EXPECT_EQ(with.audio.frames(), sound.frames());
    EXPECT_TRUE(with.audio.samples == expected.samples) << "start " << start;
    // The frames are those of the same video without sound.
    ASSERT_TRUE(Decode(stream, &without).ok());  // no StartAudio: the track is skipped
    EXPECT_TRUE(without.audio.samples.empty());
    Decoded silent;
    status = Decode(Encode(frames_, with.pts, format_), &silent);
    ASSERT_TRUE(status.ok()) << status.ToString();
    ASSERT_EQ(with.frames.size(), frames_.size());
    EXPECT_EQ(with.pts, silent.pts);
    for (size_t i = 0; i < frames_.size(); ++i)
      EXPECT_TRUE(with.frames[i].samples == silent.frames[i].samples && without.frames[i].samples == silent.frames[i].samples)
          << "frame " << i;
  }
}

TEST_F(VideoAudioTest, AudioChunksAreInterleavedWithTheFrames) {
  const std::vector<uint8_t> stream = EncodeWithAudio(frames_, Sound(44100, 1, 44100), 200, &audio_model_);
  bitstream::StreamHeader header;
  std::vector<bitstream::Section> sections;
  ASSERT_TRUE(bitstream::ParseContainer(stream.data(), stream.size(), {}, &header, &sections).ok());
  ASSERT_GE(sections.size(), 3u);
  EXPECT_EQ(sections[1].tag, runtime::kAudioInfoTag);
  // Some audio chunk comes before the last frame, not all after it.
  size_t first_audio = 0, last_frame = 0;
  for (size_t i = 0; i < sections.size(); ++i) {
    if (sections[i].tag == runtime::kAudioChunkTag && !first_audio) first_audio = i;
    if (sections[i].tag == runtime::kFrameTag) last_frame = i;
  }
  EXPECT_GT(first_audio, 2u);
  EXPECT_LT(first_audio, last_frame);
}

TEST_F(VideoAudioTest, DecodingDoesNotDependOnThreadCounts) {
  const std::vector<uint8_t> stream = EncodeWithAudio(frames_, Sound(48000, 2, 48000), 200, &audio_model_);
  Decoded one, three;
  ASSERT_TRUE(Decode(stream, &one, 1, {}, &audio_model_).ok());
  torch::set_num_threads(3);
  ASSERT_TRUE(Decode(stream, &three, 3, {}, &audio_model_).ok());
  torch::set_num_threads(1);
  EXPECT_TRUE(one.audio.samples == three.audio.samples);
  ASSERT_EQ(one.frames.size(), three.frames.size());
  for (size_t i = 0; i < one.frames.size(); ++i) EXPECT_TRUE(one.frames[i].samples == three.frames[i].samples);
}

TEST_F(VideoAudioTest, AnotherAudioModelIsRefusedNamingBoth) {
  const std::vector<uint8_t> stream = EncodeWithAudio(frames_, Sound(16000, 1, 8000), 200, &audio_model_);
  runtime::AudioModel other;
  ASSERT_TRUE(runtime::AudioModel::Load(kOtherAudioModel, &other).ok());
  Decoded decoded;
  const Status status = Decode(stream, &decoded, 1, {}, &other);
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(status.message().find("'" + audio_model_.name() + "'"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("'" + other.name() + "'"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("--audio-model"), std::string::npos) << status.message();
}

TEST_F(VideoAudioTest, EncoderRefusesWhatItCannotCode) {
  std::vector<uint8_t> stream;
  encoder::VideoEncodeOptions options;
  options.audio = AudioTrack(Sound(44100, 1, 10), 0, &audio_model_);
  options.audio->channels = 65;
  EXPECT_FALSE(encoder::VideoEncoder(model_).OpenMemory(&stream, Format(16, 16), options).ok());
  options.audio = AudioTrack(Sound(44100, 1, 10), 0, &audio_model_);
  encoder::VideoEncoder silent(model_);
  ASSERT_TRUE(silent.OpenMemory(&stream, Format(16, 16), options).ok());
  ASSERT_TRUE(silent.AddFrame(Frame(16, 16, 0), 0).ok());
  const Status status = silent.Finish();
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(status.message().find("audio track has no samples"), std::string::npos) << status.message();
  encoder::VideoEncoder no_track(model_);
  ASSERT_TRUE(no_track.OpenMemory(&stream, Format(16, 16), {}).ok());
  EXPECT_EQ(no_track.AddAudio(nullptr, 0).code(), Status::Code::kInvalidArgument);
}

TEST_F(VideoAudioTest, TruncationsAndMisplacedSectionsAreErrors) {
  // Two frames and 0.6 s of sound: two audio chunks after the frames.
  const std::vector<Image> two(frames_.begin(), frames_.begin() + 2);
  const std::vector<uint8_t> stream = EncodeWithAudio(two, Sound(44100, 1, 26460), 200, &audio_model_);
  // Every cut in the last 16 bytes, every 257th before: each decode costs
  // a second on a loaded machine, and EveryTruncationIsAnError covers the frames.
  for (size_t size = 0; size < stream.size(); size += size + 16 < stream.size() ? 257 : 1) {
    Decoded decoded;
    const std::vector<uint8_t> cut(stream.begin(), stream.begin() + size);
    EXPECT_FALSE(Decode(cut, &decoded, 1, {}, &audio_model_).ok()) << "length " << size;
  }
  bitstream::StreamHeader header;
  std::vector<bitstream::Section> sections;
  ASSERT_TRUE(bitstream::ParseContainer(stream.data(), stream.size(), {}, &header, &sections).ok());
  // Without AINF there is no track to start: those streams decode frames only.
  auto decode = [&](const std::vector<bitstream::Section>& edited, bool with_audio = true) {
    std::vector<uint8_t> out;
    EXPECT_TRUE(bitstream::SerializeContainer(header, edited, &out).ok());
    Decoded decoded;
    return Decode(out, &decoded, 1, {}, with_audio ? &audio_model_ : nullptr);
  };
  // A missing audio chunk: the track ends short.
  std::vector<bitstream::Section> edited = sections;
  for (size_t i = edited.size(); i-- > 0;)
    if (edited[i].tag == runtime::kAudioChunkTag) {
      edited.erase(edited.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    }
  Status status = decode(edited);
  EXPECT_EQ(status.code(), Status::Code::kCorrupt);
  EXPECT_NE(status.message().find("audio track: "), std::string::npos) << status.message();
  // Audio chunks without AINF, and AINF after a frame.
  edited = sections;
  const bitstream::Section info = edited[1];
  edited.erase(edited.begin() + 1);
  status = decode(edited, false);
  EXPECT_EQ(status.code(), Status::Code::kCorrupt);
  EXPECT_NE(status.message().find("no 'AINF'"), std::string::npos) << status.message();
  edited.insert(edited.begin() + 2, info);
  status = decode(edited, false);
  EXPECT_EQ(status.code(), Status::Code::kCorrupt);
  EXPECT_NE(status.message().find("does not follow 'VINF'"), std::string::npos) << status.message();
  // An AINF that holds no audio header.
  edited = sections;
  edited[1].body.resize(20);
  EXPECT_EQ(decode(edited).code(), Status::Code::kCorrupt);
}

TEST_F(VideoAudioTest, AHugeTrackIsRefusedBeforeAllocating) {
  const std::vector<uint8_t> stream = EncodeWithAudio(frames_, Sound(44100, 2, 4410), 200, &audio_model_);
  bitstream::ParseLimits limits;
  limits.max_audio_samples = 4410;  // 2 channels of 4410 exceed it
  Decoded decoded;
  const Status status = Decode(stream, &decoded, 1, limits, &audio_model_);
  EXPECT_EQ(status.code(), Status::Code::kResourceLimit);
  EXPECT_NE(status.message().find("--max-audio-samples"), std::string::npos) << status.message();
}

}  // namespace
}  // namespace lcodec
