#!/usr/bin/env python3
"""Write tests/corpus/model_load/minimal.lcm, the small seed of fuzz_model_load.

    /usr/bin/python3 tests/fuzz/make_model_seed.py MODEL.lcm OUTPUT.lcm

A model file with the interface of models/lcodec/export.py but trivial
transforms (2x subsampling, a single CDF per table, copied from MODEL, e.g.
the tiny test model): a few kilobytes that load and code, so the fuzzer
mutates a whole working model quickly instead of a 350 kB one.
"""
import sys
from typing import Tuple

import torch
import torch.nn.functional as F


class MinimalModel(torch.nn.Module):
    def __init__(self, tables):
        super().__init__()
        self.name = "fuzz-minimal"
        self.format_version = 1
        self.downsampling = 2
        self.quality_min = 1.0
        self.quality_max = 2.0
        for key, tensor in tables.items():
            self.register_buffer(key, tensor)

    @torch.jit.export
    def analysis(self, x: torch.Tensor, quality: float) -> torch.Tensor:
        return F.avg_pool2d(x[:, :1], 2) * quality

    @torch.jit.export
    def hyper_analysis(self, y: torch.Tensor) -> torch.Tensor:
        return y * 0.5

    @torch.jit.export
    def hyper_synthesis(self, z_hat: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        return z_hat * 2.0, torch.zeros_like(z_hat, dtype=torch.int32)

    @torch.jit.export
    def synthesis(self, y_hat: torch.Tensor, quality: float) -> torch.Tensor:
        return F.interpolate(y_hat.expand(-1, 3, -1, -1), scale_factor=2.0) / quality

    def forward(self, x: torch.Tensor, quality: float) -> torch.Tensor:
        return self.synthesis(self.analysis(x, quality), quality)


def first_cdf(model, prefix):
    sizes = getattr(model, prefix + "_cdf_sizes")
    return {
        prefix + "_cdfs": getattr(model, prefix + "_cdfs")[: int(sizes[0])].clone(),
        prefix + "_cdf_sizes": sizes[:1].clone(),
        prefix + "_offsets": getattr(model, prefix + "_offsets")[:1].clone(),
    }


def main() -> None:
    source, output = sys.argv[1], sys.argv[2]
    model = torch.jit.load(source)
    tables = {**first_cdf(model, "z"), **first_cdf(model, "y")}
    scripted = torch.jit.script(MinimalModel(tables))
    scripted.save(output)


if __name__ == "__main__":
    main()
