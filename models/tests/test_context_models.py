import torch

from lcodec.architectures import DctContextHyperprior
from lcodec.context_models import SliceContext, anchor_mask, build_integer_slice_context, dct_slices
from lcodec.entropy_models import GaussianConditional, code_latent, default_scale_table


def trained_looking_context(seed=0):
    """A context whose heads do something (trained heads would)."""
    torch.manual_seed(seed)
    context = SliceContext(dct_slices(), default_scale_table(), hidden=16)
    with torch.no_grad():
        for head in context.heads:
            head.tail[-1].weight.normal_(0, 0.05)
    return context


def latent(seed, h=6, w=5):
    g = torch.Generator().manual_seed(seed)
    y = torch.randn(1, 192, h, w, generator=g) * 4
    means = torch.randn(1, 192, h, w, generator=g)
    scales = torch.rand(1, 192, h, w, generator=g) * 8 + 0.2
    return y, means, scales


def test_slices_follow_dct_diagonals():
    slices = dct_slices()
    assert slices[0] == [0, 64, 128]  # the three DCs
    assert slices[1] == [1, 8, 65, 72, 129, 136]
    assert sum(len(s) for s in slices) == 192


def test_fresh_context_is_the_hyperprior_alone():
    context = SliceContext(dct_slices(), default_scale_table(), hidden=16)
    conditional = GaussianConditional()
    y, means, scales = latent(1)
    # The context works on table scales; compare with the same scales.
    table_scales = context.smallest_scale * torch.exp(context.scale_index(scales) * context.index_step)
    y_hat, likelihoods = context(y, means, scales, conditional, training=False)
    ref_hat, ref_likelihoods = code_latent(y, means, table_scales, conditional, training=False)
    assert torch.equal(y_hat, ref_hat)
    assert torch.allclose(likelihoods, ref_likelihoods, rtol=1e-5)


def test_a_pass_sees_only_what_the_decoder_has_decoded():
    context = trained_looking_context()
    conditional = GaussianConditional()
    y, means, scales = latent(2)
    _, before = context(y, means, scales, conditional, training=False)
    k = 3
    channels = dct_slices()[k]
    changed = y.clone()
    non_anchors = 1 - anchor_mask(y.shape[2], y.shape[3])
    changed[:, channels] += 7 * non_anchors  # slice k's second pass only
    _, after = context(changed, means, scales, conditional, training=False)
    earlier = sum(dct_slices()[:k], [])
    assert torch.equal(before[:, earlier], after[:, earlier])
    anchors = anchor_mask(y.shape[2], y.shape[3]).bool().expand(1, len(channels), -1, -1)
    assert torch.equal(before[:, channels][anchors], after[:, channels][anchors])
    # ...while later slices do look at it.
    later = sum(dct_slices()[k + 1:], [])
    assert not torch.equal(before[:, later], after[:, later])


def test_the_rate_teaches_the_hyperpriors_scales():
    # Joint training reaches the hyper-synthesis only through these
    # gradients; cut, the hyper-analysis learns to drop the scales.
    context = trained_looking_context(6)
    y, means, scales = latent(50)
    scales.requires_grad_(True)
    _, likelihoods = context(y, means, scales, GaussianConditional(), training=True)
    (-torch.log2(likelihoods).sum()).backward()
    assert scales.grad is not None
    assert float((scales.grad != 0).float().mean()) > 0.9  # every scale in the table's range


def test_integer_heads_track_the_float_heads():
    context = trained_looking_context(3)
    conditional = GaussianConditional()
    calibration = []
    for seed in range(3):
        y, means, scales = latent(10 + seed)
        y_hat, _ = context(y, means, scales, conditional, training=False)
        calibration.append((y_hat, means, scales))
    integer = build_integer_slice_context(context, calibration)
    y, means, scales = latent(20)
    y_hat, _ = context(y, means, scales, conditional, training=False)
    indexes = context.scale_index(scales)
    previous = []
    for k, channels in enumerate(dct_slices()):
        # The second pass: everything before slice k and its anchors decoded.
        anchors = anchor_mask(y.shape[2], y.shape[3])
        visible = torch.zeros_like(y_hat)
        visible[:, previous] = y_hat[:, previous]
        visible[:, channels] = y_hat[:, channels] * anchors
        int_means, int_indexes = integer(k, visible, means, indexes.to(torch.int32))
        with torch.no_grad():
            float_means, float_scales = context.refine(
                context.heads[k], visible[:, previous], visible[:, channels], means[:, channels],
                indexes[:, channels])
        float_indexes = torch.log(float_scales / context.smallest_scale) / context.index_step
        assert int_means.dtype == torch.float32 and int_indexes.dtype == torch.int32
        assert torch.allclose(int_means, float_means, atol=0.02 * float(float_means.abs().max()))
        assert (int_indexes.double() - float_indexes.double()).abs().max() <= 1.0
        previous = previous + channels


def test_integer_heads_are_identical_across_thread_counts():
    context = trained_looking_context(4)
    y, means, scales = latent(30)
    y_hat, _ = context(y, means, scales, GaussianConditional(), training=False)
    integer = build_integer_slice_context(context, [(y_hat, means, scales)])
    indexes = context.scale_index(scales).to(torch.int32)
    previous = torch.get_num_threads()
    try:
        results = []
        for threads in (1, 2):
            torch.set_num_threads(threads)
            results.append(integer(4, y_hat, means, indexes))
    finally:
        torch.set_num_threads(previous)
    assert torch.equal(results[0][0], results[1][0]) and torch.equal(results[0][1], results[1][1])


def test_context_model_trains_toward_fewer_bits():
    torch.manual_seed(0)
    model = DctContextHyperprior(16, 192)
    x = torch.rand(2, 3, 64, 64)
    for name, p in model.named_parameters():
        p.requires_grad_(name.startswith("context."))
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=1e-2)

    def bits():
        out = model(x, torch.tensor([3.0, 3.0]), synthesize=False)
        assert out["x_hat"] is None
        return -torch.log2(out["likelihoods"]["y"]).sum()

    model.eval()
    with torch.no_grad():
        start = float(bits())
    model.train()
    for _ in range(30):
        optimizer.zero_grad()
        bits().backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        assert float(bits()) < 0.97 * start


def test_float_heads_recovered_from_integer_ones_compute_the_same():
    from lcodec.context_models import float_slice_context

    context = trained_looking_context(5)
    y, means, scales = latent(40)
    y_hat, _ = context(y, means, scales, GaussianConditional(), training=False)
    integer = build_integer_slice_context(context, [(y_hat, means, scales)])
    recovered = SliceContext(dct_slices(), default_scale_table(), hidden=16)
    float_slice_context(integer, recovered)

    def bits(c):
        with torch.no_grad():
            return -torch.log2(c(y, means, scales, GaussianConditional(), training=False)[1])

    expected, got = bits(context), bits(recovered)
    # The same values up to the integer form's rounding, which moves a few
    # means across a rounding boundary.
    assert ((got - expected).abs() < 0.01).float().mean() > 0.95
    assert abs(float(got.sum() / expected.sum()) - 1) < 0.01
    # A fresh context is the hyperprior alone and differs: the check can fail.
    fresh = bits(SliceContext(dct_slices(), default_scale_table(), hidden=16))
    assert ((fresh - expected).abs() < 0.01).float().mean() < 0.95
    # Balanced like a trained network, not scaled like the integer form, so
    # that training can go on from it.
    weight_rms = [float(p.pow(2).mean().sqrt()) for name, p in recovered.named_parameters() if name.endswith("weight")]
    assert max(weight_rms) < 10 * min(weight_rms)
