#!/usr/bin/env python3
"""Study (issue 6): does conditioning a video frame's entropy model on the
previous frame's decoded latent save bits over intra-only coding?

    cd models && /usr/bin/python3 temporal_study.py --checkpoint CKPT --clip CLIP [--clip CLIP ...]
        [--qualities 2,4,6] [--frames 30] [--conditioner FILE [--train-conditioner DIR --train-minutes 30]]

The image model's transforms stay frozen: every method codes the same latent
y = g_a(x) * gain with the same quantizer, only the entropy model (the mean
mu and scale sigma that code round(y - mu)) changes, so reconstruction and
PSNR stay as intra up to the quantization offset that a different mu gives.
Bits are the model's estimate (-log2 of the Gaussian/factorized
likelihoods), with scales snapped to the codec's 64-entry scale table as the
integer hyper-synthesis does. Frame 0 is intra everywhere; reported bits are
the mean over frames 1..N-1, closed loop (each frame refers to the previous
frame's decoded latent under the same method).

Methods, per clip and quality:
  (a) intra: the shipped hyperprior alone;
  (b) training-free temporal prediction a decoder reproduces exactly; per
      frame the encoder picks the cheapest of
        intra,
        residual hyperprior: the hyper-analysis runs on y - y_hat[t-1], mean =
          y_hat[t-1] + the hyperprior mean of the residual,
        block modes: the intra z is sent; each latent position (one 8x8 block)
          picks intra mean, temporal mean y_hat[t-1] with the scale index
          lowered by a per-frame k, or skip (temporal with an all-zero
          residual: nothing coded); the mode map is paid at its empirical
          entropy,
        frame skip: y_hat[t-1] again, when every residual rounds to zero,
      plus 2 bits per frame for the choice;
  (c) a small learned conditioner: (y_hat[t-1], mu, sigma) -> (mu', sigma'),
      trained here on synthetic frame pairs from still photos with the image
      model frozen (--train-conditioner); per frame the encoder picks it or
      intra (1 bit);
  both: the encoder picks among all of the above per frame (does (c) add
      anything to (b)?).

Clips are anything ffmpeg reads; frames are padded to the model's multiple by
repeating edges (as runtime/image_layout.h does) and PSNR is measured on the
original area after rounding to 8 bits.
"""
import argparse
import json
import math
import os
import subprocess
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from lcodec.architectures import ARCHITECTURES, LAMBDAS
from lcodec.entropy_models import round_with_straight_through
from lcodec.data import RandomCrops
from lcodec.export import QUALITY_MIN
from lcodec.layers import conv

MODE_HEADER_BITS = 32.0  # the block-mode map's counts and the scale shift k
SCALE_SHIFTS = range(0, 33, 2)


def load_frozen_model(path: str) -> nn.Module:
    state = torch.load(path, map_location="cpu")
    model = ARCHITECTURES[state["arch"]](state["n"], state["m"])
    model.load_state_dict(state["model"])
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model


def read_clip(path: str, frames: int, start: int) -> np.ndarray:
    """uint8 (frames, H, W, 3) RGB frames start..start+frames-1."""
    probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                            "stream=width,height", "-of", "json", path], check=True, capture_output=True, text=True)
    stream = json.loads(probe.stdout)["streams"][0]
    width, height = stream["width"], stream["height"]
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-vf", f"select=gte(n\\,{start})", "-vsync", "0",
                          "-frames:v", str(frames), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         check=True, capture_output=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3).copy()


def to_padded_tensor(frame: np.ndarray, multiple: int) -> torch.Tensor:
    x = torch.from_numpy(frame.copy()).permute(2, 0, 1).unsqueeze(0).float() / 255.0
    h, w = x.shape[2:]
    pad_h, pad_w = -h % multiple, -w % multiple
    return F.pad(x, (0, pad_w, 0, pad_h), mode="replicate")


class ScaleTable:
    """Snaps scales to the codec's table the way the integer hyper-synthesis
    does (nearest entry in log scale), and shifts indexes."""

    def __init__(self, table: torch.Tensor):
        self.table = table
        self.boundaries = torch.sqrt(table[:-1] * table[1:])

    def index(self, scales: torch.Tensor) -> torch.Tensor:
        return torch.searchsorted(self.boundaries, scales.contiguous(), right=True)

    def scales(self, indexes: torch.Tensor) -> torch.Tensor:
        return self.table[indexes.clamp(0, len(self.table) - 1)]


def empirical_entropy_bits(symbols: torch.Tensor, alphabet: int) -> float:
    """What an adaptive coder pays for a symbol map, about: count * entropy."""
    counts = torch.bincount(symbols.flatten(), minlength=alphabet).double()
    probs = counts[counts > 0] / counts.sum()
    return float(-(counts[counts > 0] * torch.log2(probs)).sum()) + MODE_HEADER_BITS


class FrameCoder:
    """Estimates bits and reconstructions of one quality with the frozen model."""

    def __init__(self, model: nn.Module, quality: float):
        self.model = model
        position = torch.tensor([quality - QUALITY_MIN])
        self.gain, self.inverse_gain = model.gains(position)
        self.table = ScaleTable(model.gaussian_conditional.scale_table)

    def latent(self, x: torch.Tensor) -> torch.Tensor:
        return self.model.g_a(x) * self.gain

    def hyperprior(self, source: torch.Tensor):
        """(z bits, mean, scale index) with the hyper-analysis run on ``source``."""
        z_hat = torch.round(self.model.h_a(source))
        z_bits = float(-torch.log2(self.model.entropy_bottleneck.likelihood(z_hat)).sum())
        means, scales = self.model.hyper_parameters(z_hat)
        return z_bits, means, self.table.index(scales)

    def y_bits(self, y: torch.Tensor, means: torch.Tensor, scales: torch.Tensor) -> torch.Tensor:
        """Bits of each latent position (summed over channels): (1, 1, h, w)."""
        likelihoods = self.model.gaussian_conditional.likelihood(torch.round(y - means), scales)
        return -torch.log2(likelihoods).sum(1, keepdim=True)

    @staticmethod
    def quantize(y: torch.Tensor, means: torch.Tensor) -> torch.Tensor:
        return torch.round(y - means) + means

    def psnr(self, y_hat: torch.Tensor, original: np.ndarray) -> float:
        h, w = original.shape[:2]
        x_hat = self.model.g_s(y_hat * self.inverse_gain)[0, :, :h, :w]
        decoded = torch.round(x_hat.clamp(0, 1) * 255).permute(1, 2, 0)
        mse = float((decoded - torch.from_numpy(original).float()).pow(2).mean())
        return 10 * math.log10(255 ** 2 / max(mse, 1e-10))


def code_intra(coder: FrameCoder, y: torch.Tensor, intra):
    z_bits, means, indexes = intra
    bits = z_bits + float(coder.y_bits(y, means, coder.table.scales(indexes)).sum())
    return bits, coder.quantize(y, means), "intra"


def code_residual_hyperprior(coder: FrameCoder, y: torch.Tensor, reference: torch.Tensor):
    z_bits, residual_means, indexes = coder.hyperprior(y - reference)
    means = reference + residual_means
    bits = z_bits + float(coder.y_bits(y, means, coder.table.scales(indexes)).sum())
    return bits, coder.quantize(y, means), "residual-hyper"


def code_frame_skip(y: torch.Tensor, reference: torch.Tensor):
    """The whole frame repeats the reference latent: only the frame's choice is sent."""
    bits = 0.0 if bool((torch.round(y - reference) == 0).all()) else math.inf
    return bits, reference, "frame-skip"


INTRA_MODE, TEMPORAL_MODE, SKIP_MODE = 0, 1, 2


def code_block_modes(coder: FrameCoder, y: torch.Tensor, reference: torch.Tensor, intra):
    """Per latent position: intra mean, temporal mean with the scale index
    lowered by k, or skip; the best k per frame."""
    z_bits, means, indexes = intra
    intra_cost = coder.y_bits(y, means, coder.table.scales(indexes))
    skippable = (torch.round(y - reference) == 0).all(1, keepdim=True)
    best = None
    for k in SCALE_SHIFTS:
        temporal_cost = coder.y_bits(y, reference, coder.table.scales(indexes - k))
        costs = torch.cat([intra_cost, temporal_cost, torch.where(skippable, 0.0, math.inf)], 1)
        # Two passes: pick by residual bits, then again with each mode's
        # cost in the map (-log2 of its frequency) added.
        modes = costs.argmin(1)
        counts = torch.bincount(modes.flatten(), minlength=3).double()
        flag_bits = -torch.log2((counts + 0.5) / (counts.sum() + 1.5)).float().reshape(1, 3, 1, 1)
        modes = (costs + flag_bits).argmin(1, keepdim=True)
        bits = z_bits + float(costs.gather(1, modes).sum()) + empirical_entropy_bits(modes, 3)
        if best is None or bits < best[0]:
            best = bits, modes, k
    bits, modes, k = best
    y_hat = torch.where(modes == INTRA_MODE, coder.quantize(y, means), coder.quantize(y, reference))
    share = modes.flatten().bincount(minlength=3).float() / modes.numel()
    return bits, y_hat, f"blocks(k={k},T={share[TEMPORAL_MODE]:.2f},S={share[SKIP_MODE]:.2f})"


class Conditioner(nn.Module):
    """(y_hat[t-1], intra mu, intra sigma) -> (mu', sigma') for frame t.

    Works in units of the intra scale, so one network serves every quality:
    input (y_hat[t-1] - mu) / sigma and log sigma, output mu' = mu + sigma * a
    and sigma' = sigma * exp(b). The last layer starts at zero: the
    conditioner starts as the intra model and learns where the past helps.
    """

    def __init__(self, m: int = 192, hidden: int = 128):
        super().__init__()
        self.m = m
        self.net = nn.Sequential(conv(2 * m, hidden, 3, 1), nn.ReLU(inplace=True), conv(hidden, hidden, 3, 1),
                                 nn.ReLU(inplace=True), conv(hidden, 2 * m, 3, 1))
        nn.init.zeros_(self.net[-1].weight)
        nn.init.zeros_(self.net[-1].bias)

    def forward(self, reference: torch.Tensor, means: torch.Tensor, scales: torch.Tensor):
        normalized = ((reference - means) / scales).clamp(-20, 20)
        shift, log_factor = self.net(torch.cat([normalized, torch.log(scales)], 1)).chunk(2, 1)
        return means + scales * shift, scales * torch.exp(log_factor.clamp(-8, 4))


def code_conditioned(coder: FrameCoder, conditioner: Conditioner, y: torch.Tensor, reference: torch.Tensor, intra):
    z_bits, means, indexes = intra
    new_means, new_scales = conditioner(reference, means, coder.table.scales(indexes))
    scales = coder.table.scales(coder.table.index(new_scales))
    bits = z_bits + float(coder.y_bits(y, new_means, scales).sum())
    return bits, coder.quantize(y, new_means), "conditioned"


class FramePairs:
    """Synthetic (previous, current) pairs from still photos: the current
    frame is the crop shifted by up to ``shift`` pixels with a small
    brightness change and sensor noise; a quarter of the pairs are
    identical (a still scene)."""

    def __init__(self, folder: str, crop: int, shift: int = 4, seed: int = 0):
        self.crops = RandomCrops(folder, crop + 2 * shift, seed)
        self.crop, self.shift = crop, shift
        self.generator = torch.Generator().manual_seed(seed + 1)

    def _uniform(self, size, low: float, high: float) -> torch.Tensor:
        return low + (high - low) * torch.rand(size, generator=self.generator)

    def batch(self, size: int):
        big = self.crops.batch(size)
        s, c = self.shift, self.crop
        previous = big[:, :, s:s + c, s:s + c]
        current = []
        for item in big:
            if float(torch.rand(1, generator=self.generator)) < 0.25:
                current.append(item[:, s:s + c, s:s + c])
                continue
            dy, dx = (int(v) for v in torch.randint(-s, s + 1, (2,), generator=self.generator))
            frame = item[:, s + dy:s + dy + c, s + dx:s + dx + c] * self._uniform(1, 0.97, 1.03)
            frame = frame + torch.randn(frame.shape, generator=self.generator) * self._uniform(1, 0.0, 2 / 255)
            current.append(torch.round(frame.clamp(0, 1) * 255) / 255)
        return previous, torch.stack(current)


def train_conditioner(model: nn.Module, folder: str, minutes: float, path: str, batch: int, crop: int) -> Conditioner:
    """Minimises the bits of the current frame's latent with the image model
    frozen; the previous
    frame's latent is its intra decoded latent at a random quality."""
    conditioner = Conditioner(model.m)
    optimizer = torch.optim.Adam(conditioner.parameters(), lr=3e-4)
    pairs = FramePairs(folder, crop)
    table = ScaleTable(model.gaussian_conditional.scale_table)
    deadline, step, window = time.time() + 60 * minutes, 0, []
    while time.time() < deadline:
        previous, current = pairs.batch(batch)
        positions = torch.randint(len(LAMBDAS), (batch,)).float()
        with torch.no_grad():
            gain, _ = model.gains(positions)
            y_previous, y = model.g_a(previous) * gain, model.g_a(current) * gain
            previous_means, _ = model.hyper_parameters(torch.round(model.h_a(y_previous)))
            reference = FrameCoder.quantize(y_previous, previous_means)
            z_hat = torch.round(model.h_a(y))
            intra_means, intra_scales = model.hyper_parameters(z_hat)
            intra_scales = table.scales(table.index(intra_scales))
            intra_bits = -torch.log2(model.gaussian_conditional.likelihood(torch.round(y - intra_means),
                                                                           intra_scales)).sum()
        means, scales = conditioner(reference, intra_means, intra_scales)
        # The decoder's rounded residual, with straight-through gradients to
        # the mean (uniform noise would overrate small scales' cost).
        residuals = round_with_straight_through(y - means)
        bits = -torch.log2(model.gaussian_conditional.likelihood(residuals, scales)).sum()
        optimizer.zero_grad()
        (bits / previous.numel() * 3).backward()
        torch.nn.utils.clip_grad_norm_(conditioner.parameters(), 1.0)
        optimizer.step()
        step += 1
        window.append(float(bits) / float(intra_bits))
        if step % 50 == 0:
            print(f"conditioner step {step}: bits / intra bits {sum(window) / len(window):.3f}", flush=True)
            window = []
            torch.save(conditioner.state_dict(), path)
    torch.save(conditioner.state_dict(), path)
    return conditioner.eval()


@torch.no_grad()
def study_clip(model: nn.Module, frames: np.ndarray, quality: float, conditioner) -> dict:
    coder = FrameCoder(model, quality)
    methods = ["intra", "temporal"] + (["learned", "both"] if conditioner is not None else [])
    bits = {name: [] for name in methods}
    psnr = {name: [] for name in methods}
    choices = {name: [] for name in methods}
    references = {}
    for t, frame in enumerate(frames):
        y = coder.latent(to_padded_tensor(frame, model.downsampling))
        intra = coder.hyperprior(y)
        for name in methods:
            candidates = [code_intra(coder, y, intra)]
            if t > 0 and name in ("temporal", "both"):
                candidates += [code_residual_hyperprior(coder, y, references[name]),
                               code_block_modes(coder, y, references[name], intra),
                               code_frame_skip(y, references[name])]
            if t > 0 and name in ("learned", "both"):
                candidates.append(code_conditioned(coder, conditioner, y, references[name], intra))
            frame_bits, y_hat, choice = min(candidates, key=lambda c: c[0])
            frame_bits += math.log2(len(candidates))  # which candidate codes the frame
            references[name] = y_hat
            if t > 0:
                bits[name].append(frame_bits)
                psnr[name].append(coder.psnr(y_hat, frame))
                choices[name].append(choice)
    return {"bits": {k: float(np.mean(v)) for k, v in bits.items()},
            "psnr": {k: float(np.mean(v)) for k, v in psnr.items()},
            "choices": choices}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", required=True, help="image training checkpoint (dct-hyperprior)")
    p.add_argument("--clip", action="append", default=[], help="video file (repeatable)")
    p.add_argument("--frames", type=int, default=30, help="frames per clip (the first is intra)")
    p.add_argument("--start", type=int, default=0, help="first frame of each clip")
    p.add_argument("--qualities", default="2,4,6", help="CLI qualities (1..8)")
    p.add_argument("--conditioner", help="learned conditioner weights: read, or written by --train-conditioner")
    p.add_argument("--train-conditioner", metavar="DIR", help="train the conditioner on pairs made from these images")
    p.add_argument("--train-minutes", type=float, default=30.0)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--crop", type=int, default=128)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--json", help="also write the results here")
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = load_frozen_model(args.checkpoint)
    conditioner = None
    if args.train_conditioner:
        if not args.conditioner:
            p.error("--train-conditioner needs --conditioner (where to write it)")
        conditioner = train_conditioner(model, args.train_conditioner, args.train_minutes, args.conditioner,
                                        args.batch, args.crop)
    elif args.conditioner:
        conditioner = Conditioner(model.m)
        conditioner.load_state_dict(torch.load(args.conditioner, map_location="cpu"))
        conditioner.eval()

    results = []
    for clip in args.clip:
        frames = read_clip(clip, args.frames, args.start)
        h, w = frames.shape[1:3]
        for quality in (float(q) for q in args.qualities.split(",")):
            r = study_clip(model, frames, quality, conditioner)
            r.update(clip=os.path.basename(clip), quality=quality, frames=len(frames), width=w, height=h)
            results.append(r)
            intra = r["bits"]["intra"]
            line = f"{r['clip']} {w}x{h} q{quality:g} ({len(frames) - 1} inter frames): " \
                   f"intra {intra:.0f} bits/frame {r['psnr']['intra']:.2f} dB"
            for name in r["bits"]:
                if name != "intra":
                    saving = 100 * (1 - r["bits"][name] / intra)
                    line += f" | {name} {r['bits'][name]:.0f} ({saving:+.1f} % saved) {r['psnr'][name]:.2f} dB"
            print(line, flush=True)
            for name, picks in r["choices"].items():
                if name != "intra":
                    kinds = {}
                    for pick in picks:
                        kinds[pick.split("(")[0]] = kinds.get(pick.split("(")[0], 0) + 1
                    print(f"    {name} frames coded as {kinds}; last: {picks[-1]}", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
