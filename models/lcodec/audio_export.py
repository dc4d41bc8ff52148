"""Export a trained audio model to the single file the C++ codec loads.

Same container as the image model (export.py): a TorchScript archive with
methods analysis / hyper_analysis / hyper_synthesis / synthesis, the entropy
tables as integer buffers, fp16 float weights, the exact integer
hyper-synthesis, and a manifest.json extra file; plus the attributes the C++
side needs to cut a long signal into chunks (see AudioCodecModule).
"""
from typing import Callable, List, Optional, Tuple

import torch
import torch.nn as nn

from .architectures import interpolate_gain
from .audio_architectures import SAMPLE_RATE, AudioHyperprior, NoiseFilledSynthesis
from .audio_layers import scale_fill_amplitude
from .export import QUALITY_MIN, init_codec_module, save_model_file

MARGIN_TOLERANCE = 1e-4  # chunked vs whole-signal transform, relative to the output's peak


class PositionIndependent(nn.Module):
    """A synthesis without noise, called like NoiseFilledSynthesis."""

    def __init__(self, synthesis: nn.Module):
        super().__init__()
        self.synthesis = synthesis

    def forward(self, y: torch.Tensor, first_frame: int, fill_amplitude: Optional[torch.Tensor] = None) -> torch.Tensor:
        return self.synthesis(y)


def positional_synthesis(model: AudioHyperprior) -> nn.Module:
    """model's synthesis as a module called with (y, first_frame)."""
    return model.g_s if isinstance(model.g_s, NoiseFilledSynthesis) else PositionIndependent(model.g_s)


class AudioCodecModule(nn.Module):
    """What the C++ audio encoder and decoder call, one mono signal per batch item.

    Shapes: x (B, 1, T) in [-1, 1] with T a multiple of ``downsampling``;
    y (B, M, T / latent_stride); z (B, N, T / downsampling).
    ``analysis_margin`` / ``synthesis_margin`` (and the hyper- ones): samples
    of context each side of a chunk that make chunked transforms match
    whole-signal ones. ``tail_padding``: zero samples the encoder appends
    after the signal's end at least, since the MDCT reconstructs the last
    hop samples of its input only approximately.

    The synthesis also takes what the decoder parsed, the residual symbols
    and their scale indexes: zero-coded coefficients get noise scaled to
    their coded scale (``fill_amplitudes``, see
    audio_layers.scale_fill_amplitude).
    """

    def __init__(self, model: AudioHyperprior, calibration: List[torch.Tensor], name: str,
                 margins: Tuple[int, int, int, int]):
        super().__init__()
        init_codec_module(self, model, calibration, model.m, name, "audio")
        self.g_s = positional_synthesis(model)
        table = model.gaussian_conditional.scale_table.float()
        self.register_buffer("fill_amplitudes", scale_fill_amplitude(table, table))
        self.sample_rate = SAMPLE_RATE
        self.latent_stride = model.latent_stride
        self.downsampling = model.downsampling
        self.analysis_margin, self.synthesis_margin, self.hyper_analysis_margin, self.hyper_synthesis_margin = margins
        self.tail_padding = model.tail_padding
        self.quality_min = QUALITY_MIN
        self.quality_max = QUALITY_MIN + model.levels - 1

    def _gain(self, log_gain: torch.Tensor, quality: float) -> torch.Tensor:
        position = torch.tensor([quality - self.quality_min], dtype=torch.float32)
        return interpolate_gain(log_gain.float(), position).squeeze(3)

    @torch.jit.export
    def analysis(self, x: torch.Tensor, quality: float) -> torch.Tensor:
        return self.g_a(x) * self._gain(self.log_gain, quality)

    @torch.jit.export
    def hyper_analysis(self, y: torch.Tensor) -> torch.Tensor:
        return self.h_a(y)

    @torch.jit.export
    def hyper_synthesis(self, z_hat: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Integer z_hat (B, N, L) -> (means, scale indexes into the y tables), each (B, M, 4 L); exact."""
        means, indexes = self.integer_hyper(z_hat.unsqueeze(2))
        return means.squeeze(2), indexes.squeeze(2)

    @torch.jit.export
    def synthesis(self, y_hat: torch.Tensor, quality: float, first_frame: int, symbols: torch.Tensor,
                  indexes: torch.Tensor) -> torch.Tensor:
        """y_hat = symbols + means; symbols and scale indexes as decoded
        (integers, y_hat's shape). first_frame: the position of y_hat's
        first column in the whole latent (the noise depends on it). Files
        exported before the noise fill take (y_hat, quality, first_frame)
        or (y_hat, quality)."""
        inverse_gain = self._gain(self.log_inverse_gain, quality)
        fill = torch.where(symbols == 0, self.fill_amplitudes.float()[indexes.long()], torch.zeros_like(y_hat))
        return self.g_s(y_hat * inverse_gain, first_frame, fill * inverse_gain)

    def forward(self, x: torch.Tensor, quality: float) -> torch.Tensor:
        """Round trip without entropy coding (what a decoder reconstructs)."""
        y = self.analysis(x, quality)
        means, indexes = self.hyper_synthesis(torch.round(self.hyper_analysis(y)))
        symbols = torch.round(y - means)
        return self.synthesis(symbols + means, quality, 0, symbols, indexes)


Transform = Callable[[torch.Tensor, int], torch.Tensor]  # (input, position of its first step)


def chunk_error(transform: Transform, signal: torch.Tensor, scale: float, start: int, length: int,
                margin: int) -> float:
    """Relative max difference between transform(whole signal) and the same
    part computed from signal[start - margin : start + length + margin]
    (zeros beyond the signal, as at its ends). Positions are in the
    transform's input units; one output step spans `scale` input steps
    (1 / factor for a transform that upsamples by factor)."""
    with torch.no_grad():
        whole = transform(signal, 0)
        padded = torch.nn.functional.pad(signal, (margin, margin))
        chunk = transform(padded[..., start:start + length + 2 * margin], start - margin)
    out_start, out_margin, out_length = round(start / scale), round(margin / scale), round(length / scale)
    part = chunk[..., out_margin:out_margin + out_length]
    expected = whole[..., out_start:out_start + out_length]
    return float((part - expected).abs().max() / expected.abs().max().clamp(min=1e-12))


def measure_margin(transform: Transform, signal: torch.Tensor, scale: float,
                   unit: int, tolerance: float = MARGIN_TOLERANCE) -> int:
    """The smallest multiple of `unit` (input units) whose margin makes
    chunks in the middle of `signal` match the whole-signal transform."""
    length = signal.size(-1)
    start, chunk = length // 2 - 2 * unit, 4 * unit
    for margin in range(0, length // 2 - 2 * unit, unit):
        if chunk_error(transform, signal, scale, start, chunk, margin) <= tolerance:
            return margin
    raise ValueError("receptive field wider than the probe signal")


@torch.no_grad()
def measure_margins(model: AudioHyperprior) -> Tuple[int, int, int, int]:
    """Margins of analysis, synthesis, hyper-analysis and hyper-synthesis, in
    samples of the signal, multiples of downsampling.

    The probes are random (latents of a few units): a receptive field is a
    property of the structure, and model-derived latents can be zero over
    long stretches, which would hide how far a transform looks."""
    generator = torch.Generator().manual_seed(0)
    units = 32
    latents_per_unit = model.downsampling // model.latent_stride
    x = 0.1 * torch.randn(1, 1, units * model.downsampling, generator=generator)
    y = torch.round(4 * torch.randn(1, model.m, units * latents_per_unit, generator=generator))
    z = torch.round(4 * torch.randn(1, model.n, units, generator=generator))
    analysis = measure_margin(lambda s, _: model.g_a(s), x, model.latent_stride, model.downsampling)
    synthesis = measure_margin(positional_synthesis(model), y, 1 / model.latent_stride, latents_per_unit)
    hyper_analysis = measure_margin(lambda s, _: model.h_a(s), y, model.hyper_stride, latents_per_unit)
    hyper_synthesis = measure_margin(lambda s, _: model.h_s(s), z, 1 / model.hyper_stride, 1)
    # Positions above are in latents and hyper-latents; the interface counts samples.
    return (analysis, synthesis * model.latent_stride, hyper_analysis * model.latent_stride,
            hyper_synthesis * model.downsampling)


@torch.no_grad()
def export_audio_model(model: AudioHyperprior, calibration_signals: List[torch.Tensor], path: str, name: str,
                       steps: int) -> dict:
    """Writes the model file; returns its manifest. calibration_signals:
    (samples,) mono float tensors at the model rate (set the integer
    hyper-synthesis' activation ranges)."""
    model = model.eval().float()
    calibration = []
    for signal in calibration_signals:
        length = signal.numel() // model.downsampling * model.downsampling
        x = signal[:length].reshape(1, 1, -1).float()
        for level in range(model.levels):
            gain, _ = model.gains(torch.tensor([float(level)]))
            calibration.append(torch.round(model.h_a(model.g_a(x) * gain)))
    margins = measure_margins(model)
    return save_model_file(AudioCodecModule(model, calibration, name, margins), path, {
        "architecture": f"audio-{model.front}-mean-scale-hyperprior",
        "c": model.c,
        "m": model.m,
        "n": model.n,
        "sample_rate": SAMPLE_RATE,
        "latent_stride": model.latent_stride,
        "downsampling": model.downsampling,
        "analysis_margin": margins[0],
        "synthesis_margin": margins[1],
        "hyper_analysis_margin": margins[2],
        "hyper_synthesis_margin": margins[3],
        "tail_padding": model.tail_padding,
        "quality_min": QUALITY_MIN,
        "quality_max": QUALITY_MIN + model.levels - 1,
        "lambdas": [round(float(v), 4) for v in model.lambdas],
    }, steps)
