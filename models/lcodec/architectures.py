"""Image compression architectures with variable rate in one set of weights.

All models share the analysis/synthesis transforms of Ballé et al. (2018)
and cover a continuous range of rates with learned per-channel gain vectors
(Cui et al., "Asymmetric Gained Deep Image Compression", 2021): the latent is
multiplied by gain[l] before quantization and by inverse_gain[l] before
synthesis, one pair per trained rate level l; qualities between levels
interpolate the gains geometrically.

Models return a dict with "x_hat" and "likelihoods" (a dict of tensors), so
the rate is -sum(log2 likelihoods) / pixels.
"""
import math
from typing import Dict

import torch
import torch.nn as nn

from .context_models import SliceContext, dct_slices
from .entropy_models import EntropyBottleneck, GaussianConditional, code_latent, round_with_straight_through
from .layers import GDN, BlockDCT, InverseBlockDCT, PixelGroupResidual, Residual, SubPixelDeconv, conv, deconv

# Rate-distortion trade-offs of the trained levels (loss = lambda * 255^2 * MSE + bpp):
# log-spaced from 0.0002 (about 0.2 bpp on the val photos) to CompressAI's
# highest, 0.18 (about 3 bpp).
LAMBDAS = (0.0002, 0.00053, 0.00139, 0.00368, 0.00972, 0.0257, 0.068, 0.18)


def analysis_transform(n: int, m: int) -> nn.Sequential:
    return nn.Sequential(conv(3, n), GDN(n), conv(n, n), GDN(n), conv(n, n), GDN(n), conv(n, m))


def synthesis_transform(n: int, m: int) -> nn.Sequential:
    # Sub-pixel form of the deconvs: same weights, ~1.5x faster to train and
    # ~2x faster to decode on CPU (see SubPixelDeconv).
    return nn.Sequential(SubPixelDeconv(deconv(m, n)), GDN(n, inverse=True), SubPixelDeconv(deconv(n, n)),
                         GDN(n, inverse=True), SubPixelDeconv(deconv(n, n)), GDN(n, inverse=True),
                         SubPixelDeconv(deconv(n, 3)))


def pixel_group_filter(factor: int, hidden: int) -> PixelGroupResidual:
    """Three 3x3 convolutions over factor x factor groups of RGB pixels."""
    groups = 3 * factor ** 2
    return PixelGroupResidual(nn.Sequential(conv(groups, hidden, 3, 1), nn.ReLU(inplace=True),
                                            conv(hidden, hidden, 3, 1), nn.ReLU(inplace=True),
                                            conv(hidden, groups, 3, 1)), factor)


def latent_residual(m: int, hidden: int, inverse: bool = False) -> Residual:
    """Three 3x3 convolutions with GDN (IGDN on the synthesis side) over
    the latent's blocks: each output block sees its 3 neighbours each way."""
    return Residual(nn.Sequential(conv(m, hidden, 3, 1), GDN(hidden, inverse=inverse), conv(hidden, hidden, 3, 1),
                                  GDN(hidden, inverse=inverse), conv(hidden, m, 3, 1)))


def dct_transforms(n: int, m: int):
    """A fixed colour rotation + 8x8 block DCT (BlockDCT) whose 192
    coefficients are the latent, refined on both sides by learned residual
    convolutions over neighbouring blocks (zero at the start), and learned
    residual pixel-domain filters after the inverse DCT (deblocking: a narrow
    full-resolution one, then a wider half-resolution one). It starts
    as a classical transform codec with a learned entropy model and learns
    improvements, so it trains in thousands of steps rather than the hundreds
    of thousands a GDN autoencoder needs."""
    if m != 3 * BlockDCT.BLOCK ** 2:
        raise ValueError(f"the block-DCT transforms have m = {3 * BlockDCT.BLOCK ** 2}, not {m}")
    g_a = nn.Sequential(BlockDCT(), latent_residual(m, n))
    g_s = nn.Sequential(latent_residual(m, n, inverse=True),
                        InverseBlockDCT(),
                        Residual(nn.Sequential(conv(3, 24, 3, 1), nn.ReLU(inplace=True), conv(24, 24, 3, 1),
                                               nn.ReLU(inplace=True), conv(24, 3, 3, 1))),
                        pixel_group_filter(2, 48))
    return g_a, g_s


def interpolate_gain(log_gains: torch.Tensor, position: torch.Tensor) -> torch.Tensor:
    """Gains (batch, M, 1, 1) at real-valued positions in [0, levels - 1]:
    geometric interpolation between the two nearest trained levels."""
    levels, channels = log_gains.shape
    position = position.to(log_gains.dtype).clamp(0, levels - 1).reshape(-1, 1)
    lower = position.floor().clamp(max=levels - 2).long().squeeze(1)
    t = position - lower.unsqueeze(1).to(position.dtype)
    log = (1 - t) * log_gains[lower] + t * log_gains[lower + 1]
    return torch.exp(log).reshape(-1, channels, 1, 1)


class VariableRateModel(nn.Module):
    """Owns the analysis/synthesis transforms and the gain vectors."""

    downsampling = 16  # input sides must be multiples of this

    def __init__(self, n: int, m: int, levels: int = len(LAMBDAS), dct: bool = False):
        super().__init__()
        self.n, self.m, self.levels, self.dct = n, m, levels, dct
        if dct:
            self.g_a, self.g_s = dct_transforms(n, m)
        else:
            self.g_a, self.g_s = analysis_transform(n, m), synthesis_transform(n, m)
        # Log-domain gains: positive by construction, interpolated linearly.
        # They start on the ladder that uniform quantization suggests (step
        # ~ 1/sqrt(lambda)); from all-ones, Adam needs tens of thousands of
        # steps to spread the levels apart. For the orthonormal DCT latent the
        # absolute step is known too: at high rate, bpp = 3 (h - log2 step) and
        # MSE = step^2 / 12 per channel, so lambda * 255^2 * MSE + bpp is least
        # at step^2 = 18 / (lambda * 255^2 * ln 2).
        lambdas = torch.tensor(LAMBDAS[:levels], dtype=torch.float64)
        if dct:
            ladder = 0.5 * torch.log(lambdas * 255 ** 2 * math.log(2) / 18)
        else:
            ladder = 0.5 * torch.log(lambdas / lambdas.log().mean().exp())
        ladder = ladder.float().reshape(levels, 1)
        self.log_gain = nn.Parameter(ladder.repeat(1, m))
        self.log_inverse_gain = nn.Parameter(-ladder.repeat(1, m))

    def gains(self, quality: torch.Tensor):
        """Gain and inverse gain, each (batch, M, 1, 1), for real-valued quality
        positions in [0, levels - 1] (level l is quality position l)."""
        return interpolate_gain(self.log_gain, quality), interpolate_gain(self.log_inverse_gain, quality)


class FactorizedPrior(VariableRateModel):
    """Ballé et al. (2017/2018) factorized prior: each latent channel has one density."""

    def __init__(self, n: int = 128, m: int = 192):
        super().__init__(n, m)
        self.entropy_bottleneck = EntropyBottleneck(m)

    def forward(self, x: torch.Tensor, quality: torch.Tensor) -> Dict:
        gain, inverse_gain = self.gains(quality)
        y = self.g_a(x) * gain
        y_noisy, y_likelihoods = self.entropy_bottleneck(y)
        y_hat = round_with_straight_through(y) if self.training else y_noisy
        return {"x_hat": self.g_s(y_hat * inverse_gain), "likelihoods": {"y": y_likelihoods}}

    def aux_loss(self) -> torch.Tensor:
        return self.entropy_bottleneck.aux_loss()


class MeanScaleHyperprior(VariableRateModel):
    """Hyperprior model: a side latent z predicts each latent's Gaussian scale
    (and, with ``predict_means``, its mean: Minnen et al. 2018 without context).

    The hyper-synthesis h_s uses ReLU only, so export can turn it into an exact
    integer network (integer_hyper.py) that decides the entropy coding.
    """

    def __init__(self, n: int = 128, m: int = 192, predict_means: bool = True, dct: bool = False,
                 context: bool = False):
        super().__init__(n, m, dct=dct)
        # Input sides must be multiples of the latent stride times the
        # hyper-transforms' 4.
        self.downsampling = 32 if dct else 64
        self.predict_means = predict_means
        self.h_a = nn.Sequential(conv(m, n, 3, 1), nn.ReLU(inplace=True), conv(n, n), nn.ReLU(inplace=True), conv(n, n))
        outputs = 2 * m if predict_means else m
        self.h_s = nn.Sequential(deconv(n, n), nn.ReLU(inplace=True), deconv(n, n), nn.ReLU(inplace=True),
                                 conv(n, outputs, 3, 1))
        self.entropy_bottleneck = EntropyBottleneck(n)
        self.gaussian_conditional = GaussianConditional()
        # Optional: refines the hyperprior slice by slice from decoded values.
        self.context = SliceContext(dct_slices(), self.gaussian_conditional.scale_table.double().numpy()) \
            if context else None

    def hyper_parameters(self, z_hat: torch.Tensor):
        """Means and scales of the latent from the decoded hyper-latent."""
        params = self.h_s(z_hat)
        if self.predict_means:
            means, scales = params.chunk(2, dim=1)
        else:
            means, scales = torch.zeros_like(params), params
        return means, scales

    def forward(self, x: torch.Tensor, quality: torch.Tensor, synthesize: bool = True) -> Dict:
        """With synthesize=False, "x_hat" is None (training the entropy
        models alone needs only the likelihoods)."""
        gain, inverse_gain = self.gains(quality)
        y = self.g_a(x) * gain
        z = self.h_a(y if self.predict_means else torch.abs(y))
        z_hat, z_likelihoods = self.entropy_bottleneck(z)
        means, scales = self.hyper_parameters(z_hat)
        y_hat, y_likelihoods = self.code_latent(y, means, scales)
        x_hat = self.g_s(y_hat * inverse_gain) if synthesize else None
        return {"x_hat": x_hat, "likelihoods": {"y": y_likelihoods, "z": z_likelihoods}}

    def code_latent(self, y: torch.Tensor, means: torch.Tensor, scales: torch.Tensor):
        """(y_hat, likelihoods) from the hyperprior's means and scales, refined
        by the slice context if the model has one."""
        if self.context is not None:
            return self.context(y, means, scales, self.gaussian_conditional, self.training)
        return code_latent(y, means, scales, self.gaussian_conditional, self.training)

    def aux_loss(self) -> torch.Tensor:
        return self.entropy_bottleneck.aux_loss()


def ScaleHyperprior(n: int = 128, m: int = 192) -> MeanScaleHyperprior:
    """Ballé et al. (2018) scale hyperprior: the mean-scale model without means."""
    return MeanScaleHyperprior(n, m, predict_means=False)


def DctHyperprior(n: int = 128, m: int = 192) -> MeanScaleHyperprior:
    """The mean-scale hyperprior on refined block-DCT coefficients (dct_transforms)."""
    return MeanScaleHyperprior(n, m, dct=True)


def DctContextHyperprior(n: int = 128, m: int = 192) -> MeanScaleHyperprior:
    """DctHyperprior with the slice context (context_models.py)."""
    return MeanScaleHyperprior(n, m, dct=True, context=True)


def DctContextQuarterFilterHyperprior(n: int = 128, m: int = 192) -> MeanScaleHyperprior:
    """DctContextHyperprior whose synthesis ends with a third deblocking
    filter, on 4x4 pixel groups (it sees 12 pixels, 1.5 blocks, each way).
    Trained from a dct-context checkpoint (train.py --init-from), it starts
    as that model."""
    model = DctContextHyperprior(n, m)
    model.g_s.append(pixel_group_filter(4, 96))
    return model


ARCHITECTURES = {
    "dct-context": DctContextHyperprior,
    "dct-context-quarter-filter": DctContextQuarterFilterHyperprior,
    "dct-hyperprior": DctHyperprior,
    "factorized": FactorizedPrior,
    "scale-hyperprior": ScaleHyperprior,
    "mean-scale-hyperprior": MeanScaleHyperprior,
}
