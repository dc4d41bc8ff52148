import pytest
import torch

from lcodec.architectures import DctHyperprior, pixel_group_filter
from lcodec.layers import BlockDCT, SubPixelDeconv, conv, deconv


@pytest.mark.parametrize("height,width", [(1, 1), (4, 7), (9, 16)])
def test_subpixel_deconv_matches_the_transposed_convolution(height, width):
    torch.manual_seed(0)
    layer = deconv(6, 5)
    x = torch.randn(2, 6, height, width)
    fast = torch.jit.script(SubPixelDeconv(layer))
    with torch.no_grad():
        expected, got = layer(x), fast(x)
    assert got.shape == expected.shape
    assert torch.allclose(got, expected, atol=1e-5)


def test_subpixel_deconv_refuses_other_geometries():
    with pytest.raises(ValueError):
        SubPixelDeconv(torch.nn.ConvTranspose2d(4, 4, 3, stride=2, padding=1, output_padding=1))
    with pytest.raises(ValueError):
        SubPixelDeconv(conv(4, 4))  # a forward convolution, not a transposed one


def test_block_dct_is_orthonormal_and_inverts_exactly():
    dct = BlockDCT()
    weight = dct.weight.double().reshape(192, -1)
    assert torch.allclose(weight @ weight.T, torch.eye(192, dtype=torch.float64), atol=1e-6)
    torch.manual_seed(0)
    x = torch.rand(2, 3, 16, 24)
    coefficients = dct(x)
    assert coefficients.shape == (2, 192, 2, 3)
    # Orthonormal: the squared error of the coefficients is that of the pixels.
    assert torch.allclose(coefficients.pow(2).sum(), (x - 0.5).pow(2).sum(), rtol=1e-5)
    assert torch.allclose(dct.inverse(coefficients), x, atol=1e-5)
    # Channel 0 is the DC of luma: the block mean of (R+G+B)/sqrt(3), times 8.
    block_mean = (x[:, :, :8, :8] - 0.5).sum(1).mean((1, 2)) / 3 ** 0.5
    assert torch.allclose(coefficients[:, 0, 0, 0], 8 * block_mean, atol=1e-5)


def test_dct_model_starts_as_the_plain_block_transform():
    torch.manual_seed(0)
    model = DctHyperprior().eval()
    x = torch.rand(1, 3, 64, 64)
    with torch.no_grad():
        assert torch.allclose(model.g_s(model.g_a(x)), x, atol=1e-5)
        # Gains rise with quality: finer quantization, smaller error.
        errors = [(model(x, torch.tensor([float(q)]))["x_hat"] - x).pow(2).mean() for q in (0, 7)]
    assert errors[1] < errors[0] / 4


def test_pixel_group_filter_starts_as_the_identity_and_sees_factor_times_as_far():
    torch.manual_seed(0)
    layer = pixel_group_filter(4, 8)
    x = torch.rand(1, 3, 64, 64)
    assert torch.equal(layer(x), x)
    torch.nn.init.normal_(layer.body[-1].weight)
    changed = x.clone()
    changed[:, :, 32, 32] += 1
    reach = (layer(changed) - layer(x) - (changed - x)).abs().sum((0, 1)).nonzero()
    # Three 3x3 layers over 4x4 groups: the group of (32, 32) and 3 groups around it.
    assert int(reach.min()) == 32 - 3 * 4 and int(reach.max()) == 32 + 3 + 3 * 4
    assert torch.jit.script(layer)(x).shape == x.shape


DCT_ARCHITECTURES = ["dct-hyperprior", "dct-context", "dct-context-quarter-filter"]


def model_with_active_residuals(arch: str):
    """A fresh model whose residual blocks, which start at zero, do something."""
    from lcodec.architectures import ARCHITECTURES
    from lcodec.layers import Residual

    torch.manual_seed(0)
    model = ARCHITECTURES[arch](16, 192).eval()
    for module in model.modules():
        if isinstance(module, Residual):
            torch.nn.init.normal_(module.body[-1].weight, std=0.05)
    return model


@pytest.mark.parametrize("arch", DCT_ARCHITECTURES)
def test_block_dct_synthesis_reaches_less_far_than_the_decoders_tile_margin(arch):
    # runtime/tiling.h gives the synthesis a 64-pixel margin around each
    # tile; a latent block must not reach farther, or tiles show seams.
    model = model_with_active_residuals(arch)
    y = torch.zeros(1, 192, 24, 24)
    changed = y.clone()
    changed[0, :, 12, 12] = 1  # the block of pixels 96..103
    with torch.no_grad():
        reach = (model.g_s(changed) - model.g_s(y)).abs().sum((0, 1)).nonzero()
    assert 96 - int(reach.min()) <= 64 and int(reach.max()) - 103 <= 64
    assert 96 - int(reach.min()) > 24  # the latent convolutions and filters do reach out


@pytest.mark.parametrize("arch", DCT_ARCHITECTURES)
def test_block_dct_analysis_sees_less_far_than_the_encoders_tile_margin(arch):
    # runtime/tiling.h gives the analysis a 64-pixel margin: a latent block
    # at a tile's edge must see no farther than that beyond it.
    model = model_with_active_residuals(arch)
    x = torch.rand(1, 3, 256, 256)
    changed = x.clone()
    changed[0, :, 128, 128] += 1  # in latent block 16 (pixels 128..135)
    with torch.no_grad():
        blocks = (model.g_a(changed) - model.g_a(x)).abs().sum((0, 1)).nonzero()
    reach_in_blocks = 16 - int(blocks.min())
    assert int(blocks.max()) - 16 == reach_in_blocks
    # Three 3x3 convolutions over the blocks: 3 blocks each way.
    assert reach_in_blocks == 3 and 8 * reach_in_blocks <= 64
