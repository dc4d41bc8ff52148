import torch

import train  # models/train.py
from lcodec.architectures import DctHyperprior
from lcodec.layers import Residual


def test_bfloat16_learning_keeps_float32_weights_and_outputs():
    torch.manual_seed(0)
    model = DctHyperprior(16, 192)
    # The residual bodies start at zero; make them do something.
    for module in model.modules():
        if isinstance(module, Residual):
            torch.nn.init.normal_(module.body[-1].weight, std=0.05)
    y = torch.randn(1, 192, 4, 4)
    reference = model.g_s(y)
    names = list(model.state_dict())

    train.learn_in_bfloat16(model)
    output = model.g_s(y)
    assert output.dtype == torch.float32
    assert not torch.equal(output, reference)  # the bodies did run in bfloat16
    assert torch.allclose(output, reference, atol=0.05 * float(reference.abs().max()))
    assert list(model.state_dict()) == names  # checkpoints stay interchangeable
    output.square().mean().backward()
    weight = model.g_s[0].body[0].weight
    assert weight.dtype == torch.float32 and weight.grad.dtype == torch.float32
    assert float(weight.grad.abs().sum()) > 0
