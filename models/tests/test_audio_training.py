import torch

import train_audio  # models/train_audio.py


def test_lambdas_move_each_level_toward_its_target_rate():
    targets = torch.tensor(train_audio.RATE_TARGETS_KBPS)
    lambdas = torch.ones(8)
    levels = torch.tensor([0, 0, 3, 7])
    rates = torch.stack([targets[0] * 2, targets[0] * 4, targets[3] / 2, targets[7]])
    train_audio.adapt_lambdas(lambdas, levels, rates, speed=0.1)
    assert lambdas[0] < 1 and lambdas[3] > 1  # too many bits: distortion weighs less, and conversely
    assert torch.isclose(lambdas[7], torch.tensor(1.0))  # on target
    assert torch.equal(lambdas[[1, 2, 4, 5, 6]], torch.ones(5))  # absent levels keep theirs
    # The level's mean rate sets the step: 3x its target for level 0.
    assert torch.isclose(lambdas[0], torch.tensor(3.0 ** -0.1))


def test_rate_targets_span_the_required_range():
    targets = train_audio.RATE_TARGETS_KBPS
    assert len(targets) == 8 and targets[0] <= 6 and targets[-1] >= 64
    assert all(a < b for a, b in zip(targets, targets[1:]))
