import copy

import numpy as np
import torch
import torch.nn as nn

from lcodec.entropy_models import default_scale_table
from lcodec.integer_hyper import build_integer_hyper_synthesis
from lcodec.layers import conv, deconv

N, M = 16, 24


def float_h_s():
    torch.manual_seed(1)
    h_s = nn.Sequential(deconv(N, N), nn.ReLU(), deconv(N, N), nn.ReLU(), conv(N, 2 * M, 3, 1))
    with torch.no_grad():
        h_s[-1].bias[M:] += 2.0  # positive scales, as a trained model predicts
    return h_s


def z_batch(seed):
    g = torch.Generator().manual_seed(seed)
    return torch.round(torch.randn(1, N, 6, 5, generator=g) * 4)


def build():
    h_s = float_h_s()
    table = default_scale_table()
    return h_s, build_integer_hyper_synthesis(h_s, [z_batch(s) for s in range(4)], M, table), table


def test_integer_path_tracks_float_path():
    h_s, integer, table = build()
    z = z_batch(10)
    means, indexes = integer(z)
    with torch.no_grad():
        ref_means, ref_scales = h_s(z).chunk(2, 1)
    assert torch.allclose(means, ref_means, atol=0.02 * float(ref_means.abs().max()))
    ref_index = torch.from_numpy(np.searchsorted(np.sqrt(table[:-1] * table[1:]), ref_scales.numpy().clip(min=0)))
    assert (indexes.long() - ref_index).abs().max() <= 1
    assert (indexes.long() == ref_index).float().mean() > 0.9


def test_integer_path_is_identical_across_thread_counts():
    _, integer, _ = build()
    z = z_batch(11)
    previous = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        one = integer(z)
        torch.set_num_threads(2)
        two = integer(z)
    finally:
        torch.set_num_threads(previous)
    assert torch.equal(one[0], two[0]) and torch.equal(one[1], two[1])


def test_integer_accumulators_are_exact_integers():
    _, integer, _ = build()
    x = z_batch(12).double()
    for layer in integer.hidden:
        acc = layer.accumulate(x)
        assert torch.equal(acc, acc.round())
        x = layer(x)


def test_balanced_scales_keep_the_function_and_survive_an_adam_step():
    from lcodec.integer_hyper import balance_relu_scales

    h_s = float_h_s()
    z = z_batch(7)
    expected = h_s(z).detach()
    with torch.no_grad():  # the same function, scaled like one recovered from integer form
        h_s[0].weight *= 1e3
        h_s[0].bias *= 1e3
        h_s[2].bias *= 1e3
        h_s[4].weight *= 1e-3

    def change_after_one_adam_step(network):
        network = copy.deepcopy(network)
        optimizer = torch.optim.Adam(network.parameters(), lr=1e-4)
        network(z).pow(2).mean().backward()
        optimizer.step()
        with torch.no_grad():
            return float((network(z) - expected).abs().mean() / expected.abs().mean())

    # Unbalanced, one small step wrecks the network: the check can fail.
    assert change_after_one_adam_step(h_s) > 0.1
    balance_relu_scales([[layer] for layer in h_s if not isinstance(layer, nn.ReLU)])
    with torch.no_grad():
        assert torch.allclose(h_s(z), expected, rtol=1e-4, atol=1e-4 * float(expected.abs().max()))
    assert change_after_one_adam_step(h_s) < 0.01
