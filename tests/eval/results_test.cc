// Result files: rows survive a CSV round trip, curves average rows per
// setting, curve JSON reads back (ours and CompressAI's spelling), and the
// BD-rate table puts the anchor at zero.
#include <gtest/gtest.h>

#include <cmath>

#include "eval/json.h"
#include "eval/report.h"
#include "eval/results.h"

namespace lcodec::eval {
namespace {

Row MakeRow(const std::string& image, const std::string& codec, double setting, double bpp, double psnr) {
  Row r;
  r.image = image;
  r.codec = codec;
  r.setting = setting;
  r.width = 300;
  r.height = 200;
  r.bytes = static_cast<uint64_t>(bpp * 300 * 200 / 8);
  r.bpp = bpp;
  r.psnr_rgb = psnr;
  r.psnr_y = psnr + 1;
  r.ms_ssim = 1 - std::pow(10, -psnr / 20);
  r.encode_seconds = 0.5;
  r.decode_seconds = 0.25;
  return r;
}

TEST(ResultsTest, CsvRoundTrip) {
  std::vector<Row> rows = {MakeRow("a.png", "jpeg", 31, 0.375, 25.75),
                           MakeRow("odd, \"name\".png", "webp", 5, 0.2, 24.5)};
  std::vector<Row> back;
  ASSERT_TRUE(RowsFromCsv(RowsToCsv(rows), &back).ok());
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[1].image, "odd, \"name\".png");
  EXPECT_EQ(back[0].codec, "jpeg");
  EXPECT_EQ(back[0].bytes, rows[0].bytes);
  EXPECT_DOUBLE_EQ(back[0].bpp, 0.375);
  EXPECT_DOUBLE_EQ(back[0].psnr_rgb, 25.75);
  EXPECT_NEAR(back[1].ms_ssim, rows[1].ms_ssim, 1e-6);
  // Text read back writes the same text: what makes runs and merges agree.
  EXPECT_EQ(RowsToCsv(back), RowsToCsv(rows));
  EXPECT_FALSE(RowsFromCsv("image,codec\nx,y\n", &back).ok());
  EXPECT_FALSE(RowsFromCsv(RowsToCsv(rows) + "a.png,jpeg,1,2\n", &back).ok());
}

TEST(ResultsTest, CurvesAverageOverImages) {
  const std::vector<Row> rows = {MakeRow("a.png", "jpeg", 10, 1.0, 30), MakeRow("b.png", "jpeg", 10, 2.0, 34),
                                 MakeRow("a.png", "jpeg", 20, 0.5, 27), MakeRow("b.png", "jpeg", 20, 1.0, 29),
                                 MakeRow("a.png", "webp", 50, 0.7, 31)};
  std::vector<Curve> curves;
  ASSERT_TRUE(AverageCurves(rows, {"lcodec", "jpeg", "webp"}, &curves).ok());
  ASSERT_EQ(curves.size(), 2u);  // no lcodec rows
  EXPECT_EQ(curves[0].name, "jpeg");
  EXPECT_EQ(curves[0].items, 2);
  ASSERT_EQ(curves[0].settings, (std::vector<double>{10, 20}));
  EXPECT_DOUBLE_EQ(curves[0].rate[0], 1.5);
  ASSERT_NE(curves[0].Metric("psnr-rgb"), nullptr);
  EXPECT_DOUBLE_EQ((*curves[0].Metric("psnr-rgb"))[1], 28);
  EXPECT_DOUBLE_EQ((*curves[0].Metric("psnr-y"))[1], 29);
  // A setting missing one image makes the means incomparable.
  std::vector<Row> uneven = rows;
  uneven.pop_back();
  uneven.pop_back();
  EXPECT_FALSE(AverageCurves(uneven, {"jpeg"}, &curves).ok());
}

TEST(ResultsTest, CurveJsonRoundTrip) {
  std::vector<Curve> curves;
  ASSERT_TRUE(AverageCurves({MakeRow("a.png", "jpeg", 10, 1.0, 30), MakeRow("a.png", "jpeg", 20, 0.5, 27)}, {"jpeg"},
                            &curves).ok());
  Curve back;
  ASSERT_TRUE(CurveFromJson(CurveToJson(curves[0]), &back).ok());
  EXPECT_EQ(back.name, "jpeg");
  EXPECT_EQ(back.media, Media::kImage);
  EXPECT_EQ(back.items, 1);
  EXPECT_EQ(back.rate, curves[0].rate);
  EXPECT_EQ(*back.Metric("psnr-rgb"), *curves[0].Metric("psnr-rgb"));
  EXPECT_NEAR((*back.Metric("ms-ssim-rgb"))[1], (*curves[0].Metric("ms-ssim-rgb"))[1], 1e-6);
  EXPECT_EQ(back.settings, curves[0].settings);
  EXPECT_EQ(CurveToJson(back), CurveToJson(curves[0]));  // written with fixed precision
}

TEST(ResultsTest, ReadsCompressAiResults) {
  // The layout of CompressAI's results/image/kodak/*.json (older files say
  // "psnr" and "ms-ssim").
  const char* text = R"json({
    "name": "bmshj2018-hyperprior", "description": "Inference (ans)",
    "results": {"psnr": [27.1, 28.9, 30.6, 32.5], "ms-ssim": [0.91, 0.935, 0.955, 0.97],
                "bpp": [0.13, 0.2, 0.3, 0.45], "encoding_time": [0.1, 0.1, 0.1, 0.1]}})json";
  Curve c;
  ASSERT_TRUE(CurveFromJson(text, &c).ok());
  EXPECT_EQ(c.name, "bmshj2018-hyperprior");
  ASSERT_NE(c.Metric("psnr-rgb"), nullptr);
  EXPECT_EQ(c.Metric("psnr-rgb")->size(), 4u);
  EXPECT_DOUBLE_EQ((*c.Metric("ms-ssim-rgb"))[3], 0.97);
  EXPECT_EQ(c.Metric("psnr-y"), nullptr);
  EXPECT_FALSE(CurveFromJson(R"json({"name": "x", "results": {"bpp": [1, 2], "psnr": [30]}})json", &c).ok());
  EXPECT_FALSE(CurveFromJson(R"json({"name": "x", "results": {"bpp": [1, 2], )json", &c).ok());
}

TEST(ResultsTest, BdRateTableAnchorsAtZero) {
  Curve a;
  a.name = "jpeg";
  a.rate = {0.25, 0.5, 1, 2};
  a.metrics = {{"psnr-rgb", {26, 29, 32, 35}}, {"psnr-y", {27, 30, 33, 36}}, {"ms-ssim-rgb", {0.9, 0.94, 0.97, 0.985}}};
  Curve b = a;
  b.name = "half";
  for (double& r : b.rate) r /= 2;
  b.metrics.erase(b.metrics.begin() + 1);  // no psnr-y, like a curve loaded from CompressAI
  std::string table;
  ASSERT_TRUE(BdRateTable({a, b}, "jpeg", &table).ok());
  EXPECT_NE(table.find("| jpeg | 4 | 0.250-2.000 | +0.00 % | +0.00 % | +0.00 % |"), std::string::npos) << table;
  EXPECT_NE(table.find("| half | 4 | 0.125-1.000 | -50.00 % | n/a | -50.00 % |"), std::string::npos) << table;
  EXPECT_FALSE(BdRateTable({a, b}, "nonesuch", &table).ok());
}

// Audio curves: kbps and clips in the JSON, distances negated so that
// BD-rate sees quality rising with rate, and no mixing with image curves.
TEST(ResultsTest, AudioCurvesAndTheirTable) {
  Curve opus;
  opus.name = "opus";
  opus.media = Media::kAudio;
  opus.items = 3;
  opus.settings = {8, 16, 32, 64};
  opus.rate = {8, 16, 32, 64};
  opus.metrics = {{"snr", {5, 8, 11, 14}}, {"si-sdr", {4, 7, 10, 13}}, {"mel-distance", {1.2, 0.8, 0.5, 0.3}}};
  Curve back;
  ASSERT_TRUE(CurveFromJson(CurveToJson(opus), &back).ok());
  EXPECT_EQ(back.media, Media::kAudio);
  EXPECT_EQ(back.items, 3);
  EXPECT_EQ(back.rate, opus.rate);
  EXPECT_EQ(back.metrics, opus.metrics);
  EXPECT_NE(CurveToJson(opus).find("\"kbps\": [8.000000, 16.000000"), std::string::npos) << CurveToJson(opus);
  Curve half = opus;
  half.name = "half";
  for (double& r : half.rate) r /= 2;
  std::string table;
  ASSERT_TRUE(BdRateTable({opus, half}, DefaultAnchor({half, opus}), &table).ok());
  EXPECT_NE(table.find("| curve | points | kbps range | SNR | SI-SDR | -mel distance |\n"), std::string::npos) << table;
  EXPECT_NE(table.find("| half | 4 | 4.00-32.00 | -50.00 % | -50.00 % | -50.00 % |\n"), std::string::npos) << table;
  Curve image;
  image.name = "jpeg";
  image.rate = {1, 2, 3, 4};
  EXPECT_FALSE(BdRateTable({opus, image}, "opus", &table).ok());
}

TEST(JsonTest, ParsesAndQuotes) {
  JsonValue v;
  ASSERT_TRUE(ParseJson(R"json({"a": [1, -2.5e1, true, null, "x\"y\u0041"], "b": {}})json", &v).ok());
  ASSERT_NE(v.Find("a"), nullptr);
  EXPECT_DOUBLE_EQ(v.Find("a")->array[1].number, -25);
  EXPECT_TRUE(v.Find("a")->array[2].boolean);
  EXPECT_EQ(v.Find("a")->array[4].string, "x\"yA");
  EXPECT_EQ(JsonQuote("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000a\"");
  EXPECT_FALSE(ParseJson("[1, 2", &v).ok());
  EXPECT_FALSE(ParseJson("{} x", &v).ok());
  std::string deep(100, '[');
  EXPECT_FALSE(ParseJson(deep, &v).ok());
}

}  // namespace
}  // namespace lcodec::eval
