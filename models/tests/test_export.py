import copy
import json

import pytest
import torch

from lcodec.architectures import LAMBDAS, DctHyperprior, MeanScaleHyperprior
from lcodec.export import RDO_DISTORTION_FACTOR, export_image_model, widen_half_weights


@pytest.mark.parametrize("make,m,stride", [(lambda: MeanScaleHyperprior(16, 24), 24, 16),
                                           (lambda: DctHyperprior(16, 192), 192, 8)])
def test_exported_model_round_trips(tmp_path, make, m, stride):
    torch.manual_seed(0)
    model = make()
    image = (torch.rand(3, 64, 128) * 255).to(torch.uint8)
    path = str(tmp_path / "model.lcm")
    manifest = export_image_model(model, [image], path, "test", steps=0)
    assert manifest["downsampling"] == 4 * stride
    extra = {"manifest.json": ""}
    module = torch.jit.load(path, _extra_files=extra)
    assert json.loads(extra["manifest.json"]) == manifest
    widen_half_weights(module)
    x = image.unsqueeze(0).float() / 255
    y = module.analysis(x, 4.0)
    assert y.shape == (1, m, 64 // stride, 128 // stride)
    z_hat = torch.round(module.hyper_analysis(y))
    means, indexes = module.hyper_synthesis(z_hat)
    assert means.shape == y.shape and indexes.dtype == torch.int32
    assert int(indexes.min()) >= 0 and int(indexes.max()) < len(module.y_cdf_sizes)
    x_hat = module.synthesis(torch.round(y - means) + means, 4.0)
    assert x_hat.shape == x.shape
    # Table buffers hold exactly one CDF per size entry.
    assert int(module.y_cdf_sizes.sum()) == module.y_cdfs.numel()
    assert int(module.z_cdf_sizes.sum()) == module.z_cdfs.numel()
    assert len(module.z_offsets) == 16


def test_quality_interpolates_between_levels():
    torch.manual_seed(0)
    model = MeanScaleHyperprior(16, 24)
    with torch.no_grad():
        model.log_gain.copy_(torch.arange(8, dtype=torch.float32).reshape(8, 1).repeat(1, 24))
    gain, _ = model.gains(torch.tensor([2.5]))
    assert torch.allclose(gain, torch.full_like(gain, float(torch.exp(torch.tensor(2.5)))))


def test_training_warm_starts_from_an_exported_model(tmp_path):
    import train  # models/train.py

    torch.manual_seed(0)
    trained = MeanScaleHyperprior(16, 24)
    image = (torch.rand(3, 64, 64) * 255).to(torch.uint8)
    path = str(tmp_path / "model.lcm")
    export_image_model(trained, [image], path, "test", steps=1234)
    fresh = MeanScaleHyperprior(16, 24)
    assert train.warm_start(fresh, path) == 1234
    for name, tensor in trained.state_dict().items():
        if name.startswith(train.WARM_START_PREFIXES):
            assert torch.allclose(fresh.state_dict()[name], tensor.half().float()), name
    # The hyper-synthesis is not stored in float form: it keeps its own start.
    assert not torch.equal(fresh.h_s[0].weight, trained.h_s[0].weight)


def test_quantization_weights_follow_the_levels_lambdas_and_inverse_gains(tmp_path):
    torch.manual_seed(0)
    model = DctHyperprior(16, 192)
    path = str(tmp_path / "model.lcm")
    export_image_model(model, [(torch.rand(3, 64, 64) * 255).to(torch.uint8)], path, "test", steps=0)
    module = torch.jit.load(path)
    widen_half_weights(module)
    inverse = model.log_inverse_gain.detach().half().double().exp()  # as stored: fp16
    for quality in (1.0, 4.0, 8.0):
        level = int(quality) - 1
        expected = RDO_DISTORTION_FACTOR * LAMBDAS[level] * 255 ** 2 * inverse[level] ** 2 / 3
        assert torch.allclose(module.quantization_weights(quality), expected, rtol=1e-6)
    # Between levels, lambda and the inverse gain interpolate geometrically.
    halfway = module.quantization_weights(4.5)
    assert torch.allclose(halfway, (module.quantization_weights(4.0) * module.quantization_weights(5.0)).sqrt(),
                          rtol=1e-6)


def test_context_model_exports_its_slices_and_round_trips(tmp_path):
    from lcodec.architectures import DctContextHyperprior
    from lcodec.context_models import dct_slices

    torch.manual_seed(0)
    model = DctContextHyperprior(16, 192)
    with torch.no_grad():
        for head in model.context.heads:
            head.tail[-1].weight.normal_(0, 0.05)
    image = (torch.rand(3, 64, 96) * 255).to(torch.uint8)
    path = str(tmp_path / "model.lcm")
    manifest = export_image_model(copy.deepcopy(model), [image], path, "test", steps=0)  # export halves weights
    assert manifest["format_version"] == 2 and manifest["architecture"] == "dct-context"
    module = torch.jit.load(path)
    widen_half_weights(module)
    slices = dct_slices()
    assert module.slice_sizes.tolist() == [len(s) for s in slices]
    assert module.slice_channels.tolist() == sum(slices, [])
    x = image.unsqueeze(0).float() / 255
    y = module.analysis(x, 4.0)
    means, indexes = module.hyper_synthesis(torch.round(module.hyper_analysis(y)))
    slice_means, slice_indexes = module.slice_prior(3, torch.zeros_like(y), means, indexes)
    assert slice_means.shape == (1, len(slices[3]), 8, 12) and slice_indexes.dtype == torch.int32
    # The module's own slice-by-slice round trip reconstructs what the float
    # model does, up to fp16 weights and the integer heads' rounding of
    # means, which move a few rounding decisions of this random model.
    model.eval()
    with torch.no_grad():
        reference = model(x, torch.tensor([3.0]))["x_hat"]
        assert (module(x, 4.0) - reference).abs().mean() < 0.03


def test_quarter_filter_model_exports_its_whole_synthesis(tmp_path):
    from lcodec.architectures import ARCHITECTURES, interpolate_gain

    torch.manual_seed(0)
    model = ARCHITECTURES["dct-context-quarter-filter"](16, 192)
    with torch.no_grad():
        model.g_s[-1].body[-1].weight.normal_(0, 0.05)
    path = str(tmp_path / "model.lcm")
    export_image_model(copy.deepcopy(model), [(torch.rand(3, 64, 64) * 255).to(torch.uint8)], path, "test", steps=0)
    module = torch.jit.load(path)
    widen_half_weights(module)
    y_hat = torch.randn(1, 192, 4, 4).round()
    with torch.no_grad():
        without_filter = model.g_s[:-1](y_hat * interpolate_gain(model.log_inverse_gain, torch.tensor([2.0])))
        reference = model.g_s[-1](without_filter)
        got = module.synthesis(y_hat, 3.0)
    # fp16 storage moves the output a little; dropping the filter moves it more.
    assert (got - reference).abs().max() < 0.2 * (reference - without_filter).abs().max()
