#include "eval/image_runner.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "apps/image_io.h"
#include "eval/metrics.h"

namespace lcodec::eval {
namespace {

namespace fs = std::filesystem;

// Codecs compare 8-bit RGB: gray is repeated over three channels and 16-bit
// samples are rounded to 8 bits. Alpha is refused, as lcodec encode does.
Status ToRgb8(const Image& in, Image* out) {
  if (in.channels != 1 && in.channels != 3) return Status::Unsupported("only gray and RGB images are evaluated");
  const double scale = in.bit_depth == 16 ? 255.0 / 65535.0 : 1.0;
  *out = Image{in.width, in.height, 3, 8, {}};
  out->samples.reserve(static_cast<size_t>(in.width) * in.height * 3);
  for (size_t i = 0; i < in.samples.size(); ++i) {
    const auto v = static_cast<uint16_t>(std::lround(in.samples[i] * scale));
    for (int c = 0; c < (in.channels == 1 ? 3 : 1); ++c) out->samples.push_back(v);
  }
  return Status::Ok();
}

Status RunItem(const std::string& input_folder, const std::string& image_name, const std::string& codec_name,
               ImageCodec& codec, std::string* csv) {
  Image source, rgb;
  LCODEC_RETURN_IF_ERROR(apps::ReadImage(input_folder + "/" + image_name, &source));
  LCODEC_RETURN_IF_ERROR(ToRgb8(source, &rgb));
  std::vector<Row> rows;
  for (const double setting : codec.Settings()) {
    RoundTripResult result;
    LCODEC_RETURN_IF_ERROR(codec.RoundTrip(rgb, setting, &result));
    Distortion d;
    LCODEC_RETURN_IF_ERROR(MeasureDistortion(rgb, result.decoded, &d));
    Row r;
    r.image = image_name;
    r.codec = codec_name;
    r.setting = setting;
    r.width = rgb.width;
    r.height = rgb.height;
    r.bytes = result.bytes;
    r.bpp = 8.0 * result.bytes / (static_cast<double>(rgb.width) * rgb.height);
    r.psnr_rgb = d.psnr_rgb;
    r.psnr_y = d.psnr_y;
    r.ms_ssim = d.ms_ssim;
    r.encode_seconds = result.encode_seconds;
    r.decode_seconds = result.decode_seconds;
    rows.push_back(r);
  }
  *csv = RowsToCsv(rows);
  return Status::Ok();
}

int CodecRank(const std::string& codec) {
  const std::vector<std::string>& names = ImageCodecNames();
  return static_cast<int>(std::find(names.begin(), names.end(), codec) - names.begin());
}

void SortRows(std::vector<Row>* rows) {
  std::sort(rows->begin(), rows->end(), [](const Row& a, const Row& b) {
    if (a.image != b.image) return a.image < b.image;
    if (a.codec != b.codec) return CodecRank(a.codec) < CodecRank(b.codec);
    return a.setting < b.setting;
  });
}

}  // namespace

Status ListImages(const std::string& folder, std::vector<std::string>* names) {
  static const std::set<std::string> kExtensions = {".png", ".jpg", ".jpeg", ".ppm", ".pgm", ".bmp",
                                                    ".tif", ".tiff", ".webp"};
  return ListFiles(
      folder,
      [](const std::string& name) {
        std::string extension = fs::path(name).extension().string();
        std::transform(extension.begin(), extension.end(), extension.begin(), ::tolower);
        return kExtensions.count(extension) > 0;
      },
      "images (.png, .jpg, .ppm, .bmp, .tif, .webp)", names);
}

Status RunImageEval(const ImageRunOptions& o, std::vector<Row>* rows, ImageRunSummary* summary) {
  ItemRunOptions run;
  run.input_folder = o.input_folder;
  run.output_folder = o.output_folder;
  run.media = "image";
  LCODEC_RETURN_IF_ERROR(ListImages(o.input_folder, &run.inputs));
  run.codecs = o.codecs;
  run.shard = o.shard;
  run.jobs = std::max(1, o.jobs);
  run.progress = o.progress;
  // One codec instance per worker; worker 0's are made first, which checks
  // every codec (and loads the model) before any work starts.
  std::vector<std::map<std::string, std::unique_ptr<ImageCodec>>> instances(run.jobs);
  for (const std::string& codec : o.codecs) {
    LCODEC_RETURN_IF_ERROR(MakeImageCodec(codec, o.codec_options, &instances[0][codec]));
    run.configs[codec] = instances[0][codec]->Config();
  }
  run.run_item = [&](int worker, const std::string& image, const std::string& codec_name, std::string* csv) {
    std::unique_ptr<ImageCodec>& codec = instances[worker][codec_name];
    if (!codec) LCODEC_RETURN_IF_ERROR(MakeImageCodec(codec_name, o.codec_options, &codec));
    return RunItem(o.input_folder, image, codec_name, *codec, csv);
  };
  std::vector<std::string> csvs;
  LCODEC_RETURN_IF_ERROR(RunItems(run, &csvs, summary));
  rows->clear();
  for (const std::string& csv : csvs) LCODEC_RETURN_IF_ERROR(RowsFromCsv(csv, rows));
  SortRows(rows);
  return Status::Ok();
}

Status LoadShardRows(const std::vector<std::string>& folders, std::vector<Row>* rows, std::vector<std::string>* codecs) {
  std::string media;
  std::vector<std::string> csvs;
  LCODEC_RETURN_IF_ERROR(LoadShardItems(folders, &media, codecs, &csvs));
  if (media != "image") return Status::InvalidArgument("the shards hold an " + media + " run, not an image run");
  rows->clear();
  for (const std::string& csv : csvs) LCODEC_RETURN_IF_ERROR(RowsFromCsv(csv, rows));
  SortRows(rows);
  return Status::Ok();
}

}  // namespace lcodec::eval
