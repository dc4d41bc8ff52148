#include "apps/audio_io.h"
#include "apps/media_kind.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace lcodec::apps {
namespace {

namespace fs = std::filesystem;

// A fresh folder per test, so that leftovers can be counted.
class AudioIoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = ::testing::TempDir() + "audio_io_test_" + std::to_string(getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(folder_);
    fs::create_directories(folder_);
  }
  void TearDown() override { fs::remove_all(folder_); }
  std::string Path(const std::string& name) const { return folder_ + "/" + name; }
  size_t FilesInFolder() const { return static_cast<size_t>(std::distance(fs::directory_iterator(folder_), {})); }

  std::string folder_;
};

// Random samples that a `bits`-bit file holds exactly: k / 2^(bits-1),
// the full range included.
Audio RandomPcm(int sample_rate, int channels, int bits, int64_t frames, unsigned seed) {
  Audio audio{sample_rate, channels, bits, {}};
  std::mt19937 random(seed);
  const int64_t top = int64_t{1} << (bits - 1);
  std::uniform_int_distribution<int64_t> level(-top, top - 1);
  for (int64_t i = 0; i < frames * channels; ++i) audio.samples.push_back(static_cast<float>(std::ldexp(level(random), 1 - bits)));
  audio.samples[0] = -1.0f;  // the extremes
  audio.samples[1] = static_cast<float>(std::ldexp(top - 1, 1 - bits));
  return audio;
}

Audio Sine(int sample_rate, int channels, double hz, double seconds) {
  Audio audio{sample_rate, channels, 16, {}};
  const auto frames = static_cast<int64_t>(seconds * sample_rate);
  for (int64_t i = 0; i < frames; ++i)
    for (int c = 0; c < channels; ++c) audio.samples.push_back(static_cast<float>(0.5 * std::sin(2 * M_PI * hz * i / sample_rate)));
  return audio;
}

// The highest normalised correlation of channel 0 of `decoded` with
// `reference` over lags 0..max_lag (lossy codecs delay the signal).
double BestCorrelation(const Audio& reference, const Audio& decoded, int max_lag) {
  double best = -1;
  const int64_t n = std::min(reference.frames(), decoded.frames() - max_lag);
  for (int lag = 0; lag <= max_lag; ++lag) {
    double xy = 0, xx = 0, yy = 0;
    for (int64_t i = 0; i < n; ++i) {
      const double x = reference.samples[i * reference.channels];
      const double y = decoded.samples[(i + lag) * decoded.channels];
      xy += x * y, xx += x * x, yy += y * y;
    }
    best = std::max(best, xy / std::sqrt(xx * yy + 1e-30));
  }
  return best;
}

TEST_F(AudioIoTest, PcmRoundTripsAreExact) {
  struct Case {
    const char* name;
    int bits, channels, rate;
  };
  for (const Case& c : {Case{"a.wav", 16, 2, 44100}, Case{"b.wav", 24, 1, 48000}, Case{"c.wav", 8, 3, 8000},
                        Case{"d.flac", 16, 2, 44100}, Case{"e.flac", 24, 2, 96000}, Case{"f.flac", 8, 1, 16000}}) {
    SCOPED_TRACE(c.name);
    const Audio original = RandomPcm(c.rate, c.channels, c.bits, 5000, static_cast<unsigned>(c.bits * c.channels));
    ASSERT_TRUE(WriteAudio(Path(c.name), original, false).ok());
    Audio back;
    const Status status = ReadAudio(Path(c.name), &back);
    ASSERT_TRUE(status.ok()) << status.message();
    EXPECT_EQ(back.sample_rate, c.rate);
    EXPECT_EQ(back.channels, c.channels);
    EXPECT_EQ(back.bit_depth, c.bits);
    EXPECT_EQ(back.samples, original.samples);
  }
}

TEST_F(AudioIoTest, FloatWavKeepsEverySample) {
  Audio original = Sine(22050, 2, 1000, 0.2);
  original.bit_depth = 32;
  original.samples[3] = 1.75f;  // float files need no clipping
  ASSERT_TRUE(WriteAudio(Path("f.wav"), original, false).ok());
  Audio back;
  ASSERT_TRUE(ReadAudio(Path("f.wav"), &back).ok());
  EXPECT_EQ(back.bit_depth, 32);
  EXPECT_EQ(back.samples, original.samples);
}

TEST_F(AudioIoTest, IntegerFormatsClipAndRound) {
  Audio audio{8000, 1, 16, {1.5f, -3.0f, 0.25f + 0.4f / 32768, 1.0f}};
  ASSERT_TRUE(WriteAudio(Path("c.wav"), audio, false).ok());
  Audio back;
  ASSERT_TRUE(ReadAudio(Path("c.wav"), &back).ok());
  EXPECT_EQ(back.samples, (std::vector<float>{32767 / 32768.0f, -1.0f, 0.25f, 32767 / 32768.0f}));
}

TEST_F(AudioIoTest, ChunkedReadEqualsWholeRead) {
  const Audio original = RandomPcm(16000, 2, 16, 10007, 7);
  ASSERT_TRUE(WriteAudio(Path("x.flac"), original, false).ok());
  AudioFileReader reader;
  ASSERT_TRUE(reader.Open(Path("x.flac")).ok());
  EXPECT_EQ(reader.info().frames, 10007);
  std::vector<float> joined;
  Audio chunk;
  int chunks = 0;
  for (bool at_end = false; !at_end; ++chunks) {
    ASSERT_TRUE(reader.Read(1000, &chunk, &at_end).ok());
    ASSERT_LE(chunk.frames(), 1000);
    EXPECT_EQ(chunk.channels, 2);
    joined.insert(joined.end(), chunk.samples.begin(), chunk.samples.end());
  }
  EXPECT_EQ(chunks, 11);
  EXPECT_EQ(joined, original.samples);
}

TEST_F(AudioIoTest, ChunkedWriteEqualsWholeWrite) {
  const Audio original = RandomPcm(16000, 2, 24, 3001, 9);
  AudioFileWriter writer;
  ASSERT_TRUE(writer.Open(Path("chunked.wav"), 16000, 2, 24, false).ok());
  for (int64_t at = 0; at < original.frames(); at += 700)
    ASSERT_TRUE(writer.Write(original.samples.data() + at * 2, std::min<int64_t>(700, original.frames() - at)).ok());
  ASSERT_TRUE(writer.Finish().ok());
  Audio back;
  ASSERT_TRUE(ReadAudio(Path("chunked.wav"), &back).ok());
  EXPECT_EQ(back.samples, original.samples);
}

TEST_F(AudioIoTest, OggVorbisKeepsTheSignal) {
  const Audio original = Sine(44100, 2, 440, 1.0);
  ASSERT_TRUE(WriteAudio(Path("s.ogg"), original, false).ok());
  Audio back;
  ASSERT_TRUE(ReadAudio(Path("s.ogg"), &back).ok());
  EXPECT_EQ(back.sample_rate, 44100);
  EXPECT_EQ(back.channels, 2);
  EXPECT_EQ(back.frames(), original.frames());
  EXPECT_GT(BestCorrelation(original, back, 0), 0.99);
}

// MP3 and AAC made by the ffmpeg tool come back through libavformat with
// their rate, channels and length, and still hold the 440 Hz tone.
TEST_F(AudioIoTest, ReadsMp3AndM4aMadeByFfmpeg) {
  if (std::system("ffmpeg -version > /dev/null 2>&1") != 0) GTEST_SKIP() << "no ffmpeg tool";
  struct Case {
    const char* name;
    const char* codec;
  };
  for (const Case& c : {Case{"t.mp3", "libmp3lame"}, Case{"t.m4a", "aac"}}) {
    SCOPED_TRACE(c.name);
    const std::string command = "ffmpeg -v error -y -f lavfi -i sine=frequency=440:sample_rate=44100:duration=1.5 "
                                "-ac 2 -c:a " + std::string(c.codec) + " -b:a 128k '" + Path(c.name) + "'";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    Audio back;
    const Status status = ReadAudio(Path(c.name), &back);
    ASSERT_TRUE(status.ok()) << status.message();
    EXPECT_EQ(back.sample_rate, 44100);
    EXPECT_EQ(back.channels, 2);
    EXPECT_EQ(back.bit_depth, 32);  // both decoders give floats
    EXPECT_NEAR(back.frames(), 1.5 * 44100, 0.05 * 44100);
    const Audio reference = Sine(44100, 1, 440, 1.2);
    EXPECT_GT(BestCorrelation(reference, back, 4000), 0.98);
    EXPECT_LT(BestCorrelation(Sine(44100, 1, 1000, 1.2), back, 4000), 0.3);  // and not any tone
  }
}

TEST_F(AudioIoTest, ErrorsNameTheProblem) {
  Audio audio;
  Status status = ReadAudio(Path("missing.wav"), &audio);
  EXPECT_EQ(status.code(), Status::Code::kIOError);
  EXPECT_NE(status.message().find("No such file"), std::string::npos) << status.message();

  std::ofstream(Path("text.wav")) << "this is not a wave file, just some words";
  status = ReadAudio(Path("text.wav"), &audio);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("is not an audio file"), std::string::npos) << status.message();
  status = ReadAudio(Path("text.mp3"), &audio);
  EXPECT_FALSE(status.ok());

  status = ReadAudio(folder_, &audio);
  EXPECT_NE(status.message().find("is a folder"), std::string::npos) << status.message();

  const Audio sine = Sine(8000, 1, 440, 0.1);
  status = WriteAudio(Path("out.mp3"), sine, false);
  EXPECT_NE(status.message().find(".wav, .flac or .ogg"), std::string::npos) << status.message();
  Audio float_sine = sine;
  float_sine.bit_depth = 32;
  status = WriteAudio(Path("out.flac"), float_sine, false);
  EXPECT_NE(status.message().find("8, 16 or 24 bits"), std::string::npos) << status.message();
  EXPECT_EQ(FilesInFolder(), 1u);  // text.wav only
}

TEST_F(AudioIoTest, TruncatedFlacIsAnError) {
  const Audio original = RandomPcm(16000, 1, 16, 20000, 3);
  ASSERT_TRUE(WriteAudio(Path("full.flac"), original, false).ok());
  const auto size = fs::file_size(Path("full.flac"));
  fs::copy_file(Path("full.flac"), Path("cut.flac"));
  fs::resize_file(Path("cut.flac"), size / 2);
  Audio back;
  const Status status = ReadAudio(Path("cut.flac"), &back);
  EXPECT_EQ(status.code(), Status::Code::kCorrupt) << status.message();
  EXPECT_NE(status.message().find("cut.flac"), std::string::npos) << status.message();
}

TEST_F(AudioIoTest, UnfinishedWritesLeaveNothing) {
  const Audio sine = Sine(8000, 1, 440, 0.5);
  {
    AudioFileWriter writer;
    ASSERT_TRUE(writer.Open(Path("never.wav"), 8000, 1, 16, false).ok());
    ASSERT_TRUE(writer.Write(sine.samples.data(), sine.frames()).ok());
  }  // destroyed without Finish
  EXPECT_EQ(FilesInFolder(), 0u);

  // An existing file is kept unless overwriting is asked for.
  ASSERT_TRUE(WriteAudio(Path("keep.wav"), sine, false).ok());
  const auto size = fs::file_size(Path("keep.wav"));
  const Status status = WriteAudio(Path("keep.wav"), Sine(8000, 1, 440, 1.0), false);
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(fs::file_size(Path("keep.wav")), size);
  EXPECT_TRUE(WriteAudio(Path("keep.wav"), Sine(8000, 1, 440, 1.0), true).ok());
  EXPECT_GT(fs::file_size(Path("keep.wav")), size);
  EXPECT_EQ(FilesInFolder(), 1u);
}

// A write that fails midway (here: the file size limit, as on a full disk)
// reports the failure and leaves neither the file nor its temporary.
TEST_F(AudioIoTest, FailedWriteLeavesNothing) {
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{20000, 20000};
    setrlimit(RLIMIT_FSIZE, &limit);
    const Audio sine = Sine(44100, 2, 440, 2.0);
    AudioFileWriter writer;
    Status status = writer.Open(Path("big.wav"), 44100, 2, 16, false);
    for (int64_t at = 0; status.ok() && at < sine.frames(); at += 4096)
      status = writer.Write(sine.samples.data() + at * 2, std::min<int64_t>(4096, sine.frames() - at));
    if (status.ok()) status = writer.Finish();
    _exit(!status.ok() && status.message().find("big.wav") != std::string::npos ? 0 : 1);
  }
  int wait_status = 0;
  ASSERT_EQ(waitpid(child, &wait_status, 0), child);
  EXPECT_TRUE(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0) << "the write did not fail with a clear message";
  EXPECT_EQ(FilesInFolder(), 0u);
}

TEST(MediaKindTest, KnowsAudioAndVideoNames) {
  EXPECT_EQ(MediaKindOfFile("a/b.WAV"), MediaKind::kAudio);
  EXPECT_EQ(MediaKindOfFile("x.m4a"), MediaKind::kAudio);
  EXPECT_EQ(MediaKindOfFile("speech_a.flac"), MediaKind::kAudio);
  EXPECT_EQ(MediaKindOfFile("clip.MKV"), MediaKind::kVideo);
  EXPECT_EQ(MediaKindOfFile("x.png"), MediaKind::kImage);
  EXPECT_EQ(MediaKindOfFile("flac"), MediaKind::kImage);
  EXPECT_EQ(MediaKindOfFile("dir.wav/photo"), MediaKind::kImage);
}

}  // namespace
}  // namespace lcodec::apps
