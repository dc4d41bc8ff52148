// The video codec end to end on the tiny exported model: every decoded frame
// must be exactly what the image codec gives for the same frame, timestamps
// and format must survive, any thread count must give the same frames, and
// damaged or crafted streams must fail with a clear Status.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <random>
#include <string>

#include "decoder/image_decoder.h"
#include "decoder/video_decoder.h"
#include "encoder/image_encoder.h"
#include "encoder/video_encoder.h"

namespace lcodec {
namespace {

const std::string kModel = std::string(LCODEC_TEST_MODELS) + "/tiny.lcm";

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

struct Decoded {
  std::vector<Image> frames;
  std::vector<int64_t> pts;
};

class VideoCodecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    torch::set_num_threads(1);
    const Status status = runtime::ImageModel::Load(kModel, &model_);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }

  std::vector<uint8_t> Encode(const std::vector<Image>& frames, const std::vector<int64_t>& pts,
                              const runtime::VideoFormat& format, double quality = 4) {
    encoder::VideoEncoder encoder(model_);
    encoder::VideoEncodeOptions options;
    options.quality = quality;
    std::vector<uint8_t> stream;
    EXPECT_TRUE(encoder.OpenMemory(&stream, format, options).ok());
    for (size_t i = 0; i < frames.size(); ++i) {
      const Status status = encoder.AddFrame(frames[i], pts[i]);
      EXPECT_TRUE(status.ok()) << status.ToString();
    }
    const Status status = encoder.Finish();
    EXPECT_TRUE(status.ok()) << status.ToString();
    EXPECT_EQ(encoder.frames(), frames.size());
    return stream;
  }

  Status Decode(const std::vector<uint8_t>& stream, Decoded* out, int threads = 1,
                bitstream::ParseLimits limits = {}) {
    decoder::VideoDecoder decoder(model_);
    decoder::VideoDecodeOptions options;
    options.threads = threads;
    options.limits = limits;
    LCODEC_RETURN_IF_ERROR(decoder.OpenMemory(stream.data(), stream.size(), options));
    format_ = decoder.format();
    for (;;) {
      Image frame;
      int64_t pts = 0;
      bool at_end = false;
      LCODEC_RETURN_IF_ERROR(decoder.Next(&frame, &pts, &at_end));
      if (at_end) return Status::Ok();
      out->frames.push_back(std::move(frame));
      out->pts.push_back(pts);
    }
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

  runtime::ImageModel model_;
  runtime::VideoFormat format_;
};

TEST_F(VideoCodecTest, EachFrameIsTheImageCodecsFrameAndTimingSurvives) {
  for (const auto& [width, height] : {std::pair{48, 32}, std::pair{37, 21}}) {
    const std::vector<Image> frames = {Frame(width, height, 0), Frame(width, height, 1), Frame(width, height, 2)};
    const std::vector<int64_t> pts = {-3003, 0, 9009};  // negative and variable gaps survive too
    Decoded decoded;
    const Status status = Decode(Encode(frames, pts, Format(width, height), 3.5), &decoded);
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

}  // namespace
}  // namespace lcodec
