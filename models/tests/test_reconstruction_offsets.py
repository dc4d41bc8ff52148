import json
import os

import torch

import fit_reconstruction_offsets as fit  # models/fit_reconstruction_offsets.py
from lcodec.architectures import DctContextHyperprior
from lcodec.data import list_images
from lcodec.export import export_image_model, widen_half_weights

CI_IMAGES = os.path.join(os.path.dirname(__file__), "..", "..", "datasets", "ci", "images")


def tiny_context_model_file(tmp_path) -> str:
    torch.manual_seed(0)
    model = DctContextHyperprior(8, 192)
    with torch.no_grad():
        for head in model.context.heads:
            head.tail[-1].weight.normal_(0, 0.05)
    path = str(tmp_path / "context.lcm")
    export_image_model(model, [(torch.rand(3, 64, 64) * 255).to(torch.uint8)], path, "tiny-context", steps=0)
    return path


def test_fitted_offsets_lower_the_pixel_error_and_are_written_as_format_3(tmp_path):
    path = tiny_context_model_file(tmp_path)
    module = torch.jit.load(path)
    widen_half_weights(module)
    photos = [fit.load_photo(p, int(module.downsampling), 128) for p in list_images(CI_IMAGES)]
    assert all(x.shape[2] % int(module.downsampling) == 0 and x.shape[3] > 0 for x in photos)
    level = module.log_lambdas.numel() - 1
    offsets, errors = fit.fit_level(module, photos, level, iterations=2)
    assert offsets.shape == (fit.MAGNITUDES, fit.SCALE_COUNT)
    assert (offsets != 0).any(), "no bucket held enough values to fit"
    assert errors[-1] < errors[0]
    assert float(offsets.abs().max()) <= 0.5

    table = torch.zeros(module.log_lambdas.numel(), fit.MAGNITUDES, fit.SCALE_COUNT)
    table[level] = offsets
    output = str(tmp_path / "offsets.lcm")
    fit.write_with_offsets(path, table, output, {"photos": len(photos)}, name="tiny-offsets")
    extra = {"manifest.json": ""}
    written = torch.jit.load(output, _extra_files=extra)
    assert int(written.format_version) == fit.OFFSETS_FORMAT_VERSION
    assert written.name == "tiny-offsets"
    assert torch.equal(written.reconstruction_offsets, table)
    manifest = json.loads(extra["manifest.json"])
    assert manifest["format_version"] == fit.OFFSETS_FORMAT_VERSION and manifest["name"] == "tiny-offsets"
    assert manifest["reconstruction_offsets"] == {"photos": len(photos)}
    assert not os.path.exists(output + ".partial")
    # Everything else is the input model's.
    widen_half_weights(written)
    assert torch.equal(written.analysis(photos[0], 4.0), module.analysis(photos[0], 4.0))


def test_rounding_follows_the_encoder_rule(tmp_path):
    """Each residual is the nearest integer to y - mean or one step closer
    to zero, and y_hat = mean + r."""
    module = torch.jit.load(tiny_context_model_file(tmp_path))
    widen_half_weights(module)
    x = fit.load_photo(list_images(CI_IMAGES)[0], int(module.downsampling), 128)
    y = module.analysis(x, 6.0)
    with torch.no_grad():
        y_hat, residuals, indexes = fit.code_like_encoder(module, y, 6.0)
    means = y_hat - residuals
    nearest = torch.round(y - means)
    closer = nearest - torch.sign(nearest)
    assert bool(((residuals == nearest) | (residuals == closer)).all())
    assert bool((residuals != nearest).any()), "rate-distortion rounding moved nothing"
    assert int(indexes.min()) >= 0 and int(indexes.max()) < fit.SCALE_COUNT
