// The classical audio codecs on the bundled clips: the decoded clip has the
// original's shape and lines up with it sample for sample (no codec delay
// left), the measured rate is near the target, and quality grows with rate.
#include <gtest/gtest.h>

#include <cmath>

#include "apps/audio_io.h"
#include "eval/audio_metrics.h"
#include "eval/av_audio_codecs.h"

namespace lcodec::eval {
namespace {

// The lag (test behind reference, in samples, -max..max) with the highest
// correlation on channel 0.
int BestLag(const Audio& reference, const Audio& test, int max_lag) {
  int best_lag = 0;
  double best = -1e300;
  const int64_t n = reference.frames();
  for (int lag = -max_lag; lag <= max_lag; ++lag) {
    double sum = 0;
    for (int64_t i = max_lag; i < n - max_lag; ++i)
      sum += static_cast<double>(reference.samples[i * reference.channels]) * test.samples[(i + lag) * test.channels];
    if (sum > best) best = sum, best_lag = lag;
  }
  return best_lag;
}

Audio Clip(const char* name) {
  Audio clip;
  EXPECT_TRUE(apps::ReadAudio(std::string(LCODEC_TEST_AUDIO) + "/" + name, &clip).ok());
  return clip;
}

TEST(AvAudioCodecsTest, RoundTripsAreAlignedAtTheTargetRate) {
  for (const char* clip_name : {"speech_alsa_front_center.flac", "music_librosa_trumpet.flac"}) {
    const Audio clip = Clip(clip_name);
    const double seconds = static_cast<double>(clip.frames()) / clip.sample_rate;
    for (const std::string& name : AvAudioCodecNames()) {
      SCOPED_TRACE(name + " on " + clip_name);
      std::unique_ptr<AudioCodec> codec;
      ASSERT_TRUE(MakeAvAudioCodec(name, {}, &codec).ok());
      const std::vector<double> settings = codec->Settings();
      double low_mel = 0;
      for (const double kbps : {settings.front(), settings.back()}) {
        AudioRoundTripResult result;
        const Status status = codec->RoundTrip(clip, kbps, &result);
        ASSERT_TRUE(status.ok()) << status.message();
        ASSERT_EQ(result.decoded.sample_rate, clip.sample_rate);
        ASSERT_EQ(result.decoded.channels, clip.channels);
        ASSERT_EQ(result.decoded.samples.size(), clip.samples.size());
        const double measured = 8.0 * result.bytes / seconds / 1000;
        EXPECT_GT(measured, 0.5 * kbps) << kbps << " kbps";
        EXPECT_LT(measured, 1.6 * kbps + 4) << kbps << " kbps";
        AudioDistortion d;
        ASSERT_TRUE(MeasureAudioDistortion(clip, result.decoded, false, &d).ok());
        if (kbps == settings.back()) {
          EXPECT_EQ(BestLag(clip, result.decoded, 400), 0);
          EXPECT_GT(d.snr, 8) << "at " << kbps << " kbps";
          EXPECT_LT(d.mel, low_mel);
        }
        low_mel = d.mel;
      }
    }
  }
}

TEST(AvAudioCodecsTest, RefusesWhatItCannotCode) {
  std::unique_ptr<AudioCodec> codec;
  EXPECT_EQ(MakeAvAudioCodec("vorbis", {}, &codec).code(), Status::Code::kInvalidArgument);
  ASSERT_TRUE(MakeAvAudioCodec("opus", {64, 12}, &codec).ok());
  EXPECT_EQ(codec->Settings(), (std::vector<double>{12, 64}));  // a given sweep, sorted
  Audio three{48000, 3, 16, std::vector<float>(3 * 48000, 0.1f)};
  AudioRoundTripResult result;
  const Status status = codec->RoundTrip(three, 32, &result);
  EXPECT_EQ(status.code(), Status::Code::kUnsupported);
  EXPECT_NE(status.message().find("up to 2 channels"), std::string::npos) << status.message();
}

}  // namespace
}  // namespace lcodec::eval
