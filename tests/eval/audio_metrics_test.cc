// Audio metrics against closed forms: SNR and SI-SDR of tones with an
// orthogonal tone as noise of known power, LSD and mel distance of a pure
// gain, zero distances for identical clips, and STOI's bounds and ordering
// on the bundled speech clip.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "apps/audio_io.h"
#include "eval/audio_metrics.h"

namespace lcodec::eval {
namespace {

// amplitude * sin(2 pi hz t): whole cycles over one second, so the mean
// square is amplitude^2 / 2 and distinct tones are orthogonal.
Audio Tone(double amplitude, double hz, int rate = 8000, int channels = 1) {
  Audio audio{rate, channels, 32, {}};
  for (int i = 0; i < rate; ++i)
    for (int c = 0; c < channels; ++c)
      audio.samples.push_back(static_cast<float>(amplitude * std::sin(2 * M_PI * hz * i / rate)));
  return audio;
}

Audio Plus(const Audio& a, const Audio& b, double b_gain = 1) {
  Audio out = a;
  for (size_t i = 0; i < out.samples.size(); ++i) out.samples[i] += static_cast<float>(b_gain * b.samples[i]);
  return out;
}

Audio Scaled(const Audio& a, double gain) { return Plus(a, a, gain - 1); }

Audio WhiteNoise(const Audio& like, double rms, unsigned seed) {
  Audio out = like;
  std::mt19937 random(seed);
  std::normal_distribution<double> normal(0, rms);
  for (float& s : out.samples) s = static_cast<float>(normal(random));
  return out;
}

TEST(AudioMetricsTest, SnrOfAKnownNoisePower) {
  const Audio signal = Tone(0.5, 440), noise = Tone(0.05, 1000);
  double snr = 0;
  ASSERT_TRUE(Snr(signal, Plus(signal, noise), &snr).ok());
  EXPECT_NEAR(snr, 20.0, 1e-4);  // 20 log10(0.5 / 0.05)
  ASSERT_TRUE(Snr(signal, Plus(signal, noise, 10), &snr).ok());
  EXPECT_NEAR(snr, 0.0, 1e-4);
  ASSERT_TRUE(Snr(signal, signal, &snr).ok());
  EXPECT_EQ(snr, kMaxAudioDb);
}

TEST(AudioMetricsTest, SiSdrIgnoresGain) {
  const Audio signal = Tone(0.5, 440, 8000, 2), noise = Tone(0.05, 1000, 8000, 2);
  const Audio decoded = Plus(signal, noise);
  double si_sdr = 0, scaled = 0, snr = 0;
  ASSERT_TRUE(SiSdr(signal, decoded, &si_sdr).ok());
  EXPECT_NEAR(si_sdr, 20.0, 1e-4);
  ASSERT_TRUE(SiSdr(signal, Scaled(decoded, 0.25), &scaled).ok());
  EXPECT_NEAR(scaled, si_sdr, 1e-4);
  ASSERT_TRUE(Snr(signal, Scaled(decoded, 0.25), &snr).ok());
  EXPECT_LT(snr, 3);  // SNR does pay for the gain
  // 3x + noise: the target is 3x, so 20 log10(3 * 0.5 / 0.05).
  ASSERT_TRUE(SiSdr(signal, Plus(Scaled(signal, 3), noise), &si_sdr).ok());
  EXPECT_NEAR(si_sdr, 20 * std::log10(30.0), 1e-4);
}

TEST(AudioMetricsTest, SpectralDistancesOfAGain) {
  const Audio noise = WhiteNoise(Tone(0, 0, 16000), 0.1, 1);
  double lsd = 0, mel = 0;
  // Every power halves: 10 log10(4) dB in every bin.
  ASSERT_TRUE(LogSpectralDistance(noise, Scaled(noise, 2), &lsd).ok());
  EXPECT_NEAR(lsd, 10 * std::log10(4.0), 1e-4);
  // Every mel magnitude grows tenfold: log10 differs by exactly 1.
  ASSERT_TRUE(MelDistance(noise, Scaled(noise, 10), &mel).ok());
  EXPECT_NEAR(mel, 1.0, 1e-4);
  ASSERT_TRUE(LogSpectralDistance(noise, noise, &lsd).ok());
  ASSERT_TRUE(MelDistance(noise, noise, &mel).ok());
  EXPECT_EQ(lsd, 0);
  EXPECT_EQ(mel, 0);
}

TEST(AudioMetricsTest, DistancesGrowWithNoise) {
  const Audio signal = Plus(Tone(0.3, 440, 16000, 2), Tone(0.2, 3000, 16000, 2));
  double last_lsd = 0, last_mel = 0, last_snr = kMaxAudioDb;
  for (const double rms : {0.001, 0.01, 0.1}) {
    AudioDistortion d;
    ASSERT_TRUE(MeasureAudioDistortion(signal, Plus(signal, WhiteNoise(signal, rms, 2)), false, &d).ok());
    EXPECT_GT(d.lsd, last_lsd);
    EXPECT_GT(d.mel, last_mel);
    EXPECT_LT(d.snr, last_snr);
    last_lsd = d.lsd, last_mel = d.mel, last_snr = d.snr;
  }
}

TEST(AudioMetricsTest, StoiOfSpeech) {
  Audio speech;
  ASSERT_TRUE(apps::ReadAudio(LCODEC_TEST_AUDIO "/speech_alsa_front_center.flac", &speech).ok());
  double same = 0, louder = 0;
  ASSERT_TRUE(Stoi(speech, speech, &same).ok());
  EXPECT_NEAR(same, 1.0, 1e-6);
  ASSERT_TRUE(Stoi(speech, Scaled(speech, 0.3), &louder).ok());
  EXPECT_NEAR(louder, 1.0, 1e-6);  // the envelopes are normalised
  double rms = 0;
  for (const float s : speech.samples) rms += s * s;
  rms = std::sqrt(rms / speech.samples.size());
  // Noise lowers it step by step; noise alone (whose envelopes STOI's
  // clipping still ties to the speech's) scores lowest.
  std::vector<double> noisy;
  for (const double snr_db : {20.0, 10.0, 0.0, -10.0}) {
    double stoi = 0;
    ASSERT_TRUE(Stoi(speech, Plus(speech, WhiteNoise(speech, rms * std::pow(10, -snr_db / 20), 3)), &stoi).ok());
    EXPECT_LT(stoi, noisy.empty() ? same : noisy.back()) << snr_db << " dB";
    noisy.push_back(stoi);
  }
  EXPECT_GT(noisy[0], 0.9);
  double unrelated = 0;
  ASSERT_TRUE(Stoi(speech, WhiteNoise(speech, rms, 4), &unrelated).ok());
  EXPECT_LT(unrelated, noisy.back());
}

TEST(AudioMetricsTest, RefusesMismatchedClips) {
  double value = 0;
  const Status status = Snr(Tone(0.5, 440), Tone(0.5, 440, 16000), &value);
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_FALSE(Stoi(Tone(0.5, 440), Tone(0.5, 440, 8000, 2), &value).ok());
  Audio short_clip{8000, 1, 16, std::vector<float>(1000, 0.1f)};
  EXPECT_FALSE(Stoi(short_clip, short_clip, &value).ok());  // under 384 ms
}

}  // namespace
}  // namespace lcodec::eval
