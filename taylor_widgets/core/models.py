"""The model at the boundary: is it usable, where does it live, and how is its output read.

- A model in training mode that holds Dropout or BatchNorm is refused: explanations would run
  on random masks or batch statistics, and BatchNorm would update its running statistics. The
  user's model is never put into eval mode for them (that would mutate it).
- A model on the `meta` device has no values to explain and is refused.
- Outputs that are not tensors are read the way their libraries mean them: an object with
  `.logits` (Hugging Face), a dict with `"logits"`, or a tuple/list whose first element is the
  output. `tensor_model` wraps such a model once, so every later call (inside `vmap` too) sees
  a tensor.
"""
from __future__ import annotations

import warnings
from typing import Callable

import torch
from torch import nn

#: Modules whose forward differs between train and eval mode in a way that breaks explanations.
_TRAIN_SENSITIVE = (nn.modules.batchnorm._BatchNorm, nn.modules.dropout._DropoutNd)


def check_model(model) -> None:
    """Refuse what cannot be explained: not callable, on the meta device, or live Dropout/BatchNorm."""
    if not callable(model):
        raise TypeError(f"model: expected a torch.nn.Module or a callable, got {type(model).__name__}")
    if not isinstance(model, nn.Module):
        return
    check_materialised(model)
    live = sorted({type(m).__name__ for m in model.modules() if m.training and _is_stochastic(m)})
    if live:
        raise ValueError(
            f"model: is in training mode with {', '.join(live)}, so every call would use random dropout masks "
            "or batch statistics (and update BatchNorm's running statistics); call model.eval() first"
        )


def check_materialised(model) -> None:
    """Refuse a module whose parameters or buffers are on the meta device (no values to explain)."""
    if isinstance(model, nn.Module) and any(t.is_meta for t in _tensors(model)):
        raise ValueError(
            "model: its parameters are on the meta device (shapes without values); materialise it first, "
            "e.g. model.to_empty(device='cpu') and load_state_dict(...)"
        )


def _is_stochastic(m: nn.Module) -> bool:
    if isinstance(m, nn.modules.dropout._DropoutNd):
        return m.p > 0
    return isinstance(m, _TRAIN_SENSITIVE)


def _tensors(model: nn.Module):
    yield from model.parameters()
    yield from model.buffers()


def device_dtype(model) -> tuple[torch.device | None, torch.dtype | None]:
    """The device and floating dtype of the model's first floating parameter or buffer; (None, None) if none.

    None means "follow the input": a parameter-free module or a plain function computes in the
    input's own dtype.
    """
    if isinstance(model, nn.Module):
        for t in _tensors(model):
            if t.is_floating_point():
                return t.device, t.dtype
    return None, None


def read_output(out, name: str = "model"):
    """The tensor inside a model output: itself, `.logits`, `out["logits"]`, or the first element of a tuple."""
    for _ in range(8):  # nested tuples such as ((logits, aux), cache) unwrap a few levels at most
        if isinstance(out, torch.Tensor):
            return out
        if isinstance(out, dict):  # also Hugging Face's ModelOutput, an OrderedDict
            if "logits" in out:
                out = out["logits"]
                continue
            if len(out) == 1:
                out = next(iter(out.values()))
                continue
            raise TypeError(
                f"{name}: returned a dict with keys {list(out)[:8]} and no 'logits'; return a tensor, or pass a "
                "function that picks the output, e.g. lambda x: model(x)['score']"
            )
        if hasattr(out, "logits") and isinstance(getattr(out, "logits"), torch.Tensor):
            out = out.logits
            continue
        if isinstance(out, (tuple, list)) and out:
            out = out[0]
            continue
        break
    raise TypeError(f"{name}: expected the model to return a tensor (or an object holding one), got {type(out).__name__}")


class TensorOutput(nn.Module):
    """`model` with its output read by `read_output`: a tensor whatever the model returns.

    The user's model is a submodule, so layer hooks (CAM) and parameters are the model's own.
    """

    def __init__(self, model: Callable):
        super().__init__()
        self.model = model

    def forward(self, *args, **kwargs) -> torch.Tensor:
        return read_output(self.model(*args, **kwargs))


def tensor_model(model, sample_output):
    """`model` itself when `sample_output` (one call's result) is a tensor, else a reader around it."""
    return model if isinstance(sample_output, torch.Tensor) else TensorOutput(model)


def warn_if_piecewise_linear(model) -> None:
    """Warn, pointing to smoothing, when a model's second derivatives vanish (ReLU-like)."""
    warnings.warn(
        "the model's Hessian is identically zero at every evaluated point: it is piecewise linear "
        "(ReLU-like), so interactions vanish almost everywhere. Explain a smoothed copy instead: "
        "tw.smooth_relu(model, beta=10.0).",
        RuntimeWarning,
        stacklevel=3,
    )
