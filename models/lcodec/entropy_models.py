"""Entropy models: the factorized prior for hyper-latents and the Gaussian
conditional for latents, plus the CDF quantization that the C++ coder uses.

Both models estimate likelihoods during training. At export, their
probabilities are turned into 16-bit integer CDF tables *once* and stored in
the model file, so the encoder and decoder use identical tables by
construction (see ``quantize_pmf``; it mirrors entropy/cdf_table.h).
"""
import math
from typing import List, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CDF_PRECISION = 16
LIKELIHOOD_BOUND = 1e-9


def lower_bound(x: torch.Tensor, bound: float) -> torch.Tensor:
    """max(x, bound) that still lets gradients pull x up from below the bound."""
    return _LowerBound.apply(x, bound)


class _LowerBound(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, bound):
        ctx.save_for_backward(x)
        ctx.bound = bound
        return torch.clamp(x, min=bound)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        pass_through = (x >= ctx.bound) | (grad < 0)
        return grad * pass_through.to(grad.dtype), None


def quantize_pmf(pmf: np.ndarray, tail_mass: float) -> np.ndarray:
    """Turns a pmf over n symbols (+ an escape symbol with ``tail_mass``) into a
    strictly increasing CDF of n + 2 integers from 0 to 2**16.

    Same algorithm as entropy::CdfTable::FromPmfs: every symbol first gets
    1 + floor(p / total * (2**16 - symbols)), so no frequency is ever zero; the
    units left over go one each to the most probable symbols.
    """
    probs = np.append(np.asarray(pmf, dtype=np.float64), float(tail_mass))
    if np.any(~np.isfinite(probs)) or np.any(probs < 0) or probs.sum() <= 0:
        raise ValueError("pmf must be finite, non-negative and not all zero")
    total = np.cumsum(probs)[-1]  # left to right, like the C++ loop
    symbols = probs.size
    freq = 1 + np.floor(probs / total * ((1 << CDF_PRECISION) - symbols)).astype(np.int64)
    order = np.argsort(-probs, kind="stable")
    remaining = (1 << CDF_PRECISION) - int(freq.sum())
    np.add.at(freq, order[np.arange(remaining) % symbols], 1)
    return np.concatenate([[0], np.cumsum(freq)]).astype(np.uint32)


class EntropyBottleneck(nn.Module):
    """Factorized density for the hyper-latent z (Ballé et al. 2018, appendix 6.1).

    Each channel has its own small monotonic network giving a cumulative
    density; likelihoods are differences of it over unit bins. ``quantiles``
    track each channel's [tail, median, 1 - tail] points (trained with
    ``aux_loss``) so that export knows which integer range to tabulate.
    """

    def __init__(self, channels: int, tail_mass: float = 1e-9, init_scale: float = 10.0,
                 filters: Tuple[int, ...] = (3, 3, 3, 3)):
        super().__init__()
        self.channels = channels
        self.tail_mass = tail_mass
        widths = (1,) + tuple(filters) + (1,)
        scale = init_scale ** (1 / (len(filters) + 1))
        self.matrices = nn.ParameterList()
        self.biases = nn.ParameterList()
        self.factors = nn.ParameterList()
        for i in range(len(filters) + 1):
            init = math.log(math.expm1(1 / scale / widths[i + 1]))
            self.matrices.append(nn.Parameter(torch.full((channels, widths[i + 1], widths[i]), init)))
            self.biases.append(nn.Parameter(torch.rand(channels, widths[i + 1], 1) - 0.5))
            if i < len(filters):
                self.factors.append(nn.Parameter(torch.zeros(channels, widths[i + 1], 1)))
        self.quantiles = nn.Parameter(torch.tensor([-init_scale, 0.0, init_scale]).repeat(channels, 1, 1))
        target = math.log(2 / tail_mass - 1)
        self.register_buffer("quantile_targets", torch.tensor([-target, 0.0, target]))

    def _logits_cumulative(self, x: torch.Tensor, detach_params: bool = False) -> torch.Tensor:
        # x: (channels, 1, points). With detach_params, only x gets gradients
        # (the auxiliary loss moves the quantiles, never the density).
        for i, matrix in enumerate(self.matrices):
            bias = self.biases[i]
            if detach_params:
                matrix, bias = matrix.detach(), bias.detach()
            x = torch.matmul(F.softplus(matrix), x) + bias
            if i < len(self.factors):
                factor = self.factors[i].detach() if detach_params else self.factors[i]
                x = x + torch.tanh(factor) * torch.tanh(x)
        return x

    def aux_loss(self) -> torch.Tensor:
        logits = self._logits_cumulative(self.quantiles, detach_params=True)
        return torch.abs(logits - self.quantile_targets.reshape(1, 1, 3)).sum()

    def likelihood(self, values: torch.Tensor) -> torch.Tensor:
        """P(value) of integer-binned values; values: (batch, channels, h, w)."""
        b, c, h, w = values.shape
        flat = values.permute(1, 0, 2, 3).reshape(c, 1, -1)
        lower = self._logits_cumulative(flat - 0.5)
        upper = self._logits_cumulative(flat + 0.5)
        # Subtract in the tail where the sigmoid is more precise.
        sign = -torch.sign(lower + upper).detach()
        lik = torch.abs(torch.sigmoid(sign * upper) - torch.sigmoid(sign * lower))
        lik = lower_bound(lik, LIKELIHOOD_BOUND)
        return lik.reshape(c, b, h, w).permute(1, 0, 2, 3)

    def forward(self, z: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Returns (z_hat, likelihoods). Training adds uniform noise; eval rounds."""
        if self.training:
            z_hat = z + torch.empty_like(z).uniform_(-0.5, 0.5)
        else:
            z_hat = torch.round(z)
        return z_hat, self.likelihood(z_hat)

    @torch.no_grad()
    def fit_quantiles(self, bound: float = 1e4, iterations: int = 60) -> None:
        """Sets the quantiles to where the density puts them, by bisection
        (the cumulative is monotonic); export.py does before making tables."""
        targets = self.quantile_targets.reshape(1, 1, 3).expand(self.channels, 1, 3)
        low = torch.full_like(self.quantiles, -bound)
        high = torch.full_like(self.quantiles, bound)
        for _ in range(iterations):
            middle = (low + high) / 2
            below = self._logits_cumulative(middle) < targets
            low = torch.where(below, middle, low)
            high = torch.where(below, high, middle)
        self.quantiles.copy_((low + high) / 2)

    @torch.no_grad()
    def cdf_tables(self) -> Tuple[List[np.ndarray], List[int]]:
        """One quantized CDF per channel over [floor(q_low), ceil(q_high)]."""
        lows = torch.floor(self.quantiles[:, 0, 0]).long()
        highs = torch.maximum(torch.ceil(self.quantiles[:, 0, 2]).long(), lows)
        counts = highs - lows + 1
        points = (lows.reshape(-1, 1, 1) + torch.arange(int(counts.max())).reshape(1, 1, -1)).float()
        logits_lo = self._logits_cumulative(points - 0.5)
        logits_hi = self._logits_cumulative(points + 0.5)
        sign = -torch.sign(logits_lo + logits_hi)
        pmfs = torch.abs(torch.sigmoid(sign * logits_hi) - torch.sigmoid(sign * logits_lo)).double()
        cdfs, offsets = [], []
        for c in range(self.channels):
            n = int(counts[c])
            tail = float(torch.sigmoid(logits_lo[c, 0, 0]) + torch.sigmoid(-logits_hi[c, 0, n - 1]))
            cdfs.append(quantize_pmf(pmfs[c, 0, :n].numpy(), max(tail, 1e-9)))
            offsets.append(int(lows[c]))
        return cdfs, offsets


def default_scale_table(count: int = 64, smallest: float = 0.11, largest: float = 256.0) -> np.ndarray:
    """Log-spaced Gaussian scales, one CDF each (as in CompressAI)."""
    return np.exp(np.linspace(math.log(smallest), math.log(largest), count))


class GaussianConditional(nn.Module):
    """Zero-mean Gaussian likelihood of latent residuals given predicted scales.

    Residuals y - mu are coded, never y itself, so means never affect which
    CDF codes a symbol: only the scale index does, and that comes from the
    exact integer hyper-synthesis (see integer_hyper.py).
    """

    def __init__(self, scale_table: np.ndarray = None, tail_mass: float = 1e-9):
        super().__init__()
        table = default_scale_table() if scale_table is None else scale_table
        self.register_buffer("scale_table", torch.tensor(table, dtype=torch.float32))
        self.tail_mass = tail_mass
        self.scale_bound = float(table[0])

    @staticmethod
    def _standard_cumulative(x: torch.Tensor) -> torch.Tensor:
        return 0.5 * torch.erfc(-x * (2 ** -0.5))

    def likelihood(self, residuals: torch.Tensor, scales: torch.Tensor) -> torch.Tensor:
        scales = lower_bound(scales, self.scale_bound)
        values = torch.abs(residuals)
        upper = self._standard_cumulative((0.5 - values) / scales)
        lower = self._standard_cumulative((-0.5 - values) / scales)
        return lower_bound(upper - lower, LIKELIHOOD_BOUND)

    @torch.no_grad()
    def cdf_tables(self) -> Tuple[List[np.ndarray], List[int]]:
        """One quantized CDF per table scale, over [-L, L] with L covering all
        but ``tail_mass`` of the mass; the rest goes to the escape symbol."""
        normal = torch.distributions.Normal(torch.tensor(0.0, dtype=torch.float64), torch.tensor(1.0, dtype=torch.float64))
        multiplier = -float(normal.icdf(torch.tensor(self.tail_mass / 2, dtype=torch.float64)))
        cdfs, offsets = [], []
        for scale in self.scale_table.double().tolist():
            half = int(math.ceil(scale * multiplier))
            points = torch.arange(-half, half + 1, dtype=torch.float64)
            pmf = normal.cdf((points + 0.5) / scale) - normal.cdf((points - 0.5) / scale)
            tail = 2 * float(normal.cdf(torch.tensor((-half - 0.5) / scale, dtype=torch.float64)))
            cdfs.append(quantize_pmf(pmf.numpy(), max(tail, 1e-9)))
            offsets.append(-half)
        return cdfs, offsets


def round_with_straight_through(x: torch.Tensor) -> torch.Tensor:
    """Rounds in the forward pass, passes gradients unchanged backwards."""
    return x + (torch.round(x) - x).detach()


def code_latent(y: torch.Tensor, means: torch.Tensor, scales: torch.Tensor, conditional: nn.Module,
                training: bool):
    """The decoded latent y_hat = round(y - means) + means and its likelihoods.

    In training the rate comes from noisy latents and the distortion from
    truly rounded residuals (Minnen & Singh 2020), so training sees the
    decoder's quantization."""
    if training:
        y_for_rate = y + torch.empty_like(y).uniform_(-0.5, 0.5)
    else:
        y_for_rate = torch.round(y - means) + means
    y_likelihoods = conditional.likelihood(y_for_rate - means, scales)
    return round_with_straight_through(y - means) + means, y_likelihoods
