import pytest
import torch

from lcodec.layers import SubPixelDeconv, conv, deconv


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
