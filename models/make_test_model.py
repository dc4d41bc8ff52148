#!/usr/bin/env python3
"""Export tiny untrained image and audio models for the C++ tests.

    /usr/bin/python3 models/make_test_model.py [--output FILE] [--other FILE] [--context FILE]
                                               [--context-offsets FILE] [--bad-offsets FILE]
                                               [--audio FILE] [--audio-other FILE]

Their weights are random (seeded), so their outputs look like noise, but
they have the exact structure, tables and interface of real models: the
tests check that the C++ codec codes what the model computes, not quality.
"""
import argparse
import os

import torch

from lcodec.architectures import DctContextHyperprior, MeanScaleHyperprior
from lcodec.audio_architectures import SAMPLE_RATE, AudioHyperprior
from lcodec.audio_data import decode, list_audio
from lcodec.audio_export import export_audio_model
from lcodec.data import list_images, load_rgb
from lcodec.export import export_image_model
from fit_reconstruction_offsets import MAGNITUDES, SCALE_COUNT, write_with_offsets

CI_IMAGES = os.path.join(os.path.dirname(__file__), "..", "datasets", "ci", "images")
CI_AUDIO = os.path.join(os.path.dirname(__file__), "..", "datasets", "ci", "audio")


def write_atomically(path: str, export) -> None:
    """export(tmp_path), then renamed to path."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    export(tmp)
    os.replace(tmp, path)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--output", help="tiny image model")
    p.add_argument("--other", help="also write a second image model with other weights (for wrong-model tests)")
    p.add_argument("--context", help="tiny image model with a slice context (format version 2)")
    p.add_argument("--context-offsets", help="the --context model with random reconstruction offsets (format 3)")
    p.add_argument("--bad-offsets", help="the --context model with offsets of a whole step, which loaders refuse")
    p.add_argument("--audio", help="tiny audio model")
    p.add_argument("--audio-other", help="a second audio model with other weights")
    args = p.parse_args()
    if not any((args.output, args.other, args.context, args.audio, args.audio_other)):
        p.error("nothing to write: give --output and/or --audio")
    if (args.context_offsets or args.bad_offsets) and not args.context:
        p.error("--context-offsets and --bad-offsets need --context")
    torch.set_num_threads(1)
    if args.output or args.other or args.context:
        images = [load_rgb(path)[:, :128, :128] for path in list_images(CI_IMAGES)]
    for seed, path, name in ((0, args.output, "test-tiny"), (1, args.other, "test-tiny-other")):
        if path is not None:
            torch.manual_seed(seed)
            write_atomically(path, lambda tmp: export_image_model(MeanScaleHyperprior(16, 24), images, tmp, name,
                                                                  steps=0))
    if args.context is not None:
        torch.manual_seed(2)
        write_atomically(args.context, lambda tmp: export_image_model(tiny_context_model(), images, tmp,
                                                                      "test-tiny-context", steps=0))
        levels = torch.jit.load(args.context).log_lambdas.numel()
        for path, scale in ((args.context_offsets, 0.3), (args.bad_offsets, 1.0)):
            if path is not None:
                offsets = scale * (2 * torch.rand(levels, MAGNITUDES, SCALE_COUNT) - 1)
                if scale >= 1:
                    offsets[-1, 0, 0] = scale  # past any plausible offset
                write_with_offsets(args.context, offsets, path, {"random": scale})
    if args.audio or args.audio_other:
        # Two seconds of each CI clip, every channel.
        signals = [torch.from_numpy(channel[:2 * SAMPLE_RATE]) for name in list_audio(CI_AUDIO)
                   for channel in decode(os.path.join(CI_AUDIO, name), SAMPLE_RATE)]
    for seed, path, name in ((0, args.audio, "test-tiny-audio"), (1, args.audio_other, "test-tiny-audio-other")):
        if path is not None:
            torch.manual_seed(seed)
            write_atomically(path, lambda tmp: export_audio_model(tiny_audio_model(), signals, tmp, name, steps=0))


def tiny_context_model() -> DctContextHyperprior:
    """Few hyper-latent channels; the heads' last layers are random, since a
    fresh context (zero last layers) is the hyperprior alone and would test
    nothing."""
    model = DctContextHyperprior(8, 192)
    with torch.no_grad():
        for head in model.context.heads:
            head.tail[-1].weight.normal_(0, 0.05)
    return model


def tiny_audio_model() -> AudioHyperprior:
    """Small channel counts (fast C++ tests), the real front end and strides.
    Its gains are raised so that latents of real audio span many integers
    at every quality (random weights alone give latents that round to 0)."""
    model = AudioHyperprior(c=16, m=256, n=8)
    with torch.no_grad():
        model.log_gain += 1.0
        model.log_inverse_gain -= 1.0
    return model


if __name__ == "__main__":
    main()
