"""ReLU → Softplus(β) smoothing so that second derivatives exist (Janizek et al., JMLR 2021, §4).

A ReLU network's Hessian is zero almost everywhere, so its interactions vanish. The smoothed copy
swaps every `nn.ReLU` module for `nn.Softplus(β)`, and smooths the ReLUs that `forward` calls as
functions (`F.relu`, `torch.relu`, `F.relu_`, `x.relu()`, `nn.TransformerEncoderLayer`'s default
activation): a pair of forward hooks runs each call of the copy inside a torch function mode that
answers those calls with softplus. The hooks are plain picklable objects, so the copy stays an
ordinary `nn.Module` with the original's state_dict.
"""
from __future__ import annotations

import copy
import math
import numbers

import torch
import torch.nn.functional as F
from torch import nn
from torch.overrides import TorchFunctionMode

#: Functional ReLUs answered with softplus; the in-place ones write the result back.
_RELUS = {F.relu: False, torch.relu: False, torch.Tensor.relu: False}
_RELUS_INPLACE = {F.relu_: True, torch.relu_: True, torch.Tensor.relu_: True}


def smooth_relu(model: nn.Module, beta: float = 10.0) -> nn.Module:
    """A deep copy of `model` whose ReLUs, modules and functional calls alike, are Softplus(beta).

    model: an nn.Module (left untouched). beta: a finite number > 0; the copy tends to the
    original as β → ∞ (β = 10 keeps the interactions visible and the outputs close).
    The copy has the same weights and state_dict, pickles and deep-copies like any module.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model: expected a torch.nn.Module, got {type(model).__name__}")
    if isinstance(beta, bool) or not isinstance(beta, numbers.Real):
        raise TypeError(f"beta: expected a positive finite number, got {type(beta).__name__}")
    if not (math.isfinite(float(beta)) and float(beta) > 0):
        raise ValueError(f"beta: expected a positive finite number, got {beta!r} (β = ∞ is the ReLU itself)")
    beta = float(beta)
    if isinstance(model, nn.ReLU):
        return nn.Softplus(beta=beta)
    smoothed = copy.deepcopy(model)
    _swap(smoothed, beta)
    _no_fused_relu(smoothed)
    hooks = _SmoothingHooks(beta)
    smoothed.register_forward_pre_hook(hooks.enter)
    smoothed.register_forward_hook(hooks.exit, always_call=True)
    return smoothed


def _swap(module: nn.Module, beta: float) -> None:
    for name, child in module.named_children():
        if isinstance(child, nn.ReLU):
            setattr(module, name, nn.Softplus(beta=beta))
        else:
            _swap(child, beta)


def _no_fused_relu(module: nn.Module) -> None:
    """Keep TransformerEncoderLayer off its fused inference kernel, whose ReLU no mode can see."""
    for m in module.modules():
        if isinstance(m, nn.TransformerEncoderLayer) and getattr(m, "activation_relu_or_gelu", 0) == 1:
            m.activation_relu_or_gelu = 0


class _SoftplusMode(TorchFunctionMode):
    def __init__(self, beta: float):
        super().__init__()
        self.beta = beta

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        inplace = _RELUS_INPLACE.get(func)
        if inplace is None and func in _RELUS:
            inplace = bool(kwargs.get("inplace", args[1] if len(args) > 1 else False))
        if inplace is None:
            return func(*args, **kwargs)
        x = args[0]
        y = F.softplus(x, beta=self.beta)
        return x.copy_(y) if inplace else y


class _SmoothingHooks:
    """Forward pre-hook and always-called forward hook that bracket a call in the softplus mode."""

    def __init__(self, beta: float):
        self.beta = beta
        self.active: list[_SoftplusMode] = []

    def enter(self, module, args):
        mode = _SoftplusMode(self.beta)
        mode.__enter__()
        self.active.append(mode)

    def exit(self, module, args, output):
        if self.active:
            self.active.pop().__exit__(None, None, None)

    def __getstate__(self):  # pickle and deepcopy: a live mode belongs to a running call, not a copy
        return {"beta": self.beta, "active": []}


def count_relus(model: nn.Module) -> int:
    """How many `nn.ReLU` modules a model holds (0 for non-modules)."""
    return sum(isinstance(m, nn.ReLU) for m in model.modules()) if isinstance(model, nn.Module) else 0
