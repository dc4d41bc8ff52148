"""Slice context: latent entropy parameters refined from what the decoder
has already decoded (Minnen & Singh 2020's channel-wise context, with He et
al. 2021's checkerboard inside each slice).

The block-DCT latent's channels are cut into slices of rising frequency
(dct_slices). Slice by slice, each slice is coded in two passes: the
checkerboard's anchors ((row + column) even) first, then the other
positions. Before each pass a small network of the slice (its "head")
looks at
  * the decoded latent y_hat of the earlier slices (3x3 neighbourhood),
  * the slice's own decoded values so far (none in the first pass, the
    anchors in the second: each non-anchor then sees four neighbours),
  * the hyperprior's mean and scale index of the slice's values,
and refines the hyperprior's prediction: mean + delta and scale index +
shift. Undecoded values enter the head as zeros; that is exactly what the
decoder holds, so training, encoder and decoder agree.

Low frequencies of a block predict the size of its high frequencies, and
neighbouring blocks predict each other; the hyperprior (z at 4x4 blocks)
sees neither. The hyperprior itself is untouched, so its prediction stays
available on its own (a video's predicted frames use it).

At export, heads become exact integer networks (integer_hyper.py) like the
hyper-synthesis: which CDF codes a symbol stays independent of the machine.
"""
import math
from typing import List, Sequence, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .entropy_models import code_latent, round_with_straight_through
from .integer_hyper import balance_relu_scales, build_integer_layers
from .layers import BlockDCT

# Slices as groups of DCT diagonals (horizontal + vertical frequency), all
# three colour channels together: small slices first, where the context
# matters most.
DCT_DIAGONAL_GROUPS = ((0,), (1,), (2,), (3, 4), (5, 6, 7), tuple(range(8, 15)))

# Inputs of an exported head are integers: latent values and means in steps
# of 1/4, clamped to +-CONTEXT_INPUT_MAX (latents are far smaller), so that
# the first layer's sums stay exact (integer_hyper.EXACT_LIMIT).
CONTEXT_INPUT_STEP = 0.25
CONTEXT_INPUT_MAX = 2 ** 12 - 1


def dct_slices(groups: Sequence[Sequence[int]] = DCT_DIAGONAL_GROUPS) -> List[List[int]]:
    """Channel lists of the block-DCT latent (channel = colour * 64 + 8 v + u)
    by frequency diagonal u + v, each list in ascending channel order."""
    size = BlockDCT.BLOCK
    slices = [[c * size * size + size * v + u for c in range(3) for v in range(size) for u in range(size)
               if u + v in group] for group in groups]
    if sorted(sum(slices, [])) != list(range(3 * size * size)):
        raise ValueError("the groups must cover every diagonal once")
    return slices


def anchor_mask(height: int, width: int, device=None) -> torch.Tensor:
    """(1, 1, h, w): 1 where (row + column) is even (the first pass)."""
    rows = torch.arange(height, device=device).reshape(-1, 1)
    cols = torch.arange(width, device=device).reshape(1, -1)
    return ((rows + cols) % 2 == 0).float().reshape(1, 1, height, width)


class SliceHead(nn.Module):
    """The network of one slice. Its first layer is a sum of three
    convolutions, so that each input costs only what it needs: 3x3 over the
    earlier slices and over the slice's own decoded values (the
    neighbourhood is the point), 1x1 over the hyperprior's means and scale
    indexes (already smooth). The last layer starts at zero: the head starts
    as the hyperprior alone."""

    def __init__(self, previous: int, channels: int, hidden: int):
        super().__init__()
        self.previous = nn.Conv2d(previous, hidden, 3, padding=1, bias=False) if previous else None
        self.current = nn.Conv2d(channels, hidden, 3, padding=1, bias=False)
        self.prior = nn.Conv2d(2 * channels, hidden, 1)
        self.tail = nn.Sequential(nn.ReLU(inplace=True), nn.Conv2d(hidden, hidden, 1), nn.ReLU(inplace=True),
                                  nn.Conv2d(hidden, 2 * channels, 1))
        nn.init.zeros_(self.tail[-1].weight)
        nn.init.zeros_(self.tail[-1].bias)

    def first_layer(self, previous: torch.Tensor, current: torch.Tensor, prior: torch.Tensor) -> torch.Tensor:
        out = self.prior(prior) + self.current(current)
        return out + self.previous(previous) if self.previous is not None else out

    def forward(self, previous: torch.Tensor, current: torch.Tensor, prior: torch.Tensor) -> torch.Tensor:
        return self.tail(self.first_layer(previous, current, prior))


class SliceContext(nn.Module):
    """Refines a hyperprior's means and scales slice by slice (see above).

    Scales live in scale-index units: index = log(scale / smallest) / step
    on the Gaussian conditional's log-spaced table; a head's shift adds to
    the hyperprior's (rounded) index."""

    def __init__(self, slices: List[List[int]], scale_table: np.ndarray, hidden: int = 64):
        super().__init__()
        self.slices = [list(s) for s in slices]
        for k, channels in enumerate(self.slices):
            self.register_buffer(f"channels_{k}", torch.tensor(channels, dtype=torch.long), persistent=False)
        self.smallest_scale = float(scale_table[0])
        self.index_step = float(math.log(scale_table[-1] / scale_table[0]) / (len(scale_table) - 1))
        self.largest_index = len(scale_table) - 1
        self.heads = nn.ModuleList()
        previous = 0
        for channels in self.slices:
            self.heads.append(SliceHead(previous, len(channels), hidden))
            previous += len(channels)

    def scale_index(self, scales: torch.Tensor) -> torch.Tensor:
        """The table index nearest each scale in the log domain, as the
        integer hyper-synthesis picks it (a float tensor of integers). The
        gradient passes the rounding straight through: without it, training
        everything together leaves the hyper-analysis only the pull of the
        hyper-latent's own rate, and it drops the scales' information (the
        lowest level's rate fell, every other level's rose)."""
        index = torch.log(scales.clamp(min=self.smallest_scale) / self.smallest_scale) / self.index_step
        return round_with_straight_through(index).clamp(0, self.largest_index)

    def refine(self, head: SliceHead, previous: torch.Tensor, current: torch.Tensor, means: torch.Tensor,
               indexes: torch.Tensor):
        """(means, scales) of a slice: the hyperprior's, refined by its head.
        The head's scale output is a change of log-scale; in index units it
        is that over the table's step (an output in index units would have
        to grow 1 / step ~ 8 times larger, and Adam moves weights at a fixed
        pace: it learned that much slower)."""
        delta, log_change = head(previous, current, torch.cat([means, indexes], 1)).chunk(2, 1)
        index = (indexes + log_change / self.index_step).clamp(0, self.largest_index)
        return means + delta, self.smallest_scale * torch.exp(index * self.index_step)

    def forward(self, y: torch.Tensor, means: torch.Tensor, scales: torch.Tensor, conditional: nn.Module,
                training: bool) -> Tuple[torch.Tensor, torch.Tensor]:
        """(y_hat, likelihoods) of the whole latent given the hyperprior's
        means and scales, as code_latent gives them without context."""
        indexes = self.scale_index(scales)
        anchors = anchor_mask(y.shape[2], y.shape[3], y.device)
        y_hat = torch.empty_like(y)
        likelihoods = torch.empty_like(y)
        decoded: List[torch.Tensor] = []
        for k, head in enumerate(self.heads):
            channels = getattr(self, f"channels_{k}")
            y_k, means_k, indexes_k = y[:, channels], means[:, channels], indexes[:, channels]
            previous = torch.cat(decoded, 1) if decoded else y_k[:, :0]
            first = self.refine(head, previous, torch.zeros_like(y_k), means_k, indexes_k)
            anchor_values = round_with_straight_through(y_k - first[0]) + first[0]
            second = self.refine(head, previous, anchor_values * anchors, means_k, indexes_k)
            slice_means = first[0] * anchors + second[0] * (1 - anchors)
            slice_scales = first[1] * anchors + second[1] * (1 - anchors)
            y_hat_k, likelihoods_k = code_latent(y_k, slice_means, slice_scales, conditional, training)
            y_hat[:, channels] = y_hat_k
            likelihoods[:, channels] = likelihoods_k
            decoded.append(y_hat_k)
        return y_hat, likelihoods


class IntegerSliceHead(nn.Module):
    """One exported head: exact integer arithmetic from the decoded latent,
    means and indexes to the slice's means and scale indexes. The first
    layer's three convolutions share one accumulator (``first`` holds the
    prior's 1x1 part, its bias and the requantization)."""

    def __init__(self, layers: List[nn.Module], channels: List[int], previous: List[int], mean_step: torch.Tensor,
                 shift_step: torch.Tensor, largest_index: int):
        super().__init__()
        first = layers[0]
        weight = first.weight
        p, c = len(previous), len(channels)
        self.register_buffer("previous_weight", weight[:, :p].clone())
        self.register_buffer("current_weight", weight[:, p:p + c].clone())
        first.weight = weight[:, p + c:, 1:2, 1:2].clone()
        first.padding = [0, 0]
        self.first = first
        self.hidden = nn.ModuleList(layers[1:-1])
        self.last = layers[-1]
        self.register_buffer("channels", torch.tensor(channels, dtype=torch.long))
        self.register_buffer("previous", torch.tensor(previous, dtype=torch.long))
        self.register_buffer("mean_step", mean_step.to(torch.float64))    # real mean of one accumulator unit
        self.register_buffer("shift_step", shift_step.to(torch.float64))  # index shift of one accumulator unit
        self.largest_index = largest_index
        self.input_step = CONTEXT_INPUT_STEP
        self.input_max = CONTEXT_INPUT_MAX

    def quantize(self, values: torch.Tensor) -> torch.Tensor:
        # Dividing by a power of two and rounding half to even: exact in float32.
        return torch.round(values.to(torch.float32) / self.input_step).clamp(-self.input_max, self.input_max) \
            .to(torch.float64)

    def forward(self, y_hat: torch.Tensor, means: torch.Tensor, indexes: torch.Tensor):
        slice_means = means.index_select(1, self.channels).to(torch.float32)
        slice_indexes = indexes.index_select(1, self.channels).to(torch.int64)
        prior = torch.cat([self.quantize(slice_means), slice_indexes.to(torch.float64)], 1)
        acc = self.first.accumulate(prior)
        # Each part is an exact integer sum, so skipping one that is all
        # zeros (the slice's own values before its first pass) changes nothing.
        if self.previous.numel() > 0:
            acc = acc + F.conv2d(self.quantize(y_hat.index_select(1, self.previous)),
                                 self.previous_weight.to(torch.float64), None, 1, 1)
        current = self.quantize(y_hat.index_select(1, self.channels))
        if bool(current.any()):
            acc = acc + F.conv2d(current, self.current_weight.to(torch.float64), None, 1, 1)
        x = self.first.requantize(acc)
        for layer in self.hidden:
            x = layer(x)
        acc = self.last.accumulate(x)
        count = self.channels.numel()
        # One correctly rounded multiply and one float32 add per mean, one
        # multiply and a rounding per shift (no multiply-add a compiler
        # could fuse): identical on every machine.
        delta = (acc[:, :count] * self.mean_step.reshape(1, -1, 1, 1)).to(torch.float32)
        shift = torch.round(acc[:, count:] * self.shift_step.reshape(1, -1, 1, 1)).to(torch.int64)
        new_indexes = (slice_indexes + shift).clamp(0, self.largest_index)
        return slice_means + delta, new_indexes.to(torch.int32)


class IntegerSliceContext(nn.Module):
    """All exported heads; forward(k, ...) gives slice k's means and indexes."""

    def __init__(self, heads: List[IntegerSliceHead]):
        super().__init__()
        self.heads = nn.ModuleList(heads)

    def forward(self, k: int, y_hat: torch.Tensor, means: torch.Tensor, indexes: torch.Tensor):
        for i, head in enumerate(self.heads):
            if i == k:
                return head(y_hat, means, indexes)
        raise ValueError("no such slice")


def _combined_first_layer(head: SliceHead, previous: int, channels: int) -> nn.Conv2d:
    """One 3x3 convolution over [earlier slices, slice values, means,
    indexes] equal to the head's three-part first layer (1x1 kernels sit in
    the centre), so that it quantizes with one step per output channel."""
    hidden = head.prior.out_channels
    combined = nn.Conv2d(previous + 3 * channels, hidden, 3, padding=1)
    with torch.no_grad():
        combined.weight.zero_()
        if head.previous is not None:
            combined.weight[:, :previous] = head.previous.weight
        combined.weight[:, previous:previous + channels] = head.current.weight
        combined.weight[:, previous + channels:, 1:2, 1:2] = head.prior.weight
        combined.bias.copy_(head.prior.bias)
    return combined


@torch.no_grad()
def build_integer_slice_context(context: SliceContext, calibration: List[Tuple[torch.Tensor, torch.Tensor,
                                                                                  torch.Tensor]]):
    """Quantizes every head. ``calibration``: (y_hat, means, scales) of real
    latents, which set the heads' activation steps."""
    heads = []
    previous: List[int] = []
    for channels, head in zip(context.slices, context.heads):
        samples = [torch.cat([y_hat[:, previous], y_hat[:, channels], means[:, channels],
                              context.scale_index(scales)[:, channels]], 1)
                   for y_hat, means, scales in calibration]
        c = len(channels)
        steps = torch.full((len(previous) + 3 * c,), CONTEXT_INPUT_STEP, dtype=torch.float64)
        steps[len(previous) + 2 * c:] = 1.0  # scale indexes are integers already
        network = nn.Sequential(_combined_first_layer(head, len(previous), c), *head.tail)
        layers, last_step = build_integer_layers(network, samples, steps, CONTEXT_INPUT_MAX)
        heads.append(IntegerSliceHead(layers, channels, previous, last_step[:c], last_step[c:] / context.index_step,
                                      context.largest_index))
        previous = previous + channels
    return IntegerSliceContext(heads)


@torch.no_grad()
def float_slice_context(integer: nn.Module, context: SliceContext) -> None:
    """The inverse of build_integer_slice_context, up to its rounding: sets
    the float heads to the functions the integer heads compute (as
    integer_hyper.float_hyper_synthesis does for h_s), so that training can
    resume a context from a model file. ``integer`` may be a loaded file's."""
    heads = list(integer.heads.children())
    if len(heads) != len(context.heads):
        raise ValueError("the float and integer contexts have different slices")
    for integer_head, head in zip(heads, context.heads):
        first = integer_head.first
        tail = list(integer_head.hidden.children())
        factor = first.multiplier.double() / 2.0 ** first.shift  # real activation per integer unit, inverted
        per_output = factor.reshape(-1, 1, 1, 1) / CONTEXT_INPUT_STEP  # integer inputs are real / step
        c = integer_head.channels.numel()
        if head.previous is not None:
            head.previous.weight.copy_(integer_head.previous_weight.double() * per_output)
        head.current.weight.copy_(integer_head.current_weight.double() * per_output)
        prior = first.weight.double() * factor.reshape(-1, 1, 1, 1)
        prior[:, :c] /= CONTEXT_INPUT_STEP  # means in 1/4 steps; indexes are integers already
        head.prior.weight.copy_(prior)
        head.prior.bias.copy_(first.bias.double() * factor)
        convs = [m for m in head.tail if isinstance(m, nn.Conv2d)]
        for layer, conv in zip(tail, convs[:-1]):
            scale = layer.multiplier.double() / 2.0 ** layer.shift
            conv.weight.copy_(layer.weight.double() * scale.reshape(-1, 1, 1, 1))
            conv.bias.copy_(layer.bias.double() * scale)
        out = torch.cat([integer_head.mean_step.double(), integer_head.shift_step.double() * context.index_step])
        convs[-1].weight.copy_(integer_head.last.weight.double() * out.reshape(-1, 1, 1, 1))
        convs[-1].bias.copy_(integer_head.last.bias.double() * out)
        first_layer = [conv for conv in (head.previous, head.current, head.prior) if conv is not None]
        balance_relu_scales([first_layer] + [[conv] for conv in convs])
