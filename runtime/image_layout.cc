#include "runtime/image_layout.h"

namespace lcodec::runtime {

torch::Tensor ImageToTensor(const Image& image, int multiple) {
  const double peak = (1 << image.bit_depth) - 1;
  torch::Tensor hwc = torch::from_blob(const_cast<uint16_t*>(image.samples.data()),
                                       {image.height, image.width, image.channels}, torch::kInt16)
                          .to(torch::kInt32)
                          .bitwise_and(0xFFFF);  // the samples are unsigned
  torch::Tensor x = hwc.permute({2, 0, 1}).unsqueeze(0).to(torch::kFloat) / peak;
  if (image.channels == 1) x = x.expand({1, 3, image.height, image.width});
  const int64_t pad_h = PaddedSize(image.height, multiple) - image.height;
  const int64_t pad_w = PaddedSize(image.width, multiple) - image.width;
  if (pad_h || pad_w) {
    x = torch::nn::functional::pad(x.contiguous(), torch::nn::functional::PadFuncOptions({0, pad_w, 0, pad_h})
                                                      .mode(torch::kReplicate));
  }
  return x.contiguous();
}

void TensorToImage(const torch::Tensor& x, int width, int height, int channels, int bit_depth, Image* out) {
  const double peak = (1 << bit_depth) - 1;
  torch::Tensor rgb = x.index({0, torch::indexing::Slice(), torch::indexing::Slice(0, height),
                               torch::indexing::Slice(0, width)});
  // Gray: the mean of the three channels the model reconstructed.
  if (channels == 1) rgb = rgb.mean(0, /*keepdim=*/true);
  torch::Tensor hwc = (rgb * peak).round().clamp(0, peak).permute({1, 2, 0}).to(torch::kInt32).contiguous();
  out->width = width;
  out->height = height;
  out->channels = channels;
  out->bit_depth = bit_depth;
  out->samples.resize(static_cast<size_t>(width) * height * channels);
  const int32_t* src = hwc.data_ptr<int32_t>();
  for (size_t i = 0; i < out->samples.size(); ++i) out->samples[i] = static_cast<uint16_t>(src[i]);
}

}  // namespace lcodec::runtime
