"""Exact integer hyper-synthesis: the part of the model that decides parsing.

Which CDF codes a latent symbol depends on the scale that the hyper-synthesis
h_s predicts. Float convolutions give slightly different results on
different CPUs, thread counts and BLAS builds, so a float h_s could pick a
different CDF in the decoder than in the encoder and derail the stream.

Export therefore turns h_s into an integer network: integer weights (one
scale per output channel), integer activations, and requantization by an
integer multiply and shift. The convolutions run in float64 on integer
values whose every partial sum stays below 2**53, so each sum is exact
whatever the order of additions, hence identical everywhere. The scale index
is a comparison of the final integer accumulator with per-channel integer
thresholds; the means are that accumulator times a per-channel constant
(one correctly rounded multiply: also identical everywhere).
"""
import math
from typing import List

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

WEIGHT_MAX = 2 ** 11 - 1      # |integer weight|
ACTIVATION_MAX = 2 ** 15 - 1  # integer activations after ReLU lie in [0, this]
INPUT_MAX = 2 ** 15 - 1       # |z_hat| is clamped to this before the first layer
MULTIPLIER_BITS = 24          # requantization multipliers are < 2**24
EXACT_LIMIT = 2 ** 53         # float64 holds every integer below this exactly
# 1-D layers (audio) run as 2-D ones over a height-1 input: one integer
# network implementation serves both.
CONVOLUTIONS = (nn.Conv1d, nn.Conv2d, nn.ConvTranspose1d, nn.ConvTranspose2d)
TRANSPOSED = (nn.ConvTranspose1d, nn.ConvTranspose2d)


class IntegerLayer(nn.Module):
    """One convolution or transposed convolution on integer tensors.

    Scripted; its tensors are integer buffers so that casting the model to
    another float type (fp16 storage) never touches them.
    """

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor, transposed: bool, stride: List[int],
                 padding: List[int], output_padding: List[int], multiplier: torch.Tensor, shift: int, relu: bool):
        super().__init__()
        self.register_buffer("weight", weight.to(torch.int16))
        self.register_buffer("bias", bias.to(torch.int64))
        self.register_buffer("multiplier", multiplier.to(torch.int64))
        self.transposed = transposed
        self.stride = stride
        self.padding = padding
        self.output_padding = output_padding
        self.shift = shift
        self.relu = relu
        self.activation_max = ACTIVATION_MAX

    def accumulate(self, x: torch.Tensor) -> torch.Tensor:
        """Exact integer accumulator (as float64) for integer input x (float64)."""
        weight = self.weight.to(torch.float64)
        if self.transposed:
            acc = F.conv_transpose2d(x, weight, None, self.stride, self.padding, self.output_padding)
        else:
            acc = F.conv2d(x, weight, None, self.stride, self.padding)
        return acc + self.bias.to(torch.float64).reshape(1, -1, 1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.requantize(self.accumulate(x))

    def requantize(self, accumulator: torch.Tensor) -> torch.Tensor:
        """The layer's output (integer activations as float64) from its exact accumulator."""
        acc = accumulator.to(torch.int64)
        scaled = acc * self.multiplier.reshape(1, -1, 1, 1) + (1 << (self.shift - 1))
        out = torch.div(scaled, 1 << self.shift, rounding_mode="floor")
        if self.relu:
            out = out.clamp(0, self.activation_max)
        return out.to(torch.float64)


class IntegerHyperSynthesis(nn.Module):
    """z_hat -> (means, scale indexes), exactly reproducible."""

    def __init__(self, layers: List[IntegerLayer], means: int, mean_step: torch.Tensor,
                 thresholds: torch.Tensor):
        super().__init__()
        self.hidden = nn.ModuleList(layers[:-1])
        self.last = layers[-1]
        self.means = means  # 0 for models without means
        self.register_buffer("mean_step", mean_step.to(torch.float64))   # real value of one accumulator unit
        self.register_buffer("thresholds", thresholds.to(torch.int64))   # (M, scales - 1)
        self.input_max = INPUT_MAX

    def forward(self, z_hat: torch.Tensor):
        x = z_hat.to(torch.float64).round().clamp(-self.input_max, self.input_max)
        for layer in self.hidden:
            x = layer(x)
        acc = self.last.accumulate(x)
        scale_acc = acc[:, self.means:]
        # Index = how many of the channel's (ascending) thresholds the
        # accumulator reaches; searchsorted counts it without materializing
        # every comparison (5x faster than a broadcast >= and sum).
        thresholds = self.thresholds.to(torch.float64)
        b, m, h, w = scale_acc.shape
        flat = scale_acc.permute(1, 0, 2, 3).reshape(m, b * h * w)
        indexes = torch.searchsorted(thresholds, flat, right=True).reshape(m, b, h, w).permute(1, 0, 2, 3)
        if self.means > 0:
            means = (acc[:, :self.means] * self.mean_step.reshape(1, -1, 1, 1)).to(torch.float32)
        else:
            means = torch.zeros_like(scale_acc, dtype=torch.float32)
        return means, indexes.to(torch.int32).contiguous()


def _fixed_point(ratio: torch.Tensor):
    """ratio ~= multiplier / 2**shift with multipliers < 2**MULTIPLIER_BITS (one shift per layer)."""
    largest = float(ratio.max())
    shift = MULTIPLIER_BITS - 1 - math.ceil(math.log2(largest))
    shift = max(shift, 1)
    multiplier = torch.round(ratio * 2.0 ** shift).to(torch.int64).clamp(min=0, max=2 ** MULTIPLIER_BITS - 1)
    return multiplier, shift


def _as_2d(c: nn.Module):
    """(weight, stride, padding, output_padding) of a conv layer in 2-D form;
    a 1-D layer becomes a 1 x k one (height stride 1, no height padding)."""
    transposed = isinstance(c, TRANSPOSED)
    output_padding = list(c.output_padding) if transposed else [0] * len(c.stride)
    if c.weight.dim() == 3:
        return c.weight.unsqueeze(2), [1, c.stride[0]], [0, c.padding[0]], [0, output_padding[0]]
    return c.weight, list(c.stride), list(c.padding), output_padding


def _quantize_weight(weight: torch.Tensor, transposed: bool):
    """Per-output-channel integer weights; returns (int weight, step per channel)."""
    out_dim = 1 if transposed else 0
    w = weight.detach().double()
    other = [d for d in range(4) if d != out_dim]
    step = w.abs().amax(dim=other).clamp(min=1e-12) / WEIGHT_MAX
    shape = [1, 1, 1, 1]
    shape[out_dim] = -1
    return torch.round(w / step.reshape(shape)).clamp(-WEIGHT_MAX, WEIGHT_MAX), step


@torch.no_grad()
def build_integer_layers(network: nn.Sequential, calibration: List[torch.Tensor], input_step: torch.Tensor,
                         input_max: int):
    """Quantizes a float network (conv/deconv layers, 1-D or 2-D, separated by
    ReLU) into IntegerLayers. Returns (layers, real value of one unit of the
    last layer's accumulator per output channel).

    The integer network reads integer inputs: input channel i holds
    round(real value / input_step[i]), clamped to +-input_max (input_step: a
    scalar or one step per input channel). ``calibration``: real-valued
    inputs from real data; they set each hidden layer's activation step (the
    largest activation seen maps to ACTIVATION_MAX, with headroom).
    """
    convs = [m for m in network if isinstance(m, CONVOLUTIONS)]
    # Largest activation after each hidden layer, on the float network.
    peaks = [0.0] * (len(convs) - 1)
    for x in calibration:
        x = x.double()
        index = 0
        for module in network:
            x = module.double()(x) if isinstance(module, CONVOLUTIONS) else module(x)
            if isinstance(module, nn.ReLU):
                peaks[index] = max(peaks[index], float(x.max()))
                index += 1
    network.float()
    layers, in_magnitude = [], float(input_max)
    # Per-input-channel steps fold into the first layer's weights, whose
    # integer form then reads integer inputs directly.
    input_scale = torch.as_tensor(input_step, dtype=torch.float64).reshape(-1)
    input_step = 1.0
    for i, c in enumerate(convs):
        transposed = isinstance(c, TRANSPOSED)
        weight_2d, stride, padding, output_padding = _as_2d(c)
        if i == 0:
            weight_2d = weight_2d.double() * input_scale.reshape((-1, 1, 1, 1) if transposed else (1, -1, 1, 1))
        weight, weight_step = _quantize_weight(weight_2d, transposed)
        acc_step = input_step * weight_step  # real value of one accumulator unit, per output channel
        bias = torch.round(c.bias.detach().double() / acc_step)
        fan_in = weight.abs().sum(dim=(0, 2, 3) if transposed else (1, 2, 3))
        worst = float((fan_in * in_magnitude + bias.abs()).max())
        if worst >= EXACT_LIMIT:
            raise ValueError(f"integer layer {i} could exceed 2**53 ({worst:.3g})")
        hidden = i < len(convs) - 1
        if hidden:
            output_step = max(peaks[i] * 1.25, 1e-6) / ACTIVATION_MAX
            multiplier, shift = _fixed_point(acc_step / output_step)
            if worst * float(multiplier.max()) >= 2.0 ** 62:
                raise ValueError(f"integer layer {i} requantization could overflow int64")
            in_magnitude = float(ACTIVATION_MAX)
        else:
            multiplier, shift = torch.ones_like(acc_step, dtype=torch.int64), 1
        layers.append(IntegerLayer(weight, bias, transposed, stride, padding, output_padding, multiplier, shift,
                                   relu=hidden))
        if hidden:
            input_step = output_step
    return layers, acc_step


@torch.no_grad()
def build_integer_hyper_synthesis(h_s: nn.Sequential, calibration: List[torch.Tensor], means: int,
                                  scale_table: np.ndarray) -> IntegerHyperSynthesis:
    """Quantizes a float h_s (conv/deconv layers, 1-D or 2-D, separated by ReLU).

    ``calibration``: z_hat tensors from real inputs (see build_integer_layers).
    """
    layers, last_step = build_integer_layers(h_s, calibration, torch.tensor(1.0), INPUT_MAX)
    mean_step = last_step[:means] if means > 0 else torch.zeros(0, dtype=torch.float64)
    scale_step = last_step[means:]
    table = torch.tensor(scale_table, dtype=torch.float64)
    boundaries = torch.sqrt(table[:-1] * table[1:])  # geometric midpoints
    thresholds = torch.ceil(boundaries.reshape(1, -1) / scale_step.reshape(-1, 1))
    return IntegerHyperSynthesis(layers, means, mean_step, thresholds)


@torch.no_grad()
def float_hyper_synthesis(integer: IntegerHyperSynthesis, h_s: nn.Sequential, scale_table: np.ndarray) -> None:
    """The inverse of build_integer_hyper_synthesis, up to its rounding: sets
    the float h_s (same layout) to the function that ``integer`` computes, so
    that training can resume from a model file, which stores h_s only in
    integer form. Each layer's requantization (or, for the last one, its
    output step) folds into its weights and bias; ReLU commutes with the
    positive factors."""
    layers = list(integer.hidden.children()) + [integer.last]  # children(): also for a loaded file
    convs = [m for m in h_s if isinstance(m, CONVOLUTIONS)]
    if len(layers) != len(convs):
        raise ValueError("the float and integer hyper-synthesis have different layers")
    table = torch.tensor(scale_table, dtype=torch.float64)
    boundaries = torch.sqrt(table[:-1] * table[1:])
    # threshold = ceil(boundary / step): the largest threshold gives the step best.
    scale_step = boundaries[-1] / integer.thresholds[:, -1].double()
    for i, (layer, c) in enumerate(zip(layers, convs)):
        if i < len(layers) - 1:
            factor = layer.multiplier.double() / 2.0 ** layer.shift
        else:
            factor = torch.cat([integer.mean_step.double()[:integer.means], scale_step])
        out_dim = 1 if layer.transposed else 0
        shape = [1, 1, 1, 1]
        shape[out_dim] = -1
        weight = layer.weight.double() * factor.reshape(shape)
        c.weight.copy_(weight.reshape(c.weight.shape).float())
        c.bias.copy_((layer.bias.double() * factor).float())
    balance_relu_scales([[conv] for conv in convs])


@torch.no_grad()
def balance_relu_scales(stages: List[List[nn.Module]], sweeps: int = 5) -> None:
    """Rescales the hidden channels of a ReLU network so that each channel's
    incoming and outgoing weights have the same RMS, without changing the
    function: relu(x / s) * s = relu(x) for s > 0. ``stages``: its layers in
    order, each a list of convolutions whose outputs are summed (a slice
    head's first layer has three) and then pass a ReLU into the next stage's
    single convolution. Recovered from integer form, the layers carry the
    requantization scales (weights of ~50 in the first layer, ~1e-6 in the
    last), and Adam, which moves every weight by about its learning rate,
    wrecks such a network in one step."""
    def output_first(conv: nn.Module) -> torch.Tensor:  # (out, in, ...) view of the weight, float64
        return conv.weight.double().transpose(0, 1) if isinstance(conv, TRANSPOSED) else conv.weight.double()

    def input_first(conv: nn.Module) -> torch.Tensor:  # (in, out, ...)
        return conv.weight.double() if isinstance(conv, TRANSPOSED) else conv.weight.double().transpose(0, 1)

    for _ in range(sweeps):
        for producers, (consumer,) in zip(stages[:-1], stages[1:]):
            rows = torch.cat([output_first(conv).flatten(1) for conv in producers], dim=1)
            columns = input_first(consumer).flatten(1)
            rms_out, rms_in = rows.pow(2).mean(1).sqrt(), columns.pow(2).mean(1).sqrt()
            usable = (rms_out > 0) & (rms_in > 0)
            factor = torch.where(usable, torch.sqrt(rms_out / torch.where(usable, rms_in, torch.ones_like(rms_in))),
                                 torch.ones_like(rms_out))
            for conv in producers:
                scaled = output_first(conv) / factor.reshape(-1, *[1] * (conv.weight.dim() - 1))
                conv.weight.copy_(scaled.transpose(0, 1) if isinstance(conv, TRANSPOSED) else scaled)
                if conv.bias is not None:
                    conv.bias.copy_(conv.bias.double() / factor)
            scaled = input_first(consumer) * factor.reshape(-1, *[1] * (consumer.weight.dim() - 1))
            consumer.weight.copy_(scaled if isinstance(consumer, TRANSPOSED) else scaled.transpose(0, 1))
