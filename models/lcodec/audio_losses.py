"""Audio distortion measures: the training loss and the validation metrics.

Plain MSE spends bits where the signal is loud and ignores quiet bands that
the ear hears well, so the training distortion is a log-mel spectral
distance at several resolutions (what "mel distance" reports) plus a
normalized time-domain error that keeps the phase and waveform right.
"""
from typing import List, Tuple

import torch
import torch.nn as nn

MEL_RESOLUTIONS = ((512, 32), (1024, 64), (2048, 128))  # (FFT size, mel bands)
LOG_FLOOR = 1e-5        # mel power floor (about -100 dB full scale per band)
TIME_WEIGHT = 10.0      # weight of the normalized time-domain error


def hz_to_mel(f: torch.Tensor) -> torch.Tensor:
    return 2595.0 * torch.log10(1.0 + f / 700.0)


def mel_filterbank(n_fft: int, bands: int, sample_rate: int) -> torch.Tensor:
    """Triangular filters (bands, n_fft // 2 + 1), HTK mel scale, 0 Hz to Nyquist."""
    freqs = torch.linspace(0, sample_rate / 2, n_fft // 2 + 1, dtype=torch.float64)
    edges = 700.0 * (10 ** (torch.linspace(0, float(hz_to_mel(torch.tensor(sample_rate / 2.0))), bands + 2,
                                           dtype=torch.float64) / 2595.0) - 1.0)
    lower, center, upper = edges[:-2].reshape(-1, 1), edges[1:-1].reshape(-1, 1), edges[2:].reshape(-1, 1)
    rising = (freqs - lower) / (center - lower)
    falling = (upper - freqs) / (upper - center)
    return torch.clamp(torch.minimum(rising, falling), min=0).float()


class MelDistance(nn.Module):
    """Mean |log10 mel power(x) - log10 mel power(x_hat)| over resolutions, per item."""

    def __init__(self, sample_rate: int, resolutions: Tuple[Tuple[int, int], ...] = MEL_RESOLUTIONS):
        super().__init__()
        self.resolutions = resolutions
        for n_fft, bands in resolutions:
            self.register_buffer(f"filters_{n_fft}", mel_filterbank(n_fft, bands, sample_rate), persistent=False)
            self.register_buffer(f"window_{n_fft}", torch.hann_window(n_fft), persistent=False)

    def log_mels(self, x: torch.Tensor) -> List[torch.Tensor]:
        """x: (B, 1, T) -> one (B, bands, frames) log10 mel power per resolution."""
        out = []
        for n_fft, _ in self.resolutions:
            spec = torch.stft(x.squeeze(1), n_fft, n_fft // 4, window=getattr(self, f"window_{n_fft}"),
                              return_complex=True)
            power = spec.real ** 2 + spec.imag ** 2
            mel = torch.matmul(getattr(self, f"filters_{n_fft}"), power)
            out.append(torch.log10(mel + LOG_FLOOR))
        return out

    def forward(self, x: torch.Tensor, x_hat: torch.Tensor) -> torch.Tensor:
        terms = [(a - b).abs().flatten(1).mean(1) for a, b in zip(self.log_mels(x), self.log_mels(x_hat))]
        return sum(terms) / len(terms)


def normalized_error(x: torch.Tensor, x_hat: torch.Tensor) -> torch.Tensor:
    """Error energy / signal energy per item (10^(-SNR/10))."""
    return (x_hat - x).pow(2).flatten(1).sum(1) / (x.pow(2).flatten(1).sum(1) + 1e-8)


def snr_db(x: torch.Tensor, x_hat: torch.Tensor) -> torch.Tensor:
    return -10 * torch.log10(normalized_error(x, x_hat) + 1e-12)


def distortion(mel: MelDistance, x: torch.Tensor, x_hat: torch.Tensor) -> torch.Tensor:
    """The training distortion, per item."""
    return mel(x, x_hat) + TIME_WEIGHT * normalized_error(x, x_hat)


def bits_per_sample(likelihoods: dict, samples: int) -> torch.Tensor:
    bits = sum(-torch.log2(lik).flatten(1).sum(1) for lik in likelihoods.values())
    return bits / samples


def kbps(bits_per_sample_value: float, sample_rate: int) -> float:
    return bits_per_sample_value * sample_rate / 1000.0

