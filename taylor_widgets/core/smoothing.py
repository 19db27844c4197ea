"""ReLU → Softplus(β) smoothing so that second derivatives exist (Janizek et al., JMLR 2021, §4)."""
from __future__ import annotations

import copy

import torch
from torch import nn


def smooth_relu(model: nn.Module, beta: float = 10.0) -> nn.Module:
    """A deep copy of `model` with every `nn.ReLU` module replaced by `nn.Softplus(beta)`.

    The weights are unchanged and the original model is untouched. As β → ∞ the copy tends to
    the original. ReLUs called functionally inside `forward` (`F.relu`) cannot be swapped; the
    interaction methods warn when the Hessian they see is identically zero.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model: expected a torch.nn.Module, got {type(model).__name__}")
    if isinstance(beta, bool) or not isinstance(beta, (int, float)) or not beta > 0:
        raise ValueError(f"beta: expected a positive number, got {beta!r}")
    smoothed = copy.deepcopy(model)
    _swap(smoothed, float(beta))
    if isinstance(smoothed, nn.ReLU):
        return nn.Softplus(beta=float(beta))
    return smoothed


def _swap(module: nn.Module, beta: float) -> None:
    for name, child in module.named_children():
        if isinstance(child, nn.ReLU):
            setattr(module, name, nn.Softplus(beta=beta))
        else:
            _swap(child, beta)


def count_relus(model: nn.Module) -> int:
    """How many `nn.ReLU` modules a model holds (0 for non-modules)."""
    return sum(isinstance(m, nn.ReLU) for m in model.modules()) if isinstance(model, nn.Module) else 0
