import copy
import json
import math

import pytest
import torch

from lcodec.audio_architectures import AudioHyperprior
from lcodec.audio_export import chunk_error, export_audio_model
from lcodec.audio_layers import MDCT, PowerLaw, position_noise
from lcodec.export import widen_half_weights

C, M, N = 16, 256, 8  # M: the MDCT hop of the default front end


def tiny_model(front="mdct-noise", seed=0):
    torch.manual_seed(seed)
    model = AudioHyperprior(c=C, m=12 if front in ("mdct", "waveform") else M, n=N, front=front).eval()
    with torch.no_grad():
        for p in model.parameters():
            if not p.any():  # zero-initialized residual outputs: make them count
                p.normal_(0, 0.05)
        # Weights exactly representable in fp16, so the exported (fp16) model
        # must compute what the Python one does up to float summation order.
        for p in model.parameters():
            p.copy_(p.half().float())
    return model


def make_signal(samples, seed=0):
    g = torch.Generator().manual_seed(seed)
    t = torch.arange(samples) / 48000.0
    tone = 0.3 * torch.sin(2 * math.pi * 440 * t) * torch.sin(2 * math.pi * 3 * t)
    return (tone + 0.05 * torch.randn(samples, generator=g)).reshape(1, 1, -1)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    model = tiny_model()
    path = str(tmp_path_factory.mktemp("audio") / "audio.lcm")
    # Export casts the weights it is given to fp16: give it a copy.
    manifest = export_audio_model(copy.deepcopy(model), [make_signal(3 * 8192, seed=s).flatten() for s in range(3)], path,
                                  "test-audio", steps=7)
    extra = {"manifest.json": ""}
    module = torch.jit.load(path, _extra_files=extra)
    widen_half_weights(module)
    return model, module, manifest, json.loads(extra["manifest.json"])


def reference_mdct(x, hop):
    """The MDCT by its definition, a (hop x 2 hop) matrix per frame."""
    n = torch.arange(2 * hop, dtype=torch.float64)
    k = torch.arange(hop, dtype=torch.float64)
    window = torch.sin(math.pi * (n + 0.5) / (2 * hop))
    basis = math.sqrt(2.0 / hop) * window * torch.cos(math.pi / hop * (n + 0.5 + hop / 2) * (k.reshape(-1, 1) + 0.5))
    return torch.nn.functional.conv1d(torch.nn.functional.pad(x, (hop, 0)), basis.unsqueeze(1), stride=hop)


@pytest.mark.parametrize("hop", [4, 256])
def test_mdct_matches_its_definition_and_inverts(hop):
    x = torch.randn(2, 1, hop * 12, dtype=torch.float64)
    mdct = torch.jit.script(MDCT(hop))
    coefficients = mdct(x)
    assert coefficients.shape == (2, hop, 12)
    assert torch.allclose(coefficients, reference_mdct(x, hop), atol=1e-10)
    back = mdct.inverse(coefficients)
    # Exact but for the last hop samples, which need the frame after the end.
    assert torch.allclose(back[..., :-hop], x[..., :-hop], atol=1e-10)
    assert not torch.allclose(back[..., -hop:], x[..., -hop:], atol=1e-3)


def test_power_law_inverts_and_compresses():
    x = torch.cat([torch.zeros(1), torch.logspace(-6, 0, 50), -torch.logspace(-6, 0, 50)]).double()
    compress, expand = torch.jit.script(PowerLaw(0.5)), torch.jit.script(PowerLaw(0.5, inverse=True))
    assert torch.allclose(expand(compress(x)), x, atol=1e-12)
    assert float(compress(torch.tensor(0.0))) == 0.0
    # Ratios shrink: 1e-4 vs 1 becomes ~4e-3 vs 1 (a square root, less near eps).
    assert 0.003 < float(compress(torch.tensor(1e-4)) / compress(torch.tensor(1.0))) < 0.02


def test_manifest_and_attributes(exported):
    model, module, manifest, stored = exported
    assert stored == manifest
    assert module.modality == "audio" and manifest["modality"] == "audio"
    assert module.format_version == 1 and module.sample_rate == 48000 and module.name == "test-audio"
    assert module.latent_stride == model.latent_stride == 256 and module.downsampling == 2048
    assert module.tail_padding == 256
    for margin in (module.analysis_margin, module.synthesis_margin, module.hyper_analysis_margin,
                   module.hyper_synthesis_margin):
        assert margin > 0 and margin % module.downsampling == 0
    assert module.quality_min == 1.0 and module.quality_max == 8.0
    assert int(module.y_cdf_sizes.sum()) == module.y_cdfs.numel()
    assert int(module.z_cdf_sizes.sum()) == module.z_cdfs.numel() and len(module.z_offsets) == N


def test_exported_methods_match_the_python_model(exported):
    model, module, _, _ = exported
    x = make_signal(4 * 2048)
    quality = 3.5
    gain, inverse_gain = model.gains(torch.tensor([quality - 1.0]))
    with torch.no_grad():
        y_ref = model.g_a(x) * gain
        y = module.analysis(x, quality)
        assert y.shape == (1, M, 32)
        assert torch.allclose(y, y_ref, rtol=1e-4, atol=1e-4 * float(y_ref.abs().max()))
        z = module.hyper_analysis(y)
        assert z.shape == (1, N, 4)
        assert torch.allclose(z, model.h_a(y), atol=1e-4 * float(z.abs().max()))
        z_hat = torch.round(z)
        means, indexes = module.hyper_synthesis(z_hat)
        assert means.shape == y.shape and indexes.shape == y.shape and indexes.dtype == torch.int32
        assert int(indexes.min()) >= 0 and int(indexes.max()) < len(module.y_cdf_sizes)
        ref_means, _ = model.h_s(z_hat).chunk(2, dim=1)
        assert torch.allclose(means, ref_means, atol=0.03 * float(ref_means.abs().max()) + 1e-6)
        symbols = torch.round(y - means)
        y_hat = symbols + means
        # Nonzero symbols get no decoder noise: the model's own synthesis.
        all_coded = torch.ones_like(symbols)
        x_hat = module.synthesis(y_hat, quality, 0, all_coded, indexes)
        x_ref = model.g_s(y_hat * inverse_gain)
        assert x_hat.shape == x.shape
        assert torch.allclose(x_hat, x_ref, atol=1e-4 * float(x_ref.abs().max()))
        # The post-filter counts: the output is not the plain inverse MDCT.
        assert not torch.allclose(x_hat, model.g_s.imdct(y_hat * inverse_gain), atol=1e-3 * float(x_ref.abs().max()))
        # The noise depends on the position given, and only on it.
        at_5 = module.synthesis(y_hat, quality, 5, all_coded, indexes)
        assert torch.equal(at_5, module.synthesis(y_hat, quality, 5, all_coded, indexes))
        assert not torch.allclose(at_5, x_hat, atol=1e-3 * float(x_ref.abs().max()))


def test_decoder_fills_zero_symbols_by_their_scale(exported):
    _, module, _, _ = exported
    quality = 3.0
    y_hat = torch.zeros(1, M, 32)
    zeros, ones = torch.zeros_like(y_hat), torch.ones_like(y_hat)

    def output(symbols, index):
        with torch.no_grad():
            return module.synthesis(y_hat, quality, 0, symbols, torch.full(y_hat.shape, index, dtype=torch.int32))

    # The smallest scale (index 0) gets no decoder noise; coded symbols never do.
    assert torch.equal(output(zeros, 0), output(ones, 0))
    assert torch.equal(output(ones, 40), output(ones, 0))
    # Zero symbols of larger scales get more noise, up to the cap.
    energies = [float((output(zeros, index) - output(ones, index)).pow(2).mean()) for index in (1, 8, 16, 63)]
    assert 0 < energies[0] < energies[1] < energies[2]
    assert energies[3] == pytest.approx(energies[2], rel=1e-3)


def test_position_noise_is_a_unit_variance_function_of_position():
    whole = position_noise(2, 256, 0, 300)
    assert whole.shape == (2, 256, 300)
    assert abs(float(whole.mean())) < 0.02 and abs(float(whole.var()) - 1.0) < 0.02
    assert float(whole.abs().max()) <= math.sqrt(3.0)
    # A part computed alone equals the same positions of the whole.
    assert torch.equal(position_noise(2, 256, 100, 50), whole[:, :, 100:150])
    # Channels, bins and frames are not correlated with each other.
    for a, b in ((whole[0], whole[1]), (whole[:, :-1], whole[:, 1:]), (whole[..., :-1], whole[..., 1:])):
        assert abs(float((a * b).mean())) < 0.02


def test_hyper_synthesis_is_exact_whatever_the_threads(exported):
    _, module, _, _ = exported
    with torch.no_grad():
        z_hat = torch.round(module.hyper_analysis(module.analysis(make_signal(16 * 2048, seed=4), 8.0)) * 3)
    previous = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        one = module.hyper_synthesis(z_hat)
        torch.set_num_threads(2)
        two = module.hyper_synthesis(z_hat)
    finally:
        torch.set_num_threads(previous)
    assert torch.equal(one[0], two[0]) and torch.equal(one[1], two[1])
    # The first layer's accumulator holds integers exactly (1-D layers run as 1 x k 2-D ones).
    acc = next(module.integer_hyper.hidden.children()).accumulate(z_hat.unsqueeze(2).double())
    assert torch.equal(acc, acc.round()) and float(acc.abs().max()) > 0


@pytest.mark.parametrize("front", ["mdct-noise", "mdct-power", "mdct-post", "mdct-residual", "mdct", "waveform"])
def test_margins_are_measured_where_chunks_start_to_match(front):
    model = tiny_model(front)
    from lcodec.audio_export import measure_margins
    analysis = measure_margins(model)[0]
    x = make_signal(24 * 2048)
    gain, inverse_gain = model.gains(torch.tensor([2.0]))
    start, length = 10 * 2048, 4 * 2048
    transform = lambda s, _: model.g_a(s) * gain
    stride = model.latent_stride
    assert chunk_error(transform, x, stride, start, length, analysis) <= 1e-4
    # One unit less context than measured must show: the margin is not padded.
    assert chunk_error(transform, x, stride, start, length, analysis - 2048) > 1e-4


def test_exported_transforms_run_in_chunks_with_their_margins(exported):
    _, module, _, _ = exported
    x = make_signal(20 * 2048, seed=2)
    quality = 6.0
    start, length = 8 * 2048, 4 * 2048
    stride = module.latent_stride
    assert chunk_error(lambda s, _: module.analysis(s, quality), x, stride, start, length,
                       module.analysis_margin) <= 1e-4
    with torch.no_grad():
        y = torch.round(module.analysis(x, quality))
    # Symbols (here y itself, means 0, many zeros) and their scale indexes
    # travel together, stacked on the channel axis.
    indexes = (y.abs() * 7 + 3).remainder(64)
    stacked = torch.cat([y, indexes], dim=1)

    def synthesis(s, first):
        return module.synthesis(s[:, :M], quality, first, s[:, :M], s[:, M:].int())

    assert bool((y == 0).any())
    assert chunk_error(synthesis, stacked, 1 / stride, start // stride, length // stride,
                       module.synthesis_margin // stride) <= 1e-4
    hyper = module.downsampling // stride
    assert chunk_error(lambda s, _: module.hyper_analysis(s), y, hyper, start // stride, length // stride,
                       module.hyper_analysis_margin // stride) <= 1e-4
    z_hat = torch.round(module.hyper_analysis(y) * 4)
    # The integer hyper-synthesis is exact: chunks must match bit for bit.
    assert chunk_error(lambda s, _: module.hyper_synthesis(s)[1].double(), z_hat, 1 / hyper,
                       start // module.downsampling, length // module.downsampling,
                       module.hyper_synthesis_margin // module.downsampling) == 0


def test_training_model_gives_rates_and_reconstruction():
    model = tiny_model().train()
    x = make_signal(2 * 2048).repeat(2, 1, 1)
    out = model(x, torch.tensor([0.0, 7.0]))
    assert out["x_hat"].shape == x.shape
    assert set(out["likelihoods"]) == {"y", "z"} and set(out["coded_likelihoods"]) == {"y", "z"}
    assert all(float(lik.min()) > 0 and float(lik.max()) <= 1 for lik in out["likelihoods"].values())
    assert not out["coded_likelihoods"]["y"].requires_grad
    # Rounded latents are coded for no more than their noisy training proxy at low rates.
    low = model(x, torch.tensor([0.0, 0.0]))
    noisy, coded = (sum(-torch.log2(l).sum() for l in low[k].values()) for k in ("likelihoods", "coded_likelihoods"))
    assert float(coded) < float(noisy)


def test_table_bits_counts_each_symbol_with_its_table():
    from lcodec.audio_validation import table_bits
    # Two tables: symbols {-1, 0, 1} + escape, and {0, 1} + escape.
    cdfs = torch.tensor([0, 16384, 49152, 65535, 65536, 0, 32768, 65535, 65536], dtype=torch.int32)
    sizes = torch.tensor([5, 4], dtype=torch.int32)
    offsets = torch.tensor([-1, 0], dtype=torch.int32)
    symbols = torch.tensor([[0, 1, 1, 5]])
    tables = torch.tensor([[0, 0, 1, 1]])
    # 0 in table 0: p = 1/2; 1 in table 0: p = 16383/65536; 1 in table 1: p = 32767/65536;
    # 5 in table 1: escape (p = 1/65536) + payload 2 log2(5 + 2) + 1.
    expected = 1 - math.log2(16383 / 65536) - math.log2(32767 / 65536) + 16 + 2 * math.log2(7) + 1
    assert abs(table_bits(symbols, tables, cdfs, sizes, offsets) - expected) < 1e-9
