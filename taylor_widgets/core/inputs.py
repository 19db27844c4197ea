"""Normalise user arguments once, at the boundary.

Every public core function calls into this module, so the maths underneath only ever sees one
form: a batched floating input on the model's device, a baseline broadcast to it, and a target
turned into a function that maps a model output to one scalar per example.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Callable, Sequence

import torch

TargetFn = Callable[[torch.Tensor], torch.Tensor]

#: Default limit on the bytes of a dense interaction result before we refuse and point to rows.
MAX_RESULT_BYTES = 2 * 1024**3


def model_device_dtype(model: torch.nn.Module | Callable) -> tuple[torch.device | None, torch.dtype | None]:
    """The device and floating dtype of the model's first parameter; (None, None) if it has none.

    None means "keep the input's": a parameter-free model follows its input.
    """
    if isinstance(model, torch.nn.Module):
        for p in list(model.parameters()) + list(model.buffers()):
            if p.is_floating_point():
                return p.device, p.dtype
    return None, None


def check_model(model) -> None:
    if not callable(model):
        raise TypeError(f"model: expected a torch.nn.Module or a callable, got {type(model).__name__}")


def as_input(x, name: str, device, dtype, *, min_dim: int = 1) -> torch.Tensor:
    """Check a user tensor and move it to the model's device and dtype.

    Integer tensors are refused: they are token ids, and derivatives need embeddings.
    """
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name}: expected a torch.Tensor, got {type(x).__name__}")
    if not (x.is_floating_point() or x.is_complex()):
        raise TypeError(
            f"{name}: expected a floating-point tensor, got dtype {x.dtype}. Integer inputs look like "
            "token ids; derivatives need embeddings: pass model.embed(tokens) and a model that "
            "takes embeddings, then use embedding_axis=-1 to get per-token results."
        )
    if x.dim() < min_dim:
        raise ValueError(f"{name}: expected at least {min_dim} dimension(s) (batch first), got shape {tuple(x.shape)}")
    if not torch.isfinite(x).all():
        bad = (~torch.isfinite(x)).sum().item()
        raise ValueError(f"{name}: contains {bad} NaN or Inf value(s); explanations of non-finite inputs are meaningless")
    return x.detach().to(device=device or x.device, dtype=dtype or x.dtype)


def as_baseline(baseline, x: torch.Tensor) -> torch.Tensor:
    """Broadcast a baseline to the batch `x` (B, *S): None means zeros; (*S) or (1, *S) is shared; (B, *S) is per input."""
    if baseline is None:
        return torch.zeros_like(x)
    if isinstance(baseline, (int, float)):
        return torch.full_like(x, float(baseline))
    b = as_input(baseline, "baseline", x.device, x.dtype, min_dim=0)
    try:
        return torch.broadcast_to(b, x.shape).clone()
    except RuntimeError:
        raise ValueError(
            f"baseline: shape {tuple(b.shape)} does not broadcast to the input shape {tuple(x.shape)}; "
            f"pass one baseline of shape {tuple(x.shape[1:])} or one per input of shape {tuple(x.shape)}"
        ) from None


def as_data(data, x: torch.Tensor, name: str = "data") -> torch.Tensor:
    """Background data for expected methods: (N, *S) with the input's feature shape."""
    d = as_input(data, name, x.device, x.dtype)
    if d.shape[1:] != x.shape[1:]:
        raise ValueError(
            f"{name}: expected shape (N, {', '.join(map(str, x.shape[1:]))}) to match the input's features, "
            f"got {tuple(d.shape)}"
        )
    if d.shape[0] == 0:
        raise ValueError(f"{name}: is empty; expected at least one background sample")
    return d


@dataclass(frozen=True)
class Target:
    """A normalised target: `fn(output)` gives one scalar per example; `index` is what the user asked for."""

    fn: TargetFn
    index: torch.Tensor | None  # (B,) class indices, or None for scalar models / callables
    description: str


def as_target(model, x: torch.Tensor, target) -> tuple[Target, torch.Tensor]:
    """Normalise `target` by running the model once on `x`.

    target: None for scalar-output models ((B,) or (B, 1)); an int class index; a (B,) tensor of
    indices; or a callable mapping the output (B, ...) to (B,).
    Returns the target and the selected outputs f(x), shape (B,).
    """
    try:
        with torch.no_grad():
            out = model(x)
    except (RuntimeError, ValueError, IndexError) as e:  # shape errors inside the model
        raise ValueError(
            f"x: the model failed on an input of shape {tuple(x.shape)} (batch first): {e}"
        ) from e
    if not isinstance(out, torch.Tensor):
        raise TypeError(f"model: expected the model to return a tensor, got {type(out).__name__}")
    B = x.shape[0]
    if out.dim() == 0 or out.shape[0] != B:
        raise ValueError(
            f"model: output shape {tuple(out.shape)} has no batch dimension of size {B}; "
            "the model must map (B, ...) inputs to (B,), (B, 1) or (B, C) outputs"
        )
    if callable(target) and not isinstance(target, torch.Tensor):
        fn = _checked_callable(target, B)
        return Target(fn, None, getattr(target, "__name__", "callable")), fn(out).detach()
    n_out = math.prod(out.shape[1:])
    if target is None:
        if n_out != 1:
            raise ValueError(
                f"target: the model has {n_out} outputs per example (output shape {tuple(out.shape)}); "
                "pass target=<class index>, a (B,) tensor of indices, or a callable"
            )
        fn = _scalar_output
        return Target(fn, None, "output"), fn(out).detach()
    if out.dim() != 2:
        raise ValueError(f"target: class indices need a (B, C) output, got shape {tuple(out.shape)}; pass a callable")
    C = out.shape[1]
    if isinstance(target, bool) or not isinstance(target, (int, torch.Tensor)):
        raise TypeError(f"target: expected None, an int, a (B,) integer tensor or a callable, got {type(target).__name__}")
    if isinstance(target, int):
        idx = torch.full((B,), target, dtype=torch.long, device=x.device)
    else:
        if target.is_floating_point() or target.dim() > 1:
            raise TypeError(f"target: expected a (B,) integer tensor, got dtype {target.dtype} shape {tuple(target.shape)}")
        idx = target.to(device=x.device, dtype=torch.long).reshape(-1)
        if idx.numel() == 1:
            idx = idx.expand(B).clone()
        if idx.numel() != B:
            raise ValueError(f"target: expected {B} indices (one per input), got {idx.numel()}")
    if (idx < 0).any() or (idx >= C).any():
        raise ValueError(f"target: indices must lie in [0, {C}), got {idx.tolist()}")
    onehot = torch.nn.functional.one_hot(idx, C).to(out.dtype)
    fn = _OneHot(onehot)
    return Target(fn, idx, f"class {idx.tolist() if B > 1 else int(idx[0])}"), fn(out).detach()


def _scalar_output(out: torch.Tensor) -> torch.Tensor:
    return out.reshape(out.shape[0])


class _OneHot:
    """Select one logit per example with a one-hot product: pure, so it works inside vmap."""

    def __init__(self, onehot: torch.Tensor):
        self.onehot = onehot  # (B, C)

    def __call__(self, out: torch.Tensor, onehot: torch.Tensor | None = None) -> torch.Tensor:
        w = self.onehot if onehot is None else onehot
        return (out * w).sum(-1)


def _checked_callable(fn: Callable, B: int) -> TargetFn:
    def wrapped(out: torch.Tensor) -> torch.Tensor:
        y = fn(out)
        if not isinstance(y, torch.Tensor) or y.shape != (out.shape[0],):
            raise ValueError(
                f"target: the callable must return a ({out.shape[0]},) tensor, got "
                f"{tuple(y.shape) if isinstance(y, torch.Tensor) else type(y).__name__}"
            )
        return y

    return wrapped


def as_rows(rows, n: int, name: str = "rows") -> list[int] | None:
    """Validate feature indices into a flattened feature axis of length n."""
    if rows is None:
        return None
    if isinstance(rows, int):
        rows = [rows]
    if isinstance(rows, torch.Tensor):
        rows = rows.reshape(-1).tolist()
    rows = list(rows)
    if not rows:
        raise ValueError(f"{name}: expected at least one feature index")
    for r in rows:
        if isinstance(r, bool) or not isinstance(r, int):
            raise TypeError(f"{name}: expected integer feature indices, got {r!r}")
        if not -n <= r < n:
            raise ValueError(f"{name}: index {r} is out of range for {n} features")
    return [r % n for r in rows]


def as_feature_names(names: Sequence[str] | None, n: int) -> list[str] | None:
    if names is None:
        return None
    names = [str(s) for s in names]
    if len(names) != n:
        raise ValueError(f"feature_names: expected {n} names, got {len(names)}")
    return names


def as_positive_int(value, name: str, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name}: expected a positive integer, got {value!r}")
    return value


def check_result_size(shape: Sequence[int], itemsize: int, limit: int | None, hint: str) -> None:
    """Refuse a dense result that would exceed `limit` bytes, and say what to ask for instead."""
    limit = MAX_RESULT_BYTES if limit is None else limit
    nbytes = math.prod(shape) * itemsize
    if nbytes > limit:
        raise ValueError(
            f"the result of shape {tuple(shape)} would need {nbytes / 1024**3:.2f} GiB, above the limit of "
            f"{limit / 1024**3:.2f} GiB (max_bytes). {hint}"
        )


def warn_if_piecewise_linear(model) -> None:
    """Warn, pointing to smoothing, when a model's second derivatives vanish (ReLU-like)."""
    warnings.warn(
        "the model's Hessian is identically zero at every evaluated point: it is piecewise linear "
        "(ReLU-like), so interactions vanish almost everywhere. Explain a smoothed copy instead: "
        "tw.smooth_relu(model, beta=10.0).",
        RuntimeWarning,
        stacklevel=3,
    )
