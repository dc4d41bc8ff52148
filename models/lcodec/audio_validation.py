"""Rate and quality of an audio model on the validation split, per quality.

``evaluate`` takes a training model: rates are its own estimate (-log2 of the
likelihoods of the rounded latents and hyper-latents). ``evaluate_file``
takes an exported model file and counts bits with its stored CDF tables,
as the C++ coder codes them (escapes estimated); distortion is measured on
the decoder's reconstruction in both.
"""
from typing import Dict, List, Sequence, Tuple

import torch

from .audio_architectures import SAMPLE_RATE, AudioHyperprior
from .audio_losses import MelDistance, bits_per_sample, snr_db

# Validation signals are cut to this many seconds: enough to average over, quick to run.
SECONDS = 6


def group_of(name: str) -> str:
    """'speech' or 'music' (everything that is not speech: music, instruments, nature)."""
    return "speech" if name.startswith("speech_") else "music"


def prepare(signals: Sequence[Tuple[str, torch.Tensor]], downsampling: int) -> List[Tuple[str, torch.Tensor]]:
    """(group, (1, 1, T)) with T a multiple of downsampling, at most SECONDS long."""
    out = []
    for name, signal in signals:
        length = min(signal.numel(), SECONDS * SAMPLE_RATE) // downsampling * downsampling
        if length > 0 and float(signal[:length].abs().max()) > 1e-4:
            out.append((group_of(name), signal[:length].reshape(1, 1, -1).float()))
    return out


def _means(rows: List[Tuple[Tuple[str, float], Dict[str, float]]]) -> Dict[Tuple[str, float], Dict[str, float]]:
    """Averages of (key, {measure: value}) rows per key."""
    grouped: Dict[Tuple[str, float], List[Dict[str, float]]] = {}
    for key, values in rows:
        grouped.setdefault(key, []).append(values)
    return {key: {k: sum(v[k] for v in values) / len(values) for k in values[0]} for key, values in grouped.items()}


def _measures(x: torch.Tensor, x_hat: torch.Tensor, bits: float, mel: MelDistance) -> Dict[str, float]:
    x_hat = x_hat.clamp(-1, 1)
    return {"kbps": bits / x.shape[-1] * SAMPLE_RATE / 1000, "snr": float(snr_db(x, x_hat)),
            "mel": float(mel(x, x_hat))}


@torch.no_grad()
def evaluate(model: AudioHyperprior, signals: List[Tuple[str, torch.Tensor]], positions: Sequence[float],
             mel: MelDistance) -> Dict[Tuple[str, float], Dict[str, float]]:
    """{(group, position): {"kbps", "snr", "mel"}} averaged over signals."""
    was_training = model.training
    model.eval()
    rows = []
    for position in positions:
        for group, x in signals:
            out = model(x, torch.tensor([float(position)]))
            bits = float(bits_per_sample(out["likelihoods"], x.shape[-1])) * x.shape[-1]
            rows.append(((group, position), _measures(x, out["x_hat"], bits, mel)))
    model.train(was_training)
    return _means(rows)


def table_bits(symbols: torch.Tensor, table: torch.Tensor, cdfs: torch.Tensor, sizes: torch.Tensor,
               offsets: torch.Tensor) -> float:
    """Bits to code integer `symbols` with CDF number `table` of each
    (the model file's concatenated 16-bit CDFs). Values outside a table's
    range cost its escape symbol plus an Elias-gamma-like payload."""
    cdfs, sizes, offsets = cdfs.long(), sizes.long(), offsets.long()
    starts = torch.cumsum(sizes, 0) - sizes
    table = table.long().flatten()
    value = symbols.long().flatten() - offsets[table]
    regular = sizes[table] - 2
    escaped = (value < 0) | (value >= regular)
    index = torch.where(escaped, regular, value) + starts[table]
    frequency = (cdfs[index + 1] - cdfs[index]).double()
    payload = escaped.double() * (2 * torch.log2(value.abs().double() + 2) + 1)
    return float((-torch.log2(frequency / 65536) + payload).sum())


@torch.no_grad()
def evaluate_file(module, signals: List[Tuple[str, torch.Tensor]], qualities: Sequence[float],
                  mel: MelDistance) -> Dict[Tuple[str, float], Dict[str, float]]:
    """Like evaluate, for a loaded model file (widened weights); keys hold
    quality - quality_min, as evaluate's positions."""
    rows = []
    for quality in qualities:
        for group, x in signals:
            y = module.analysis(x, quality)
            z_hat = torch.round(module.hyper_analysis(y))
            means, indexes = module.hyper_synthesis(z_hat)
            residuals = torch.round(y - means)
            channels = torch.arange(z_hat.size(1)).reshape(1, -1, 1).expand_as(z_hat)
            bits = table_bits(residuals, indexes, module.y_cdfs, module.y_cdf_sizes, module.y_offsets) + \
                table_bits(z_hat, channels, module.z_cdfs, module.z_cdf_sizes, module.z_offsets)
            x_hat = module.synthesis(residuals + means, quality, 0, residuals, indexes)
            rows.append(((group, quality - module.quality_min), _measures(x, x_hat, bits, mel)))
    return _means(rows)


def summary(results: Dict[Tuple[str, float], Dict[str, float]]) -> str:
    parts = []
    for (group, position), r in sorted(results.items()):
        parts.append(f"{group} q{position + 1:g}: {r['kbps']:.1f} kbps {r['snr']:.2f} dB mel {r['mel']:.3f}")
    return " | ".join(parts)
