#!/usr/bin/env python3
"""Train an lcodec audio model, resuming from its checkpoint if one exists.

    /usr/bin/python3 models/train_audio.py --data DIR --checkpoint PATH [--steps N]
        [--export FILE --export-minutes 20]

DIR holds audio files of any rate and channel count; they are decoded once
(ffmpeg) to 48 kHz float channels cached in --cache. The files listed in
models/audio_val_split.txt are never trained on: they are the validation
set, reported every --val-every steps (kbps, SNR, mel distance, speech and
music apart).

Each step draws a random rate level per crop and minimises
bits per sample + lambda[level] * distortion (audio_losses.distortion:
multi-resolution log-mel distance + normalized time-domain error), so one
set of weights learns every level. The lambdas adapt as training goes so
that each level's rate tends to its target (RATE_TARGETS_KBPS, on the mixed
training material): with a short training budget, guessing lambdas that
land on 6..64 kbps is unreliable, and this makes the quality range a
specification instead of an accident. With --export, the current weights
are also exported (atomically) to a model file every --export-minutes.
"""
import argparse
import copy
import os
import time

import torch

from lcodec.audio_architectures import FRONT_ENDS, SAMPLE_RATE, AudioHyperprior
from lcodec.audio_data import RandomAudioCrops, calibration_signals, list_audio, load_signals, read_split
from lcodec.audio_export import export_audio_model
from lcodec.audio_losses import MelDistance, bits_per_sample, distortion, kbps
from lcodec.audio_validation import evaluate, prepare, summary
from lcodec.training import optimization_step
from train import save_atomically

# Per-level target rates (geometric, 5 to 80 kbps on the training mix of
# speech and music; music alone lands higher, speech lower).
RATE_TARGETS_KBPS = tuple(5.0 * (80.0 / 5.0) ** (i / 7) for i in range(8))
LAMBDA_RANGE = (1e-3, 1e4)
AUX_LR = 0.05
# Where mdct-power's synthesis weights live in mdct-noise (--init-from).
RENAMED_FROM = {("mdct-power", "mdct-noise"): {"g_s.0.": "g_s.post."}}


@torch.no_grad()
def adapt_lambdas(lambdas: torch.Tensor, levels: torch.Tensor, rate_kbps: torch.Tensor, speed: float) -> None:
    """Dual ascent on the rate constraints: a level above its target rate gets a
    smaller lambda (distortion matters less), one below it a larger one."""
    targets = torch.tensor(RATE_TARGETS_KBPS)
    for level in levels.unique():
        mean_rate = rate_kbps[levels == level].mean().clamp(min=1e-3)
        error = torch.log(mean_rate / targets[level])
        lambdas[level] = (lambdas[level] * torch.exp(-speed * error)).clamp(*LAMBDA_RANGE)


def initialize_from(model: AudioHyperprior, front: str, path: str) -> None:
    state = torch.load(path, map_location="cpu")
    renames = RENAMED_FROM.get((state["front"], front), {})
    weights = {}
    for key, value in state["model"].items():
        for old, new in renames.items():
            if key.startswith(old):
                key = new + key[len(old):]
        weights[key] = value
    try:
        missing, unexpected = model.load_state_dict(weights, strict=False)
    except RuntimeError as e:
        raise SystemExit(f"{path} does not fit {front}: {e}")
    if unexpected:
        raise SystemExit(f"{path} holds weights that {front} has no place for: {', '.join(unexpected[:5])}")
    print(f"initialized from {path} ({state['front']}, step {state['step']}); new: {', '.join(missing) or 'none'}",
          flush=True)


def export_now(model: AudioHyperprior, calibration, path: str, step: int) -> None:
    tmp = path + ".tmp"
    export_audio_model(copy.deepcopy(model), calibration, tmp, "audio-msh", step)
    os.replace(tmp, path)
    print(f"exported step {step} to {path} ({os.path.getsize(path) / 1e6:.2f} MB)", flush=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="folder of training audio (the validation files are skipped)")
    p.add_argument("--checkpoint", required=True, help="checkpoint file (read if present, rewritten as training goes)")
    p.add_argument("--cache", default="/work/checkpoints/audio-cache", help="decoded-audio cache folder")
    p.add_argument("--front", default="mdct-noise", choices=sorted(FRONT_ENDS))
    p.add_argument("--init-from", help="start a new --checkpoint from another checkpoint's weights (its gains, "
                   "transforms and entropy models; layers it lacks keep their initial values)")
    p.add_argument("--c", type=int, default=192)
    p.add_argument("--m", type=int, default=256)
    p.add_argument("--n", type=int, default=64)
    p.add_argument("--steps", type=int, default=1_000_000, help="stop after this many steps in total")
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--crop", type=int, default=32768, help="samples per crop (a multiple of 2048)")
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--lambda-speed", type=float, default=0.01,
                   help="log-lambda change per step per unit of log rate error (0: fixed lambdas)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--save-every", type=int, default=100)
    p.add_argument("--val-every", type=int, default=500)
    p.add_argument("--export", help="model file to export to every --export-minutes")
    p.add_argument("--export-minutes", type=float, default=20)
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    validation = set(read_split())
    names = list_audio(args.data)
    train_names = [n for n in names if n not in validation]
    val_names = [n for n in names if n in validation]
    if not val_names:
        raise SystemExit(f"none of the validation files of the split are in {args.data}")

    model = AudioHyperprior(args.c, args.m, args.n, args.front)
    aux_params = [p for name, p in model.named_parameters() if name.endswith("quantiles")]
    gain_params = [p for name, p in model.named_parameters() if "gain" in name]
    density_params = [p for name, p in model.named_parameters()
                      if name.startswith("entropy_bottleneck.") and not name.endswith("quantiles")]
    main_params = [p for name, p in model.named_parameters()
                   if not name.endswith("quantiles") and "gain" not in name and not name.startswith("entropy_bottleneck.")]
    # Gains (few, they set each level's rate) and the hyper-latent density
    # learn 10x faster: with the base rate, the density was still ~8 values
    # wide after 2000 steps, so an all-zero hyper-latent cost 3 bits a value.
    optimizer = torch.optim.Adam([{"params": main_params}, {"params": gain_params, "lr_scale": 10.0},
                                  {"params": density_params, "lr_scale": 10.0}], lr=args.lr)
    aux_optimizer = torch.optim.Adam(aux_params)
    step = 0
    if os.path.exists(args.checkpoint):
        state = torch.load(args.checkpoint, map_location="cpu")
        if (state["front"], state["c"], state["m"], state["n"]) != (args.front, args.c, args.m, args.n):
            raise SystemExit(f"{args.checkpoint} holds another architecture: "
                             f"{state['front']} c={state['c']} m={state['m']} n={state['n']}")
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        aux_optimizer.load_state_dict(state["aux_optimizer"])
        step = state["step"]
        print(f"resumed from {args.checkpoint} at step {step}", flush=True)
    elif args.init_from:
        initialize_from(model, args.front, args.init_from)
    for group in optimizer.param_groups:
        group["lr"] = args.lr * group.get("lr_scale", 1.0)
    # The quantiles only set the table ranges; with few steps they must move fast.
    for group in aux_optimizer.param_groups:
        group["lr"] = AUX_LR

    train_signals = load_signals(args.data, train_names, SAMPLE_RATE, args.cache)
    data = RandomAudioCrops(train_signals, args.crop, seed=args.seed * 1_000_003 + step)
    val_signals = prepare([(name, signal) for name in val_names
                           for signal in load_signals(args.data, [name], SAMPLE_RATE, args.cache)],
                          model.downsampling)
    calibration = calibration_signals(args.data, args.cache, SAMPLE_RATE)
    print(f"{len(train_names)} training files ({len(train_signals)} channels), {len(val_names)} validation files; "
          f"{args.front} c={args.c} m={args.m} n={args.n}, "
          f"{sum(p.numel() for p in model.parameters()) / 1e6:.2f}M parameters", flush=True)
    mel = MelDistance(SAMPLE_RATE)
    model.train()
    started, window, last_export = time.time(), [], time.time()
    while step < args.steps:
        x = data.batch(args.batch)
        levels = torch.randint(model.levels, (args.batch,))
        out = model(x, levels.float())
        rate = bits_per_sample(out["likelihoods"], x.shape[-1])
        dist = distortion(mel, x, out["x_hat"])
        loss = (rate + model.lambdas[levels] * dist).mean()
        aux_loss = optimization_step(loss, model, optimizer, aux_optimizer, main_params + gain_params)
        coded_kbps = bits_per_sample(out["coded_likelihoods"], x.shape[-1]) * SAMPLE_RATE / 1000
        adapt_lambdas(model.lambdas, levels, coded_kbps, args.lambda_speed)
        step += 1
        window.append((float(loss), kbps(float(rate.mean()), SAMPLE_RATE), float(coded_kbps.mean()),
                       float(dist.mean())))
        if step % 50 == 0:
            n = len(window)
            l, r, c, d = (sum(v[i] for v in window) / n for i in range(4))
            print(f"step {step} loss {l:.4f} kbps {r:.2f} (coded {c:.2f}) distortion {d:.4f} aux {float(aux_loss):.1f} "
                  f"{(time.time() - started) / n:.2f}s/step lambdas "
                  f"{' '.join(f'{v:.3g}' for v in model.lambdas.tolist())}", flush=True)
            started, window = time.time(), []
        if step % args.save_every == 0 or step == args.steps:
            save_atomically({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                             "aux_optimizer": aux_optimizer.state_dict(), "step": step, "front": args.front,
                             "c": args.c, "m": args.m, "n": args.n}, args.checkpoint)
        if step % args.val_every == 0 or step == args.steps:
            print(f"val step {step}: {summary(evaluate(model, val_signals, [0, 3, 7], mel))}", flush=True)
        if args.export and (time.time() - last_export > 60 * args.export_minutes or step == args.steps):
            export_now(model, calibration, args.export, step)
            last_export = time.time()


if __name__ == "__main__":
    main()
