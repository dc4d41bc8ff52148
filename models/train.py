#!/usr/bin/env python3
"""Train an lcodec image model, resuming from its checkpoint if one exists.

    /usr/bin/python3 models/train.py --train DIR --val DIR --checkpoint PATH [--steps N]

Checkpoints vanish with the machine; the shipped model file does not. With
--init-from models/zoo/image-msh.lcm a new checkpoint starts from the
transforms and gains stored there (the hyper-synthesis and the entropy
bottleneck are stored only in integer/table form, so those two restart).

Each step draws a random rate level per crop and minimises
lambda[level] * 255^2 * MSE + bpp, so one set of weights learns every level.
Checkpoints belong outside the repository; training resumes from them.

--only-context trains the slice context (dct-context) and the hyper-latent's
entropy bottleneck alone, everything else frozen: the distortion does not
depend on them, so the loss is the rate and no synthesis runs. It adds a
context to a trained dct-hyperprior: --arch dct-context --init-from
models/zoo/image-msh.lcm --only-context.

--init-from also takes a training checkpoint (.pt) of a smaller
architecture: every tensor whose name and shape match is copied, and the
rest (a layer the bigger architecture adds) keeps its fresh start; --lr-for
gives those new parameters a learning rate of their own, for example
--arch dct-context-quarter-filter --init-from dct-context.pt --lr-for g_s.4.=1e-4.
"""
import argparse
import json
import math
import os
import time

import torch
import torch.nn.functional as F

from lcodec.architectures import ARCHITECTURES, LAMBDAS
from lcodec.data import RandomCrops, list_images, load_rgb
from lcodec.context_models import float_slice_context
from lcodec.integer_hyper import float_hyper_synthesis
from lcodec.layers import Residual
from lcodec.training import optimization_step


def rate_bpp(likelihoods: dict, pixels: int) -> torch.Tensor:
    """Estimated bits per pixel of each batch item."""
    bits = sum(-torch.log2(lik).flatten(1).sum(1) for lik in likelihoods.values())
    return bits / pixels


def save_atomically(state: dict, path: str) -> None:
    tmp = path + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)


@torch.no_grad()
def validate(model, images, levels) -> str:
    model.eval()
    parts = []
    for level in levels:
        bpps, psnrs = [], []
        for img in images:
            x = img.unsqueeze(0).float() / 255.0
            out = model(x, torch.tensor([float(level)]))
            bpps.append(float(rate_bpp(out["likelihoods"], x.shape[2] * x.shape[3])))
            mse = F.mse_loss(out["x_hat"].clamp(0, 1), x)
            psnrs.append(float(-10 * math.log10(float(mse))))
        parts.append(f"q{level + 1}: {sum(bpps) / len(bpps):.3f} bpp {sum(psnrs) / len(psnrs):.2f} dB")
    model.train()
    return " | ".join(parts)


# What a model file stores in float form (fp16) that training can start from.
WARM_START_PREFIXES = ("g_a.", "g_s.", "h_a.", "log_gain", "log_inverse_gain")


def warm_start(model: torch.nn.Module, path: str) -> int:
    """Copies the model file's transforms and gains into `model`, and its
    hyper-synthesis and slice context (if both have one), recovered from
    their integer form; returns the training steps its manifest records. The
    hyper-latent's entropy bottleneck (stored only as tables) keeps its fresh
    start."""
    extra = {"manifest.json": ""}
    module = torch.jit.load(path, map_location="cpu", _extra_files=extra)
    stored = module.state_dict()
    own = model.state_dict()
    copied = {name: stored[name].float() for name in own
              if name.startswith(WARM_START_PREFIXES) and name in stored and stored[name].shape == own[name].shape}
    if not any(name.startswith("g_s.") for name in copied):
        raise SystemExit(f"{path}: no transforms of this architecture to start from")
    model.load_state_dict({**own, **copied})
    float_hyper_synthesis(module.integer_hyper, model.h_s, model.gaussian_conditional.scale_table.double().numpy())
    if model.context is not None and hasattr(module, "context"):
        float_slice_context(module.context, model.context)
    steps = int(json.loads(extra["manifest.json"]).get("training_steps", 0))
    print(f"warm start from {path}: {len(copied)} tensors, the hyper-synthesis"
          f"{' and the slice context' if model.context is not None and hasattr(module, 'context') else ''}, "
          f"{steps} steps", flush=True)
    return steps


def warm_start_from_checkpoint(model: torch.nn.Module, path: str) -> int:
    """Copies every tensor of a training checkpoint whose name and shape
    match into `model`; returns the checkpoint's step."""
    state = torch.load(path, map_location="cpu")
    own = model.state_dict()
    copied = {name: tensor for name, tensor in state["model"].items()
              if name in own and tensor.shape == own[name].shape}
    model.load_state_dict({**own, **copied})
    fresh = sorted(name for name in own if name not in copied)
    print(f"warm start from {path} (step {state['step']}): {len(copied)} tensors copied, "
          f"{len(fresh)} fresh: {', '.join(fresh)}", flush=True)
    return int(state["step"])


def learning_rates_by_prefix(specs: list) -> list:
    """[(prefix, lr)] from --lr-for PREFIX=LR arguments."""
    rates = []
    for spec in specs:
        prefix, _, rate = spec.partition("=")
        try:
            rates.append((prefix, float(rate)))
        except ValueError:
            raise SystemExit(f"--lr-for {spec}: expected PREFIX=LR, e.g. g_s.4.=1e-4")
    return rates


def trains_same_parameters(saved: dict, optimizer: torch.optim.Optimizer) -> bool:
    """Whether a saved optimizer state has the same parameter groups, of the
    same sizes, as `optimizer`: resuming a context-only run with everything
    trained (or the reverse) changes them."""
    sizes = [len(group["params"]) for group in optimizer.param_groups]
    return [len(group["params"]) for group in saved["param_groups"]] == sizes


def learn_in_bfloat16(model: torch.nn.Module) -> None:
    """Runs the learned residual convolutions of the transforms (the bulk of a
    step's work) in bfloat16, with their outputs back in float32: on CPUs
    with AMX or AVX512-BF16, oneDNN makes a step ~1.3x faster. The fixed
    block DCT, the hyper transforms and the entropy models stay in float32:
    latent values, means and likelihoods need its precision. Training only:
    the weights stay float32 and export as before."""
    for module in model.modules():
        if isinstance(module, Residual):
            body_forward = module.body.forward

            def bfloat16_forward(x: torch.Tensor, body_forward=body_forward) -> torch.Tensor:
                with torch.autocast("cpu", dtype=torch.bfloat16):
                    return body_forward(x).float()
            module.body.forward = bfloat16_forward


def center_crop(img: torch.Tensor, size: int) -> torch.Tensor:
    top, left = (img.shape[1] - size) // 2, (img.shape[2] - size) // 2
    return img[:, top:top + size, left:left + size]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--train", required=True, help="folder of training images")
    p.add_argument("--val", required=True, help="folder of validation images")
    p.add_argument("--checkpoint", required=True, help="checkpoint file (read if present, rewritten as training goes)")
    p.add_argument("--arch", default="mean-scale-hyperprior", choices=sorted(ARCHITECTURES))
    p.add_argument("--n", type=int, default=128)
    p.add_argument("--m", type=int, default=192)
    p.add_argument("--steps", type=int, default=1_000_000, help="stop after this many steps in total")
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--crop", type=int, default=128)
    p.add_argument("--lr", type=float, default=2e-4)
    p.add_argument("--context-lr", type=float,
                   help="learning rate of the slice context (default: --lr); joint fine-tuning of trained transforms "
                        "wants a low --lr, while the context heads still learn fast")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--save-every", type=int, default=200)
    p.add_argument("--val-every", type=int, default=1000)
    p.add_argument("--device", default="cpu")
    p.add_argument("--bfloat16", action="store_true",
                   help="run the transforms' learned convolutions in bfloat16 (CPUs with AMX or AVX512-BF16)")
    p.add_argument("--init-from", help="model file (.lcm) or training checkpoint (.pt) to start from when the "
                                       "checkpoint does not exist yet")
    p.add_argument("--lr-for", action="append", default=[], metavar="PREFIX=LR",
                   help="learning rate of the parameters whose names start with PREFIX (repeatable)")
    p.add_argument("--only-context", action="store_true",
                   help="train only the slice context and the hyper-latent's entropy bottleneck (rate only)")
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    model = ARCHITECTURES[args.arch](args.n, args.m).to(device)
    if args.bfloat16:
        learn_in_bfloat16(model)
    if args.only_context:
        if model.context is None:
            raise SystemExit(f"--only-context: {args.arch} has no slice context")
        for name, parameter in model.named_parameters():
            parameter.requires_grad_(name.startswith(("context.", "entropy_bottleneck.")))
    trained = [(name, p) for name, p in model.named_parameters() if p.requires_grad]
    aux_params = [p for name, p in trained if name.endswith("quantiles")]
    gain_params = [p for name, p in trained if "gain" in name]
    context_params = [p for name, p in trained if name.startswith("context.")]
    rates_by_prefix = learning_rates_by_prefix(args.lr_for)
    own_rate_groups = [[p for name, p in trained if name.startswith(prefix)] for prefix, _ in rates_by_prefix]
    for (prefix, _), group in zip(rates_by_prefix, own_rate_groups):
        if not group:
            raise SystemExit(f"--lr-for {prefix}: no trained parameter's name starts with it")
    main_params = [p for name, p in trained
                   if not name.endswith("quantiles") and "gain" not in name and not name.startswith("context.")
                   and not name.startswith(tuple(prefix for prefix, _ in rates_by_prefix))]
    # Gains are few and set the rate of each level: they learn 10x faster.
    context_lr_scale = (args.context_lr or args.lr) / args.lr
    optimizer = torch.optim.Adam([{"params": main_params}, {"params": gain_params, "lr_scale": 10.0},
                                  {"params": context_params, "lr_scale": context_lr_scale}] +
                                 [{"params": group, "lr_scale": rate / args.lr}
                                  for (_, rate), group in zip(rates_by_prefix, own_rate_groups)], lr=args.lr)
    aux_optimizer = torch.optim.Adam(aux_params, lr=1e-3)
    clipped = [p for group in optimizer.param_groups for p in group["params"]]
    step = 0
    if os.path.exists(args.checkpoint):
        state = torch.load(args.checkpoint, map_location=device)
        model.load_state_dict(state["model"])
        step = state["step"]
        if trains_same_parameters(state["optimizer"], optimizer):
            optimizer.load_state_dict(state["optimizer"])
            aux_optimizer.load_state_dict(state["aux_optimizer"])
            print(f"resumed from {args.checkpoint} at step {step}", flush=True)
        else:
            print(f"resumed the weights of {args.checkpoint} at step {step}; the optimizer restarts, since the "
                  f"checkpoint trained other parameters (--only-context or an older layout)", flush=True)
    elif args.init_from and args.init_from.endswith(".pt"):
        step = warm_start_from_checkpoint(model, args.init_from)
    elif args.init_from:
        step = warm_start(model, args.init_from)
    for group in optimizer.param_groups:
        group["lr"] = args.lr * group.get("lr_scale", 1.0)

    data = RandomCrops(args.train, args.crop, seed=step)
    val_images = [center_crop(img, 256) for img in map(load_rgb, list_images(args.val)[:6])]
    lambdas = torch.tensor(LAMBDAS, device=device)
    model.train()
    started, window = time.time(), []
    while step < args.steps:
        x = data.batch(args.batch).to(device)
        levels = torch.randint(len(LAMBDAS), (args.batch,), device=device)
        # Without a distortion term any quality between the levels can train.
        qualities = torch.rand(args.batch, device=device) * (len(LAMBDAS) - 1) if args.only_context else levels.float()
        out = model(x, qualities, synthesize=not args.only_context)
        bpp = rate_bpp(out["likelihoods"], x.shape[2] * x.shape[3])
        if args.only_context:
            mse = torch.zeros_like(bpp)
            loss = bpp.mean()
        else:
            mse = (out["x_hat"] - x).pow(2).flatten(1).mean(1)
            loss = (lambdas[levels] * 255 ** 2 * mse + bpp).mean()
        aux_loss = optimization_step(loss, model, optimizer, aux_optimizer, clipped)
        step += 1
        window.append((float(loss), float(bpp.mean()), float(mse.mean())))
        if step % 50 == 0:
            n = len(window)
            l, b, m = (sum(v[i] for v in window) / n for i in range(3))
            print(f"step {step} loss {l:.4f} bpp {b:.3f} mse {m:.5f} aux {float(aux_loss):.1f} "
                  f"{(time.time() - started) / n:.2f}s/step", flush=True)
            started, window = time.time(), []
        if step % args.save_every == 0 or step == args.steps:
            save_atomically({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                             "aux_optimizer": aux_optimizer.state_dict(), "step": step,
                             "arch": args.arch, "n": args.n, "m": args.m}, args.checkpoint)
        if step % args.val_every == 0:
            print(f"val step {step}: {validate(model, val_images, [0, 3, 7])}", flush=True)


if __name__ == "__main__":
    main()
