// The audio side's pieces around the runner: clip listing, rows through CSV
// (STOI only for speech), and curves per group of clips.
#include <gtest/gtest.h>

#include <cmath>

#include "eval/audio_results.h"
#include "eval/audio_runner.h"

namespace lcodec::eval {
namespace {

AudioRow MakeRow(const std::string& clip, const std::string& codec, double setting, double kbps, double snr) {
  AudioRow r;
  r.clip = clip;
  r.codec = codec;
  r.setting = setting;
  r.sample_rate = 48000;
  r.channels = 1;
  r.seconds = 2;
  r.bytes = static_cast<uint64_t>(kbps * 1000 * 2 / 8);
  r.kbps = kbps;
  r.snr = snr;
  r.si_sdr = snr - 1;
  r.lsd = 20 - snr / 2;
  r.mel = 1 / snr;
  if (IsSpeechClip(clip)) r.stoi = 0.5 + snr / 100;
  r.encode_seconds = 0.5;
  r.decode_seconds = 0.25;
  return r;
}

TEST(AudioRunnerTest, ListsClipsSorted) {
  std::vector<std::string> names;
  ASSERT_TRUE(ListAudio(LCODEC_TEST_AUDIO, &names).ok());
  EXPECT_EQ(names, (std::vector<std::string>{"music_librosa_trumpet.flac", "music_sms_flute-A4.flac",
                                             "speech_alsa_front_center.flac"}));
  const Status status = ListAudio(std::string(LCODEC_TEST_AUDIO) + "/..", &names);
  EXPECT_NE(status.message().find("holds no audio clips"), std::string::npos) << status.message();
}

TEST(AudioRunnerTest, RowsSurviveCsv) {
  const std::vector<AudioRow> rows = {MakeRow("speech_a.wav", "opus", 16, 15.5, 12.25),
                                      MakeRow("music, \"b\".flac", "mp3", 32, 33.125, 18.5)};
  std::vector<AudioRow> back;
  ASSERT_TRUE(AudioRowsFromCsv(AudioRowsToCsv(rows), &back).ok());
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[1].clip, "music, \"b\".flac");
  EXPECT_EQ(back[0].bytes, rows[0].bytes);
  EXPECT_DOUBLE_EQ(back[0].kbps, 15.5);
  EXPECT_DOUBLE_EQ(back[0].snr, 12.25);
  EXPECT_NEAR(back[0].stoi, rows[0].stoi, 1e-6);
  EXPECT_TRUE(std::isnan(back[1].stoi));  // music has none
  EXPECT_EQ(AudioRowsToCsv(back), AudioRowsToCsv(rows));
  EXPECT_FALSE(AudioRowsFromCsv("clip,codec\nx,y\n", &back).ok());
  EXPECT_FALSE(AudioRowsFromCsv(AudioRowsToCsv(rows) + "a.wav,opus,1,2\n", &back).ok());
}

TEST(AudioRunnerTest, CurvesPerGroup) {
  std::vector<AudioRow> rows;
  for (const double kbps : {8.0, 16.0})
    for (const char* clip : {"speech_a.wav", "speech_b.wav", "music_c.wav"})
      rows.push_back(MakeRow(clip, "opus", kbps, kbps * (clip[0] == 'm' ? 2 : 1), kbps));
  std::vector<Curve> all, speech, music;
  ASSERT_TRUE(AverageAudioCurves(rows, {"lcodec", "opus"}, "all", &all).ok());
  ASSERT_TRUE(AverageAudioCurves(rows, {"opus"}, "speech", &speech).ok());
  ASSERT_TRUE(AverageAudioCurves(rows, {"opus"}, "music", &music).ok());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].media, Media::kAudio);
  EXPECT_EQ(all[0].items, 3);
  EXPECT_EQ(speech[0].items, 2);
  EXPECT_EQ(music[0].items, 1);
  EXPECT_DOUBLE_EQ(all[0].rate[0], (8 + 8 + 16) / 3.0);
  EXPECT_DOUBLE_EQ(music[0].rate[1], 32);
  // STOI only where every clip is speech.
  EXPECT_EQ(all[0].Metric("stoi"), nullptr);
  EXPECT_EQ(music[0].Metric("stoi"), nullptr);
  ASSERT_NE(speech[0].Metric("stoi"), nullptr);
  EXPECT_DOUBLE_EQ((*speech[0].Metric("stoi"))[1], 0.66);
  ASSERT_NE(all[0].Metric("mel-distance"), nullptr);
  EXPECT_DOUBLE_EQ((*all[0].Metric("mel-distance"))[0], 1 / 8.0);
}

}  // namespace
}  // namespace lcodec::eval
