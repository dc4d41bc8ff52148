#!/usr/bin/env python3
"""Export a training checkpoint to an lcodec model file.

    /usr/bin/python3 models/export.py --checkpoint PATH --calibration DIR --output FILE [--name NAME]

Calibration images (a few training photos) set the integer hyper-synthesis'
activation ranges; see lcodec/integer_hyper.py.
"""
import argparse
import os

import torch

from lcodec.architectures import ARCHITECTURES
from lcodec.data import list_images, load_rgb
from lcodec.export import export_image_model


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--calibration", required=True, help="folder of images for activation ranges")
    p.add_argument("--output", required=True)
    p.add_argument("--name", default="image-msh")
    p.add_argument("--calibration-count", type=int, default=8)
    args = p.parse_args()

    torch.set_num_threads(2)
    state = torch.load(args.checkpoint, map_location="cpu")
    model = ARCHITECTURES[state["arch"]](state["n"], state["m"])
    model.load_state_dict(state["model"])
    # The auxiliary loss moves the quantiles ~lr per step and lags a density
    # that is still training; tables cut too narrow send tails through the
    # costly escape. (Not in export_image_model: the tiny test models keep
    # the tables that the committed test streams were coded with.)
    model.entropy_bottleneck.fit_quantiles()
    images = [load_rgb(p) for p in list_images(args.calibration)[:args.calibration_count]]
    images = [img[:, :img.shape[1] // 64 * 64, :img.shape[2] // 64 * 64] for img in images]
    tmp = args.output + ".tmp"
    manifest = export_image_model(model, images, tmp, args.name, state["step"])
    os.replace(tmp, args.output)
    print(f"wrote {args.output} ({os.path.getsize(args.output) / 1e6:.1f} MB): {manifest['architecture']}, "
          f"{manifest['training_steps']} steps")


if __name__ == "__main__":
    main()
