#!/usr/bin/env python3
"""Export a tiny untrained image model for the C++ tests.

    /usr/bin/python3 models/make_test_model.py --output FILE [--other FILE]

Its weights are random (seeded), so its images look like noise, but it has
the exact structure, tables and interface of a real model: the tests check
that the C++ codec codes what the model computes, not image quality.
"""
import argparse
import os

import torch

from lcodec.architectures import MeanScaleHyperprior
from lcodec.data import list_images, load_rgb
from lcodec.export import export_image_model

CI_IMAGES = os.path.join(os.path.dirname(__file__), "..", "datasets", "ci", "images")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--output", required=True)
    p.add_argument("--other", help="also write a second model with other weights (for wrong-model tests)")
    args = p.parse_args()
    torch.set_num_threads(1)
    images = [load_rgb(path)[:, :128, :128] for path in list_images(CI_IMAGES)]
    for seed, path, name in ((0, args.output, "test-tiny"), (1, args.other, "test-tiny-other")):
        if path is None:
            continue
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        torch.manual_seed(seed)
        tmp = path + ".tmp"
        export_image_model(MeanScaleHyperprior(16, 24), images, tmp, name, steps=0)
        os.replace(tmp, path)


if __name__ == "__main__":
    main()
