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
  std::vector<Row> rows = {MakeRow("a.png", "jpeg", 31, 0.375, 25.75), MakeRow("odd, \"name\".png", "webp", 5, 0.2, 24.5)};
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
  EXPECT_EQ(curves[0].images, 2);
  ASSERT_EQ(curves[0].settings, (std::vector<double>{10, 20}));
  EXPECT_DOUBLE_EQ(curves[0].bpp[0], 1.5);
  EXPECT_DOUBLE_EQ(curves[0].psnr_rgb[1], 28);
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
  EXPECT_EQ(back.images, 1);
  EXPECT_EQ(back.bpp, curves[0].bpp);
  EXPECT_EQ(back.psnr_rgb, curves[0].psnr_rgb);
  EXPECT_EQ(back.settings, curves[0].settings);
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
  EXPECT_EQ(c.psnr_rgb.size(), 4u);
  EXPECT_DOUBLE_EQ(c.ms_ssim[3], 0.97);
  EXPECT_TRUE(c.psnr_y.empty());
  EXPECT_FALSE(CurveFromJson(R"json({"name": "x", "results": {"bpp": [1, 2], "psnr": [30]}})json", &c).ok());
  EXPECT_FALSE(CurveFromJson(R"json({"name": "x", "results": {"bpp": [1, 2], )json", &c).ok());
}

TEST(ResultsTest, BdRateTableAnchorsAtZero) {
  Curve a;
  a.name = "jpeg";
  a.bpp = {0.25, 0.5, 1, 2};
  a.psnr_rgb = {26, 29, 32, 35};
  a.psnr_y = {27, 30, 33, 36};
  a.ms_ssim = {0.9, 0.94, 0.97, 0.985};
  Curve b = a;
  b.name = "half";
  for (double& r : b.bpp) r /= 2;
  b.psnr_y.clear();  // like a curve loaded from CompressAI
  std::string table;
  ASSERT_TRUE(BdRateTable({a, b}, "jpeg", &table).ok());
  EXPECT_NE(table.find("| jpeg | 4 | 0.250-2.000 | +0.00 % | +0.00 % | +0.00 % |"), std::string::npos) << table;
  EXPECT_NE(table.find("| half | 4 | 0.125-1.000 | -50.00 % | n/a | -50.00 % |"), std::string::npos) << table;
  EXPECT_FALSE(BdRateTable({a, b}, "nonesuch", &table).ok());
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
