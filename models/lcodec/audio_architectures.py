"""Audio compression architecture: the image codec's mean-scale hyperprior on
mono waveforms, variable rate with interpolated gain vectors.

Six front ends share everything else:
  * "mdct-noise" (the default): mdct-power whose synthesis adds noise of a
    learned, signal-dependent amplitude after the post-filter (NoiseFill),
    so that bands quantized to zero keep their energy.
  * "mdct-power": the latent is a fixed orthonormal MDCT (hop
    256 at 48 kHz), companded (signed square root, PowerLaw) and scaled per
    coefficient by the learned gains; the synthesis refines the dequantized
    coefficients with a learned residual stack of 1-D convolutions with GDN
    over frames (zero at start), expands them and inverts the MDCT. It
    starts as a classical transform codec with a learned entropy model and
    only has to learn improvements; companding makes the quantization noise
    follow the signal level (quiet passages and bands keep their texture).
  * "mdct-post": the same without companding.
  * "mdct-residual": mdct-post with a learned residual stack in the analysis too.
  * "mdct": the MDCT's frames feed a learned convolutional encoder that
    reduces them to M channels at a 512-sample stride (a learned bottleneck).
  * "waveform": a learned strided 1-D convolution stack on the samples.
Measured against each other (same data, batch 8 x 0.68 s, lr 3e-4, fixed
lambdas; validation split, music; step costs on CPU: waveform ~4x the others):
  first comparison, initial gains 12..50:
  mdct-residual: 400 steps: q1 29.4 kbps 23.1 dB mel 0.76, q8 62.6 kbps 30.3 dB mel 0.61
  mdct:          400 steps: q1 44.8 kbps 14.2 dB mel 1.32, q8 73.2 kbps 14.6 dB mel 1.23
  waveform:      200 steps: q1 46.1 kbps 12.6 dB mel 1.22, q8 77.3 kbps 12.9 dB mel 1.17
                 (mdct-residual at 200 steps: q1 28.9 kbps 22.2 dB mel 0.94)
  second comparison, INITIAL_GAINS:
  mdct-post:     400 steps: q1 11.0 kbps 10.8 dB mel 1.16, q8 67.3 kbps 32.0 dB mel 0.47
  mdct-residual: 400 steps: q1 12.5 kbps 11.2 dB mel 1.38, q8 95.9 kbps 28.4 dB mel 0.78
  mdct-power:    400 steps: q1 4.9 kbps 6.9 dB mel 1.20, q4 28.3 kbps 22.7 dB mel 0.67, q8 155 kbps 34.8 dB mel 0.05
                 speech:    q1 5.4 kbps mel 1.09, q4 31.1 kbps 19.5 dB mel 0.38 (mdct-post q8: 59.2 kbps mel 0.80)
The hyper-latent has one step per DOWNSAMPLING samples whatever the front end.
"""
import math
from typing import Dict, Optional

import torch
import torch.nn as nn

from .architectures import interpolate_gain
from .audio_layers import GDN1d, MDCT, NoiseFill, PowerLaw, conv1d, deconv1d, scale_fill_amplitude
from .entropy_models import EntropyBottleneck, GaussianConditional, code_latent
from .layers import Residual

SAMPLE_RATE = 48000
# Initial rate-distortion trade-offs of the trained levels: loss = bits per
# sample + lambda * distortion (audio_losses.distortion). Training adapts
# them (train_audio.py) so that each level meets its target rate.
AUDIO_LAMBDAS = (0.6, 1.0, 1.7, 2.9, 5.0, 8.5, 14.5, 25.0)
# Initial gains of the lowest and highest levels (geometric in between): the
# MDCT of audio at typical levels (RMS ~0.1) has coefficients ~0.03, and these
# put the levels near ~5 and ~80 kbps at the start (measured), which the
# gains alone are slow to reach: they barely moved in the first 600 steps.
INITIAL_GAINS = (1.35, 110.0)


class InverseMDCT(nn.Module):
    def __init__(self, mdct: MDCT):
        super().__init__()
        self.mdct = mdct

    def forward(self, coefficients: torch.Tensor) -> torch.Tensor:
        return self.mdct.inverse(coefficients)


def mdct_transforms(c: int, m: int, hop: int = 256):
    mdct = MDCT(hop)
    g_a = nn.Sequential(mdct, conv1d(hop, c), GDN1d(c), conv1d(c, c, 3, 2), GDN1d(c), conv1d(c, m))
    g_s = nn.Sequential(conv1d(m, c), GDN1d(c, inverse=True), deconv1d(c, c, 3, 2), GDN1d(c, inverse=True),
                        conv1d(c, hop), InverseMDCT(MDCT(hop)))
    return g_a, g_s, 2 * hop, hop


def waveform_transforms(c: int, m: int):
    narrow = c // 2
    g_a = nn.Sequential(conv1d(1, narrow // 2, 15, 4), GDN1d(narrow // 2), conv1d(narrow // 2, narrow, 9, 4),
                        GDN1d(narrow), conv1d(narrow, c, 9, 4), GDN1d(c), conv1d(c, m, 9, 8))
    g_s = nn.Sequential(deconv1d(m, c, 9, 8), GDN1d(c, inverse=True), deconv1d(c, narrow, 9, 4),
                        GDN1d(narrow, inverse=True), deconv1d(narrow, narrow // 2, 9, 4),
                        GDN1d(narrow // 2, inverse=True), deconv1d(narrow // 2, 1, 15, 4))
    return g_a, g_s, 512, 0


def mdct_residual_transforms(c: int, m: int):
    """The latent is the MDCT with hop m (m bins per m samples), refined."""
    g_a = nn.Sequential(MDCT(m), Residual(nn.Sequential(conv1d(m, c), GDN1d(c), conv1d(c, c), GDN1d(c),
                                                        conv1d(c, m))))
    g_s = nn.Sequential(Residual(nn.Sequential(conv1d(m, c), GDN1d(c, inverse=True), conv1d(c, c),
                                               GDN1d(c, inverse=True), conv1d(c, m))), InverseMDCT(MDCT(m)))
    return g_a, g_s, m, m


def mdct_post_transforms(c: int, m: int):
    """The latent is the MDCT with hop m itself; only the synthesis has a
    learned residual stack (a post-filter on the dequantized coefficients)."""
    g_a = nn.Sequential(MDCT(m))
    g_s = nn.Sequential(Residual(nn.Sequential(conv1d(m, c), GDN1d(c, inverse=True), conv1d(c, c),
                                               GDN1d(c, inverse=True), conv1d(c, m))), InverseMDCT(MDCT(m)))
    return g_a, g_s, m, m


def mdct_power_transforms(c: int, m: int, exponent: float = 0.5):
    """mdct-post on companded coefficients (PowerLaw): the latent is
    |MDCT|^exponent (signed), the post-filter works in that domain."""
    g_a = nn.Sequential(MDCT(m), PowerLaw(exponent))
    g_s = nn.Sequential(Residual(nn.Sequential(conv1d(m, c), GDN1d(c, inverse=True), conv1d(c, c),
                                               GDN1d(c, inverse=True), conv1d(c, m))),
                        PowerLaw(exponent, inverse=True), InverseMDCT(MDCT(m)))
    return g_a, g_s, m, m


class NoiseFilledSynthesis(nn.Module):
    """mdct-power's synthesis with NoiseFill between the post-filter and the
    expansion. first_frame: the absolute latent frame of y's first column
    (the noise is a function of position, whatever the chunking);
    fill_amplitude: noise the decoder adds on top of the learned amount, in
    the coefficient domain (see NoiseFill)."""

    def __init__(self, c: int, m: int, exponent: float):
        super().__init__()
        self.post = Residual(nn.Sequential(conv1d(m, c), GDN1d(c, inverse=True), conv1d(c, c),
                                           GDN1d(c, inverse=True), conv1d(c, m)))
        self.noise = NoiseFill(m, c)
        self.expand = PowerLaw(exponent, inverse=True)
        self.imdct = InverseMDCT(MDCT(m))

    def forward(self, y: torch.Tensor, first_frame: int = 0,
                fill_amplitude: Optional[torch.Tensor] = None) -> torch.Tensor:
        return self.imdct(self.expand(self.noise(self.post(y), first_frame, fill_amplitude)))


def mdct_noise_transforms(c: int, m: int, exponent: float = 0.5):
    g_a = nn.Sequential(MDCT(m), PowerLaw(exponent))
    return g_a, NoiseFilledSynthesis(c, m, exponent), m, m


FRONT_ENDS = {"mdct-noise": mdct_noise_transforms, "mdct-power": mdct_power_transforms, "mdct-post": mdct_post_transforms,
              "mdct-residual": mdct_residual_transforms, "mdct": mdct_transforms, "waveform": waveform_transforms}
DOWNSAMPLING = 2048  # samples per hyper-latent step


def hyper_transforms(m: int, n: int, stride: int):
    """h_a and h_s around `stride` = 2**k: k stride-2 layers each, ReLUs only
    (h_s becomes an exact integer network at export)."""
    layers = int(math.log2(stride))
    h_a = [conv1d(m, n, 3, 1)]
    for _ in range(layers):
        h_a += [nn.ReLU(inplace=True), conv1d(n, n, 5, 2)]
    h_s = []
    for _ in range(layers):
        h_s += [deconv1d(n, n, 5, 2), nn.ReLU(inplace=True)]
    h_s.append(conv1d(n, 2 * m, 3, 1))
    return nn.Sequential(*h_a), nn.Sequential(*h_s)


class AudioHyperprior(nn.Module):
    """Mean-scale hyperprior over (B, 1, T) mono signals in [-1, 1]."""

    def __init__(self, c: int = 192, m: int = 256, n: int = 64, front: str = "mdct-noise",
                 levels: int = len(AUDIO_LAMBDAS)):
        super().__init__()
        self.c, self.m, self.n, self.front, self.levels = c, m, n, front, levels
        # tail_padding: end samples the front end cannot reconstruct alone.
        self.g_a, self.g_s, self.latent_stride, self.tail_padding = FRONT_ENDS[front](c, m)
        self.downsampling = DOWNSAMPLING
        self.hyper_stride = DOWNSAMPLING // self.latent_stride
        self.h_a, self.h_s = hyper_transforms(m, n, self.hyper_stride)
        self.entropy_bottleneck = EntropyBottleneck(n)
        self.gaussian_conditional = GaussianConditional()
        ladder = torch.linspace(math.log(INITIAL_GAINS[0]), math.log(INITIAL_GAINS[1]), levels).reshape(levels, 1)
        lambdas = torch.tensor(AUDIO_LAMBDAS[:levels])
        self.log_gain = nn.Parameter(ladder.repeat(1, m))
        self.log_inverse_gain = nn.Parameter(-ladder.repeat(1, m))
        # The current trade-offs, saved with the weights (training adapts them).
        self.register_buffer("lambdas", lambdas.float())

    def gains(self, quality: torch.Tensor):
        """Gain and inverse gain, each (batch, M, 1), at quality positions in [0, levels - 1]."""
        return (interpolate_gain(self.log_gain, quality).squeeze(3),
                interpolate_gain(self.log_inverse_gain, quality).squeeze(3))

    def forward(self, x: torch.Tensor, quality: torch.Tensor) -> Dict:
        gain, inverse_gain = self.gains(quality)
        y = self.g_a(x) * gain
        z = self.h_a(y)
        z_hat, z_likelihoods = self.entropy_bottleneck(z.unsqueeze(2))
        means, scales = self.h_s(z_hat.squeeze(2)).chunk(2, dim=1)
        y_hat, y_likelihoods = code_latent(y, means, scales, self.gaussian_conditional, self.training)
        if isinstance(self.g_s, NoiseFilledSynthesis):
            x_hat = self.g_s(y_hat * inverse_gain, 0, self.decoder_fill(y, means, scales) * inverse_gain)
        else:
            x_hat = self.g_s(y_hat * inverse_gain)
        out = {"x_hat": x_hat, "likelihoods": {"y": y_likelihoods, "z": z_likelihoods}}
        if self.training:
            # What the coder would spend (rounded values, no gradient): at low
            # rates the noisy estimate above is several times higher, since
            # most latents round to a value of near-certain probability.
            with torch.no_grad():
                out["coded_likelihoods"] = {
                    "y": self.gaussian_conditional.likelihood(torch.round(y - means), scales),
                    "z": self.entropy_bottleneck.likelihood(torch.round(z).unsqueeze(2))}
        else:
            out["coded_likelihoods"] = out["likelihoods"]
        return out

    def decoder_fill(self, y: torch.Tensor, means: torch.Tensor, scales: torch.Tensor) -> torch.Tensor:
        """The noise amplitude (in quantization steps) that the exported
        decoder gives each coefficient coded as zero, from its scale
        (scale_fill_amplitude), so that training sees the decoder's output.
        A rule of the decoder: no gradient reaches the scales through it."""
        with torch.no_grad():
            zero = torch.round(y - means) == 0
            fill = scale_fill_amplitude(scales, self.gaussian_conditional.scale_table)
            return torch.where(zero, fill, torch.zeros_like(fill))

    def aux_loss(self) -> torch.Tensor:
        return self.entropy_bottleneck.aux_loss()
