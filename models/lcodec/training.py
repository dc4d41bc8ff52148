"""What the image and audio training loops share."""
from typing import List

import torch


def optimization_step(loss: torch.Tensor, model: torch.nn.Module, optimizer: torch.optim.Optimizer,
                      aux_optimizer: torch.optim.Optimizer, clipped: List[torch.nn.Parameter]) -> torch.Tensor:
    """One step on the rate-distortion loss (gradients of `clipped` clipped to
    norm 1), then one on the entropy bottleneck's quantile loss; returns the
    latter."""
    optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(clipped, 1.0)
    optimizer.step()
    aux_loss = model.aux_loss()
    aux_optimizer.zero_grad()
    aux_loss.backward()
    aux_optimizer.step()
    return aux_loss
