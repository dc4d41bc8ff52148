import pytest
import torch

import train  # models/train.py
from lcodec.architectures import ARCHITECTURES, DctHyperprior
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


def test_a_bigger_architecture_starts_from_a_checkpoint_as_that_model(tmp_path):
    torch.manual_seed(0)
    trained = ARCHITECTURES["dct-context"](16, 192).eval()
    for module in trained.modules():
        if isinstance(module, Residual):
            torch.nn.init.normal_(module.body[-1].weight, std=0.05)
    path = str(tmp_path / "checkpoint.pt")
    torch.save({"model": trained.state_dict(), "step": 1234}, path)

    bigger = ARCHITECTURES["dct-context-quarter-filter"](16, 192).eval()
    assert train.warm_start_from_checkpoint(bigger, path) == 1234
    x = torch.rand(1, 3, 64, 64)
    with torch.no_grad():
        expected = trained(x, torch.tensor([3.0]))["x_hat"]
        got = bigger(x, torch.tensor([3.0]))["x_hat"]
    assert torch.equal(got, expected)  # the added filter starts as the identity
    assert len(bigger.g_s) == len(trained.g_s) + 1


def test_learning_rates_by_prefix_parse_and_refuse_malformed_specs():
    assert train.learning_rates_by_prefix(["g_s.4.=1e-4", "context.=2e-5"]) == [("g_s.4.", 1e-4), ("context.", 2e-5)]
    with pytest.raises(SystemExit):
        train.learning_rates_by_prefix(["g_s.4."])
