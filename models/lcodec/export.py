"""Export a trained image model to the single file the C++ codec loads.

The file is a TorchScript archive holding:
  * methods ``analysis``, ``hyper_analysis``, ``hyper_synthesis`` and
    ``synthesis`` (see ImageCodecModule), and for models with a slice context
    (format version 2) ``slice_prior`` with the buffers ``slice_sizes`` and
    ``slice_channels`` (ImageContextCodecModule);
  * the entropy tables as integer buffers ``{z,y}_cdfs`` (all CDFs
    concatenated), ``{z,y}_cdf_sizes`` (n + 2 per CDF) and ``{z,y}_offsets``;
  * an extra file ``manifest.json`` (format version, architecture, sizes).
Float weights are stored as fp16 (half the size) and widened to fp32 on load;
the integer hyper-synthesis is stored as integers and is never converted.
"""
import json
from typing import Dict, List, Tuple

import numpy as np
import torch
import torch.nn as nn

from .architectures import LAMBDAS, MeanScaleHyperprior, interpolate_gain
from .context_models import build_integer_slice_context
from .integer_hyper import build_integer_hyper_synthesis

FORMAT_VERSION = 1
# Image models with a slice context: decoders that predate it must refuse them.
CONTEXT_FORMAT_VERSION = 2
QUALITY_MIN = 1.0  # CLI quality q maps to gain position q - QUALITY_MIN
# The encoder's rate-distortion rounding weighs a latent's squared rounding
# error, carried to pixels through the (orthonormal) block DCT, by this
# factor times the level's lambda. 2 beat 1 and 4 on val photos: rounding
# toward zero costs more than the orthonormal estimate says.
RDO_DISTORTION_FACTOR = 2.0


def _flatten_tables(cdfs: List[np.ndarray], offsets: List[int]) -> Dict[str, torch.Tensor]:
    return {
        "cdfs": torch.from_numpy(np.concatenate(cdfs).astype(np.int32)),
        "cdf_sizes": torch.tensor([len(c) for c in cdfs], dtype=torch.int32),
        "offsets": torch.tensor(offsets, dtype=torch.int32),
    }


def init_codec_module(module: nn.Module, model: nn.Module, calibration: List[torch.Tensor], mean_channels: int,
                      name: str, modality: str) -> None:
    """Gives a freshly initialised image or audio codec module what both
    hold: what the C++ side needs to know as plain attributes (it has no
    JSON parser), the transforms of the trained hyperprior `model`, its gains
    per quality level, the exact integer hyper-synthesis calibrated on
    `calibration` (hyper-latents) and the entropy tables.

    A function rather than a base class: with a base class between them and
    nn.Module, TorchScript infers other types for nn.Module's own attributes
    and the model files' code changes."""
    module.name = name
    module.format_version = FORMAT_VERSION
    module.modality = modality
    module.g_a = model.g_a
    module.g_s = model.g_s
    module.h_a = model.h_a
    scale_table = model.gaussian_conditional.scale_table.double().numpy()
    module.integer_hyper = build_integer_hyper_synthesis(model.h_s, calibration, mean_channels, scale_table)
    module.register_buffer("log_gain", model.log_gain.detach().clone())
    module.register_buffer("log_inverse_gain", model.log_inverse_gain.detach().clone())
    for prefix, bottleneck in (("z", model.entropy_bottleneck), ("y", model.gaussian_conditional)):
        for table_name, tensor in _flatten_tables(*bottleneck.cdf_tables()).items():
            module.register_buffer(f"{prefix}_{table_name}", tensor)


class ImageCodecModule(nn.Module):
    """What the C++ encoder and decoder call. Quality is the CLI's q (1..levels)."""

    def __init__(self, model: MeanScaleHyperprior, calibration: List[torch.Tensor], name: str):
        super().__init__()
        init_codec_module(self, model, calibration, model.m if model.predict_means else 0, name, "image")
        self.downsampling = model.downsampling
        self.quality_max = QUALITY_MIN + model.levels - 1
        self.uses_abs = not model.predict_means
        self.quality_min = QUALITY_MIN
        # float64: kept exact when the float weights are stored as fp16.
        self.register_buffer("log_lambdas", torch.tensor(LAMBDAS[:model.levels], dtype=torch.float64).log())
        self.rdo_distortion_factor = RDO_DISTORTION_FACTOR

    def _position(self, quality: float) -> torch.Tensor:
        return torch.tensor([quality - self.quality_min], dtype=torch.float32)

    @torch.jit.export
    def analysis(self, x: torch.Tensor, quality: float) -> torch.Tensor:
        """x: (1, 3, H, W) in [0, 1], H and W multiples of 64 -> latent y."""
        return self.g_a(x) * interpolate_gain(self.log_gain.float(), self._position(quality))

    @torch.jit.export
    def hyper_analysis(self, y: torch.Tensor) -> torch.Tensor:
        return self.h_a(torch.abs(y) if self.uses_abs else y)

    @torch.jit.export
    def hyper_synthesis(self, z_hat: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Integer z_hat -> (means, scale indexes into the y tables); exact."""
        return self.integer_hyper(z_hat)

    @torch.jit.export
    def synthesis(self, y_hat: torch.Tensor, quality: float) -> torch.Tensor:
        inverse = interpolate_gain(self.log_inverse_gain.float(), self._position(quality))
        return self.g_s(y_hat * inverse)

    @torch.jit.export
    def quantization_weights(self, quality: float) -> torch.Tensor:
        """(M,) float64 weights for the encoder's rate-distortion rounding:
        coding a latent residual e of channel c as the integer r costs about
        weights[c] * (e - r)^2 + bits(r) in the training loss's units
        (lambda * 255^2 * MSE + bpp, times the pixel count): the level's
        lambda (interpolated like the gains) times the squared inverse gain,
        over the 3 colour channels."""
        position = self._position(quality).double()
        lambdas = interpolate_gain(self.log_lambdas.reshape(-1, 1), position).reshape(1)
        inverse = interpolate_gain(self.log_inverse_gain.double(), position).reshape(-1)
        return self.rdo_distortion_factor * lambdas * 255.0 ** 2 * inverse * inverse / 3.0

    def forward(self, x: torch.Tensor, quality: float) -> torch.Tensor:
        """Round trip without entropy coding (what a decoder reconstructs)."""
        y = self.analysis(x, quality)
        z_hat = torch.round(self.hyper_analysis(y))
        means, _ = self.hyper_synthesis(z_hat)
        return self.synthesis(torch.round(y - means) + means, quality)


class ImageContextCodecModule(ImageCodecModule):
    """ImageCodecModule plus the slice context (context_models.py): the
    decoder decodes slice by slice, two checkerboard passes each, and asks
    slice_prior for each pass's means and scale indexes."""

    def __init__(self, model: MeanScaleHyperprior, calibration: List[torch.Tensor],
                 context_calibration: List[Tuple[torch.Tensor, torch.Tensor, torch.Tensor]], name: str):
        super().__init__(model, calibration, name)
        self.format_version = CONTEXT_FORMAT_VERSION
        self.context = build_integer_slice_context(model.context, context_calibration)
        self.register_buffer("slice_sizes", torch.tensor([len(s) for s in model.context.slices], dtype=torch.int32))
        self.register_buffer("slice_channels", torch.tensor(sum(model.context.slices, []), dtype=torch.int32))

    @torch.jit.export
    def slice_prior(self, k: int, y_hat: torch.Tensor, means: torch.Tensor,
                    indexes: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Means (float32) and scale indexes (int32) of slice k's channels
        (1, slice_sizes[k], h, w), exact. y_hat holds the decoded latent and
        zeros wherever nothing is decoded yet; means and indexes are
        hyper_synthesis's."""
        return self.context(k, y_hat, means, indexes)

    def forward(self, x: torch.Tensor, quality: float) -> torch.Tensor:
        """Round trip without entropy coding, slice by slice and pass by pass
        as the decoder goes."""
        y = self.analysis(x, quality)
        z_hat = torch.round(self.hyper_analysis(y))
        base_means, base_indexes = self.hyper_synthesis(z_hat)
        y_hat = torch.zeros_like(y)
        h, w = y.shape[2], y.shape[3]
        rows = torch.arange(h).reshape(-1, 1)
        cols = torch.arange(w).reshape(1, -1)
        anchors = ((rows + cols) % 2 == 0).reshape(1, 1, h, w)
        start = 0
        for k in range(self.slice_sizes.numel()):
            channels = self.slice_channels[start:start + int(self.slice_sizes[k])].long()
            start += int(self.slice_sizes[k])
            for checkerboard_pass in range(2):
                means, _ = self.slice_prior(k, y_hat, base_means, base_indexes)
                values = torch.round(y.index_select(1, channels) - means) + means
                mask = anchors if checkerboard_pass == 0 else ~anchors
                current = y_hat.index_select(1, channels)
                y_hat.index_copy_(1, channels, torch.where(mask, values, current))
        return self.synthesis(y_hat, quality)


def _half_float_weights(module: nn.Module) -> None:
    """fp32 parameters and buffers to fp16 for storage (float64 and ints stay)."""
    for tensor in list(module.parameters()) + list(module.buffers()):
        if tensor.dtype == torch.float32:
            tensor.data = tensor.data.half()


def widen_half_weights(module) -> None:
    """Inverse of _half_float_weights, for a loaded TorchScript module."""
    with torch.no_grad():
        for tensor in list(module.parameters()) + list(module.buffers()):
            if tensor.dtype == torch.float16:
                tensor.data = tensor.data.float()


@torch.no_grad()
def export_image_model(model: MeanScaleHyperprior, calibration_images: List[torch.Tensor], path: str,
                       name: str, steps: int) -> dict:
    """Writes the model file; returns its manifest."""
    model = model.eval().float()
    calibration, context_calibration = [], []
    for img in calibration_images:
        x = img.unsqueeze(0).float() / 255.0
        for level in range(model.levels):
            y = model.g_a(x) * interpolate_gain(model.log_gain, torch.tensor([float(level)]))
            z_hat = torch.round(model.h_a(y if model.predict_means else y.abs()))
            calibration.append(z_hat)
            if model.context is not None:
                means, scales = model.hyper_parameters(z_hat)
                y_hat, _ = model.code_latent(y, means, scales)
                context_calibration.append((y_hat, means, scales))
    if model.context is not None:
        module = ImageContextCodecModule(model, calibration, context_calibration, name)
        architecture = "dct-context"
    else:
        module = ImageCodecModule(model, calibration, name)
        architecture = ("dct-hyperprior" if model.dct else "mean-scale-hyperprior") if model.predict_means \
            else "scale-hyperprior"
    return save_model_file(module, path, {
        "architecture": architecture,
        "n": model.n,
        "m": model.m,
        "downsampling": model.downsampling,
        "quality_min": QUALITY_MIN,
        "quality_max": QUALITY_MIN + model.levels - 1,
        "lambdas": list(LAMBDAS[:model.levels]),
    }, steps)


def save_model_file(module: nn.Module, path: str, fields: dict, steps: int) -> dict:
    """Scripts `module` with its float weights stored as fp16 and writes it to
    `path` with a manifest.json: the format, the module's modality and name,
    `fields` and the training steps. Returns the manifest."""
    _half_float_weights(module)
    scripted = torch.jit.script(module)
    manifest = {"format": "lcodec-model", "format_version": module.format_version, "modality": module.modality,
                "name": module.name, **fields, "training_steps": steps}
    scripted.save(path, _extra_files={"manifest.json": json.dumps(manifest, indent=1)})
    return manifest
