"""Fit decoder-side reconstruction offsets for an exported image model and
write a copy of the model file that holds them (format version 3).

The decoder reconstructs a latent value coded as the integer residual r as
mean + r. The encoder's rate-distortion rounding moves residuals toward zero
whenever the bits saved are worth the error, so the values behind a coded
r != 0 are not centred on r: the synthesis does better with
mean + r + sign(r) * offset[level][min(|r|, 3) - 1][scale index]. This script
measures those offsets on training photos, per trained quality level, by
Gauss-Newton steps on the pixels' squared error (the latent-domain centroid
is not the right target: the learned transforms around the block DCT are
not orthonormal). The context and every entropy-coding decision are
untouched, so parsing stays exact; the decoder adds the offsets only to the
synthesis input.

    /usr/bin/python3 models/fit_reconstruction_offsets.py \
        --model models/zoo/image-msh.lcm --images ../shared/datasets/images/train \
        --output /tmp/image-msh-offsets.lcm
"""
import argparse
import json
import math
import os
import random
import sys

import torch

from lcodec.data import list_images, load_rgb
from lcodec.entropy_models import default_scale_table
from lcodec.export import QUALITY_MIN, widen_half_weights

OFFSETS_FORMAT_VERSION = 3
MAGNITUDES = 3  # |r| = 1, 2, >= 3
SCALES = torch.tensor(default_scale_table(), dtype=torch.float32)  # the latent's CDFs, one per scale index
SCALE_COUNT = len(SCALES)
MIN_VALUES = 200  # fewer coded values in a bucket: its offset stays 0


def load_photo(path: str, multiple: int, size: int) -> torch.Tensor:
    """(1, 3, h, w): a centred crop of at most size x size, cut to the model's multiple."""
    pixels = load_rgb(path).float() / 255.0
    height, width = (min(s, size) // multiple * multiple for s in pixels.shape[1:])
    top, left = (pixels.shape[1] - height) // 2, (pixels.shape[2] - width) // 2
    return pixels[:, top:top + height, left:left + width].unsqueeze(0).contiguous()


def gaussian_bits(residual: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    def cdf(v):
        return 0.5 * torch.erfc(-v / math.sqrt(2))
    p = cdf((residual + 0.5) / scale) - cdf((residual - 0.5) / scale)
    return -torch.log2(p.clamp(min=1e-9))


def code_like_encoder(model, y, quality):
    """The C++ encoder's coding order and rate-distortion rounding
    (encoder/rdo_rounding.h), with Gaussian bits in place of the CDF tables.
    Returns y_hat (mean + r), r and the scale index of every value."""
    z_hat = torch.round(model.hyper_analysis(y))
    base_means, base_indexes = model.hyper_synthesis(z_hat)
    weights = model.quantization_weights(quality).float()
    sizes, order = model.slice_sizes.tolist(), model.slice_channels.long()
    height, width = y.shape[2:]
    rows, cols = torch.arange(height).reshape(-1, 1), torch.arange(width).reshape(1, -1)
    anchors = ((rows + cols) % 2 == 0).reshape(1, 1, height, width)
    y_hat, residuals, indexes = torch.zeros_like(y), torch.zeros_like(y), torch.zeros_like(y, dtype=torch.long)
    start = 0
    for k, size in enumerate(sizes):
        channels = order[start:start + size]
        start += size
        for anchor_pass in (True, False):
            means, step_indexes = model.slice_prior(k, y_hat, base_means, base_indexes)
            scale = SCALES[step_indexes.long()]
            error = y.index_select(1, channels) - means
            r = torch.round(error)
            closer = r - torch.sign(r)
            w = weights[channels].reshape(1, -1, 1, 1)
            keep_cost = w * (error - r) ** 2 + gaussian_bits(r, scale)
            closer_cost = w * (error - closer) ** 2 + gaussian_bits(closer, scale)
            r = torch.where((r != 0) & (closer_cost < keep_cost), closer, r)
            mask = anchors if anchor_pass else ~anchors
            for target, value in ((y_hat, r + means), (residuals, r), (indexes, step_indexes.long())):
                target.index_copy_(1, channels, torch.where(mask, value, target.index_select(1, channels)))
    return y_hat, residuals, indexes


def buckets(residuals, indexes):
    magnitude = residuals.abs().clamp(max=MAGNITUDES).long() - 1  # -1 for r = 0
    return magnitude * SCALE_COUNT + indexes, residuals != 0


def fit_level(model, photos, level, iterations):
    """Offsets (MAGNITUDES, SCALE_COUNT) for one trained level by Gauss-Newton on
    the summed squared pixel error; the block DCT's curvature (2 * inverse
    gain^2 per unit) stands in for the Hessian's diagonal. Also returns the
    error before each iteration and after the last."""
    quality = QUALITY_MIN + level
    inverse_gain = torch.exp(model.log_inverse_gain.float()[level])
    coded = []
    with torch.no_grad():
        for x in photos:
            y_hat, residuals, indexes = code_like_encoder(model, model.analysis(x, quality), quality)
            coded.append((x, y_hat, residuals, indexes))
    offsets = torch.zeros(MAGNITUDES * SCALE_COUNT)
    counts = torch.zeros(MAGNITUDES * SCALE_COUNT)
    curvature = torch.zeros(MAGNITUDES * SCALE_COUNT)
    for x, _, residuals, indexes in coded:
        keys, nonzero = buckets(residuals, indexes)
        c = (2 * inverse_gain ** 2).reshape(1, -1, 1, 1).expand_as(residuals)
        counts.index_add_(0, keys[nonzero], torch.ones(int(nonzero.sum())))
        curvature.index_add_(0, keys[nonzero], c[nonzero])
    usable = counts >= MIN_VALUES
    errors = []
    for iteration in range(iterations + 1):
        gradient = torch.zeros_like(offsets)
        total_error = 0.0
        for x, y_hat, residuals, indexes in coded:
            keys, nonzero = buckets(residuals, indexes)
            shift = torch.zeros_like(y_hat)
            shift[nonzero] = torch.sign(residuals[nonzero]) * offsets[keys[nonzero]]
            y_in = (y_hat + shift).requires_grad_(True)
            error = ((model.synthesis(y_in, quality) - x) ** 2).sum()
            (g,) = torch.autograd.grad(error, [y_in])
            total_error += float(error)
            gradient.index_add_(0, keys[nonzero], (g * torch.sign(residuals))[nonzero])
        errors.append(total_error)
        pixels = sum(x.numel() for x in photos)
        print(f"  q{quality:g} iteration {iteration}: MSE {total_error / pixels:.4e} "
              f"(PSNR {-10 * math.log10(total_error / pixels):.3f} dB)", flush=True)
        if iteration == iterations:
            break
        step = torch.where(usable, -gradient / curvature.clamp(min=1e-12), torch.zeros_like(gradient))
        offsets = (offsets + step).clamp(-0.5, 0.5)
    return offsets.reshape(MAGNITUDES, SCALE_COUNT), errors


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="an exported image model with a slice context")
    p.add_argument("--images", required=True, help="folder of training photos")
    p.add_argument("--output", required=True)
    p.add_argument("--name", help="the written model's name (default: the input's)")
    p.add_argument("--count", type=int, default=16, help="photos to fit on")
    p.add_argument("--crop", type=int, default=512, help="largest side of each photo's centred crop")
    p.add_argument("--iterations", type=int, default=2)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)

    model = torch.jit.load(args.model, map_location="cpu")
    widen_half_weights(model)
    if int(model.format_version) != 2:
        sys.exit(f"{args.model}: expected a format 2 model (slice context, no offsets)")
    paths = list_images(args.images)
    random.Random(0).shuffle(paths)
    multiple = int(model.downsampling)
    photos = [load_photo(path, multiple, args.crop) for path in paths[:args.count]]
    levels = model.log_lambdas.numel()
    table = torch.stack([fit_level(model, photos, level, args.iterations)[0] for level in range(levels)])

    write_with_offsets(args.model, table, args.output,
                       {"photos": len(photos), "crop": args.crop, "iterations": args.iterations}, args.name)
    print(f"wrote {args.output}")


def write_with_offsets(model_path: str, table: torch.Tensor, output_path: str, fit: dict, name: str = None) -> None:
    """Writes model_path's file with the buffer reconstruction_offsets =
    `table` (levels, MAGNITUDES, SCALE_COUNT) as format version 3, renamed
    if `name` is given, the manifest noting `fit`; atomically (a .partial
    file renamed)."""
    extra = {"manifest.json": ""}
    output = torch.jit.load(model_path, map_location="cpu", _extra_files=extra)
    output._c._register_attribute("reconstruction_offsets", torch._C.TensorType.get(), table.float().contiguous())
    output._c.setattr("format_version", OFFSETS_FORMAT_VERSION)
    manifest = json.loads(extra["manifest.json"])
    manifest["format_version"] = OFFSETS_FORMAT_VERSION
    if name:
        output._c.setattr("name", name)
        manifest["name"] = name
    manifest["reconstruction_offsets"] = fit
    temporary = output_path + ".partial"
    output.save(temporary, _extra_files={"manifest.json": json.dumps(manifest, indent=1)})
    os.replace(temporary, output_path)


if __name__ == "__main__":
    main()
