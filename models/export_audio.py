#!/usr/bin/env python3
"""Export an audio training checkpoint to an lcodec model file, and report on it.

    /usr/bin/python3 models/export_audio.py --data DIR --output FILE [--checkpoint PATH] [--name NAME]
        [--report] [--bench]

--checkpoint: export it to --output (without it, --output is an existing
model file to report on). --data: the training audio folder; a few of its
training files (never the validation split) set the integer
hyper-synthesis' activation ranges.
--report prints kbps / SNR / mel distance per quality on the validation
split, speech and music apart, of the model file: bits counted with its
CDF tables, audio from its transforms (audio_validation.evaluate_file).
--bench times the model file's transforms on 1 s of 48 kHz mono.
"""
import argparse
import os
import time

import torch

from lcodec.audio_architectures import SAMPLE_RATE, AudioHyperprior
from lcodec.audio_data import calibration_signals, list_audio, load_signals, read_split
from lcodec.audio_export import export_audio_model
from lcodec.audio_losses import MelDistance
from lcodec.audio_validation import SECONDS, evaluate_file, prepare
from lcodec.export import widen_half_weights

def report(path: str, data: str, cache: str) -> None:
    module = torch.jit.load(path)
    widen_half_weights(module)
    names = [n for n in list_audio(data) if n in set(read_split())]
    signals = prepare([(name, s) for name in names for s in load_signals(data, [name], SAMPLE_RATE, cache)],
                      module.downsampling)
    qualities = [module.quality_min + i for i in range(int(module.quality_max - module.quality_min) + 1)]
    results = evaluate_file(module, signals, qualities, MelDistance(SAMPLE_RATE))
    print(f"validation: {len(names)} files, {sum(g == 'speech' for g, _ in signals)} speech and "
          f"{sum(g == 'music' for g, _ in signals)} music/other channels, first {SECONDS} s each")
    print("group   q   kbps    SNR dB  mel")
    for (group, position), r in sorted(results.items()):
        print(f"{group:6s} {position + module.quality_min:3g} {r['kbps']:7.2f} {r['snr']:7.2f} {r['mel']:6.3f}")


def bench(path: str, threads: int = 2, repeats: int = 20) -> None:
    torch.set_num_threads(threads)
    module = torch.jit.load(path)
    widen_half_weights(module)
    x = 0.1 * torch.randn(1, 1, 24 * 2048)  # 1.02 s
    with torch.no_grad():
        for q in (1.0, 8.0):
            for _ in range(3):
                y = module.analysis(x, q)
                z_hat = torch.round(module.hyper_analysis(y))
                means, indexes = module.hyper_synthesis(z_hat)
                symbols = torch.round(y - means)
                module.synthesis(symbols + means, q, 0, symbols, indexes)
            start = time.perf_counter()
            for _ in range(repeats):
                y = module.analysis(x, q)
                z_hat = torch.round(module.hyper_analysis(y))
                means, indexes = module.hyper_synthesis(z_hat)
                symbols = torch.round(y - means)
            encode = (time.perf_counter() - start) / repeats
            start = time.perf_counter()
            for _ in range(repeats):
                module.hyper_synthesis(z_hat)
                module.synthesis(symbols + means, q, 0, symbols, indexes)
            decode = (time.perf_counter() - start) / repeats
            seconds = x.shape[-1] / SAMPLE_RATE
            print(f"q{q:g}, {threads} threads, per second of 48 kHz mono: encode transforms "
                  f"{encode / seconds * 1e3:.1f} ms, decode transforms {decode / seconds * 1e3:.1f} ms")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", help="checkpoint to export to --output")
    p.add_argument("--data", required=True, help="training audio folder (calibration, and validation for --report)")
    p.add_argument("--output", required=True)
    p.add_argument("--name", default="audio-msh")
    p.add_argument("--cache", default="/work/checkpoints/audio-cache", help="decoded-audio cache folder")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--report", action="store_true")
    p.add_argument("--bench", action="store_true")
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    if args.checkpoint:
        state = torch.load(args.checkpoint, map_location="cpu")
        model = AudioHyperprior(state["c"], state["m"], state["n"], state["front"])
        model.load_state_dict(state["model"])
        calibration = calibration_signals(args.data, args.cache, SAMPLE_RATE)
        tmp = args.output + ".tmp"
        manifest = export_audio_model(model.eval(), calibration, tmp, args.name, state["step"])
        os.replace(tmp, args.output)
        print(f"wrote {args.output} ({os.path.getsize(args.output) / 1e6:.2f} MB): {manifest['architecture']}, "
              f"{manifest['training_steps']} steps, margins {manifest['analysis_margin']}/"
              f"{manifest['synthesis_margin']}")
    if args.report:
        report(args.output, args.data, args.cache)
    if args.bench:
        bench(args.output, args.threads)


if __name__ == "__main__":
    main()
