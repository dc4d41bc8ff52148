"""Neural layers shared by the architectures."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class _NonNegative(nn.Module):
    """Keeps a parameter non-negative through a squared reparametrisation.

    GDN's beta and gamma must stay positive; optimising sqrt(x + pedestal) and
    squaring it back (with a lower bound) keeps gradients alive near zero.
    """

    def __init__(self, minimum: float = 0.0, reparam_offset: float = 2 ** -18):
        super().__init__()
        self.pedestal = reparam_offset ** 2
        self.bound = (minimum + self.pedestal) ** 0.5

    def init(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sqrt(torch.clamp(x + self.pedestal, min=self.pedestal))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.clamp(x, min=self.bound) ** 2 - self.pedestal


class GDN(nn.Module):
    """Generalized divisive normalization (Ballé et al., 2016).

    y[i] = x[i] / sqrt(beta[i] + sum_j gamma[j, i] * x[j]^2); the inverse
    variant (IGDN, for synthesis) multiplies instead of dividing.
    """

    def __init__(self, channels: int, inverse: bool = False, beta_min: float = 1e-6, gamma_init: float = 0.1):
        super().__init__()
        self.inverse = inverse
        self.beta_reparam = _NonNegative(minimum=beta_min)
        self.gamma_reparam = _NonNegative()
        self.beta = nn.Parameter(self.beta_reparam.init(torch.ones(channels)))
        self.gamma = nn.Parameter(self.gamma_reparam.init(gamma_init * torch.eye(channels)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        channels = x.size(1)
        beta = self.beta_reparam(self.beta)
        gamma = self.gamma_reparam(self.gamma).reshape(channels, channels, 1, 1)
        norm = torch.sqrt(F.conv2d(x * x, gamma, beta))
        return x * norm if self.inverse else x / norm


def conv(in_channels: int, out_channels: int, kernel_size: int = 5, stride: int = 2) -> nn.Conv2d:
    """A convolution that keeps size / stride (padding = kernel // 2)."""
    return nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=kernel_size // 2)


def deconv(in_channels: int, out_channels: int, kernel_size: int = 5, stride: int = 2) -> nn.ConvTranspose2d:
    """A transposed convolution that multiplies size by stride exactly."""
    return nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride=stride,
                              padding=kernel_size // 2, output_padding=stride - 1)


class SubPixelDeconv(nn.Module):
    """The exact equivalent of a ``deconv`` (5x5, stride 2) computed as a 3x3
    convolution to 4x the channels followed by a pixel shuffle.

    Same weights, same results up to float summation order, but about twice
    as fast on CPU: PyTorch's oneDNN path covers convolutions, while
    transposed convolutions fall back to im2col + GEMM. The weights keep the
    deconv layout (and parameter names), so checkpoints and model files of
    either form load into the other and the file does not grow.
    """

    # Output row 2j + p reads input row j + d with deconv tap k = p + 2 - 2d,
    # for d in (-1, 0, 1); tap 5 does not exist (a zero pad).
    _TAPS = ((4, 2, 0), (5, 3, 1))

    def __init__(self, deconv: nn.ConvTranspose2d):
        super().__init__()
        if deconv.kernel_size != (5, 5) or deconv.stride != (2, 2) or deconv.padding != (2, 2) or \
                deconv.output_padding != (1, 1):
            raise ValueError("SubPixelDeconv only mirrors deconv(kernel 5, stride 2)")
        self.weight = deconv.weight  # (in, out, 5, 5)
        self.bias = deconv.bias
        self.register_buffer("taps", torch.tensor(self._TAPS, dtype=torch.long), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        in_channels, out_channels = self.weight.shape[0], self.weight.shape[1]
        padded = F.pad(self.weight, (0, 1, 0, 1))                  # (in, out, 6, 6)
        taps = padded[:, :, self.taps][:, :, :, :, self.taps]      # (in, out, py, dy, px, dx)
        weight = taps.permute(1, 2, 4, 0, 3, 5).reshape(out_channels * 4, in_channels, 3, 3)
        bias = self.bias.repeat_interleave(4) if self.bias is not None else None
        return F.pixel_shuffle(F.conv2d(x, weight, bias, padding=1), 2)


class Residual(nn.Module):
    """x + body(x). The body's last layer starts at zero, so the block starts
    as the identity and training only has to learn an improvement."""

    def __init__(self, body: nn.Sequential):
        super().__init__()
        self.body = body
        nn.init.zeros_(body[-1].weight)
        nn.init.zeros_(body[-1].bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


class PixelGroupResidual(Residual):
    """x + depth_to_space(body(space_to_depth(x))) over factor x factor
    pixel groups: a residual filter that runs at 1/factor resolution, so it
    sees factor times as far as a full-resolution filter of the same depth
    (factor 2: an 8x8 block edge and its neighbours), at 1/factor^2 of the
    positions. Starts as the identity."""

    def __init__(self, body: nn.Sequential, factor: int):
        super().__init__(body)
        self.factor = factor

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + F.pixel_shuffle(self.body(F.pixel_unshuffle(x, self.factor)), self.factor)


def _dct_matrix(size: int) -> torch.Tensor:
    """Orthonormal DCT-II: row k is the k-th basis vector."""
    n = torch.arange(size, dtype=torch.float64)
    k = n.reshape(-1, 1)
    basis = torch.cos(math.pi * (2 * n + 1) * k / (2 * size))
    basis[0] /= math.sqrt(2)
    return basis * math.sqrt(2 / size)


# An orthonormal colour rotation: luma (R+G+B)/sqrt(3) and two opponent
# axes, close to the KLT of natural RGB images.
_COLOUR_ROTATION = torch.tensor([[1 / math.sqrt(3)] * 3,
                                 [1 / math.sqrt(2), 0.0, -1 / math.sqrt(2)],
                                 [1 / math.sqrt(6), -2 / math.sqrt(6), 1 / math.sqrt(6)]], dtype=torch.float64)


class BlockDCT(nn.Module):
    """A fixed orthonormal transform of RGB images: colour rotation, then
    the 8x8 block DCT of each rotated channel (3 x 64 output channels at
    1/8 resolution, channel = colour * 64 + 8 * vertical + horizontal
    frequency). `inverse` undoes it exactly. Orthonormal, so squared error
    is the same in both domains: the codec starts as a classical transform
    codec whose quantization steps are the learned gains."""

    BLOCK = 8

    def __init__(self):
        super().__init__()
        self.block = self.BLOCK  # an instance attribute, so that TorchScript sees it
        dct = _dct_matrix(self.block)
        basis_2d = torch.einsum("uy,vx->uvyx", dct, dct).reshape(self.block ** 2, self.block, self.block)
        weight = torch.einsum("co,fyx->cfoyx", _COLOUR_ROTATION, basis_2d).reshape(3 * self.block ** 2, 3,
                                                                                  self.block, self.block)
        self.register_buffer("weight", weight.float())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x - 0.5, self.weight, stride=self.block)

    def inverse(self, coefficients: torch.Tensor) -> torch.Tensor:
        return F.conv_transpose2d(coefficients, self.weight, stride=self.block) + 0.5


class InverseBlockDCT(nn.Module):
    """BlockDCT.inverse as a module, for nn.Sequential synthesis transforms."""

    def __init__(self):
        super().__init__()
        self.dct = BlockDCT()

    def forward(self, coefficients: torch.Tensor) -> torch.Tensor:
        return self.dct.inverse(coefficients)
