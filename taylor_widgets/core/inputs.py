"""The one boundary: every public core function normalises its model, input and target here.

`prepare(model, x, target)` checks the model (models.py), converts `x` (tensor, numpy or pandas,
arrays.py) to a batched floating tensor on the model's device and dtype, runs the model once,
reads its output as a tensor and turns `target` into a `Target` (targets.py). The result,
`Prepared`, converts the baseline and the background data the same way. The maths underneath
only ever sees one form. Scalar options are checked by options.py.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

import torch

from . import options as opt
from . import tokens
from .arrays import to_tensor
from .models import check_model, device_dtype, read_output, tensor_model, warn_if_piecewise_linear
from .targets import Target

__all__ = [
    "MAX_RESULT_BYTES", "Prepared", "Target", "as_baseline", "as_data", "as_feature_names", "as_input", "as_rows",
    "check_model", "check_result_size", "device_dtype", "model_device_dtype", "prepare", "warn_if_piecewise_linear",
]

#: Default limit on the bytes of a dense interaction result before we refuse and point to rows.
MAX_RESULT_BYTES = 2 * 1024**3

#: The former name of `device_dtype`, kept for callers written before the boundary moved to models.py.
model_device_dtype = device_dtype


@dataclass
class Prepared:
    """A checked call: the model as called (tensor out), the input, its target and f(x)."""

    model: Callable  # returns a tensor (the user's model, or a reader around it)
    user_model: object  # what the user passed: layers are looked up on it
    x: torch.Tensor  # (B, *S) on the model's device and dtype
    target: Target
    output: torch.Tensor  # (B,) the explained scalar f(x)
    raw_output: torch.Tensor  # (B, ...) the model's output at x
    columns: list | None  # the labels of a pandas x, else None
    bound: tokens.BoundModel | None = None  # with token ids or forward_kwargs: the model as (z, index) → output
    ids: torch.Tensor | None = None  # (B, T) token ids when x was given as ids (x is then their embedding)

    @property
    def feature_shape(self) -> tuple[int, ...]:
        return tuple(self.x.shape[1:])

    def baseline(self, baseline) -> torch.Tensor:
        """The baseline broadcast to x (B, *S): None → zeros, a finite number, (*S) shared or (B, *S).

        With token ids also an int token id (at every position) or ids (T,)/(B, T), as embeddings.
        """
        if self.bound is not None:
            embedded = tokens.token_baseline(self.bound, baseline, self.x)
            if embedded is not None:
                return embedded
        return as_baseline(baseline, self.x, self.columns)

    def data(self, data, name: str = "data") -> torch.Tensor:
        """Background samples (N, *S) with x's features, on x's device and dtype (token ids (N, T) too)."""
        if self.bound is not None:
            embedded = tokens.token_data(self.bound, data, name)
            if embedded is not None:
                return as_data(embedded, self.x, name)
        return as_data(data, self.x, name, self.columns)

    def feature_names(self, names, n: int) -> list[str] | None:
        """Validated names for n features; without names, a pandas x's columns when there are n."""
        if names is not None or self.columns is None or len(self.columns) != n:
            return as_feature_names(names, n)
        return [str(c) for c in self.columns]


def prepare(model, x, target, *, name: str = "x", layout: tuple[int, str] | None = None,
            default_target: str = "output", embedding=None, forward_kwargs=None) -> Prepared:
    """Check the model, convert `x` (B, *S) (named `name` in errors), run the model once, normalise `target`.

    target: None for scalar-output models ((B,) or (B, 1)); an int class index; a (B,) tensor
    of indices; or a callable mapping the output (B, ...) to (B,). layout: (ndim, description)
    when the method needs inputs of one rank, e.g. (4, "images (B, C, H, W)").
    default_target: what target=None means on a (B, C) output: "output" (an error unless C = 1)
    or "predicted" (each example's argmax class, as the saliency methods explain).
    embedding: with integer token ids x (B, T), the module inside the model whose output is the
    (B, T, E) embedding; the maths then sees that output as x (tokens.py). forward_kwargs: keyword
    arguments of the model's forward; (B, ...) tensors among them are split per input.
    """
    check_model(model)
    device, dtype = device_dtype(model)
    bound = ids = None
    if embedding is None:
        x, columns = as_input(x, name, device, dtype, labelled=True)
    else:
        columns = None
    if layout is not None and embedding is None and x.dim() != layout[0]:
        raise ValueError(f"{name}: expected {layout[1]}, got shape {tuple(x.shape)}")
    if embedding is not None or forward_kwargs is not None:
        bound, x, raw, ids = tokens.bind(model, x, embedding, forward_kwargs, name, device)
        _check_finite(x, name)
        called = bound
    else:
        try:
            with torch.no_grad():
                raw = model(x)
        except (RuntimeError, ValueError, IndexError, TypeError) as e:  # shape errors inside the model
            raise ValueError(f"{name}: the model failed on an input of shape {tuple(x.shape)} (batch first): {e}") from e
        called = tensor_model(model, raw)
    out = read_output(raw)
    B = x.shape[0]
    if out.dim() == 0 or out.shape[0] != B:
        raise ValueError(
            f"model: output shape {tuple(out.shape)} has no batch dimension of size {B}; "
            "the model must map (B, ...) inputs to (B,), (B, 1) or (B, C) outputs"
        )
    if not out.is_floating_point():
        raise TypeError(f"model: returned dtype {out.dtype}; explanations need a real floating output (scores or logits)")
    if target is None and default_target == "predicted" and out.dim() == 2 and out.shape[1] > 1:
        target = out.argmax(-1)
    tgt = Target.of(target, out)
    return Prepared(called, model, x, tgt, tgt.pick(out).detach(), out.detach(), columns, bound, ids)


def as_input(x, name: str, device, dtype, *, min_dim: int = 2, labelled: bool = False):
    """A checked floating tensor (B, *S) on device/dtype; with `labelled`, also its pandas labels.

    Refused: anything but a tensor, numpy array or pandas object; complex, integer (token ids)
    and non-numeric values; a missing batch dimension; an empty batch or feature axis; NaN/Inf.
    """
    t, labels = to_tensor(x, name, device, dtype)
    if t.dim() < min_dim:
        if t.dim() == 1 and min_dim == 2:
            raise ValueError(
                f"{name}: expected a batch (B, ...) with the batch first, got shape {tuple(t.shape)}; for one "
                f"input add a batch dimension: {name}[None] or {name}.unsqueeze(0) (pandas: df.iloc[[i]])"
            )
        raise ValueError(f"{name}: expected at least {min_dim} dimension(s) (batch first), got shape {tuple(t.shape)}")
    if t.numel() == 0:
        raise ValueError(f"{name}: is empty (shape {tuple(t.shape)}); expected at least one input with at least one feature")
    _check_finite(t, name)
    return (t, labels) if labelled else t


def _check_finite(t: torch.Tensor, name: str) -> None:
    if not torch.isfinite(t).all():
        bad = (~torch.isfinite(t)).sum().item()
        raise ValueError(f"{name}: contains {bad} NaN or Inf value(s); explanations of non-finite inputs are meaningless")


def as_baseline(baseline, x: torch.Tensor, columns: list | None = None) -> torch.Tensor:
    """Broadcast a baseline to the batch `x` (B, *S): None means zeros; a finite number fills; (*S) or
    (1, *S) is shared; (B, *S) is per input. Tensors, numpy and pandas (matched to x's columns) are accepted."""
    if baseline is None:
        return torch.zeros_like(x)
    if opt.is_real(baseline):
        return torch.full_like(x, opt.real(baseline, "baseline"))
    b, _ = to_tensor(baseline, "baseline", x.device, x.dtype, align_to=columns)
    _check_finite(b, "baseline")
    try:
        return torch.broadcast_to(b, x.shape).clone()
    except RuntimeError:
        raise ValueError(
            f"baseline: shape {tuple(b.shape)} does not broadcast to the input shape {tuple(x.shape)}; "
            f"pass one baseline of shape {tuple(x.shape[1:])} or one per input of shape {tuple(x.shape)}"
        ) from None


def as_data(data, x: torch.Tensor, name: str = "data", columns: list | None = None) -> torch.Tensor:
    """Background data for expected methods: (N, *S) with the input's feature shape."""
    d, _ = to_tensor(data, name, x.device, x.dtype, align_to=columns)
    if d.dim() < 1 or tuple(d.shape[1:]) != tuple(x.shape[1:]):
        raise ValueError(
            f"{name}: expected shape (N, {', '.join(map(str, x.shape[1:]))}) to match the input's features, "
            f"got {tuple(d.shape)}"
        )
    if d.shape[0] == 0:
        raise ValueError(f"{name}: is empty; expected at least one background sample")
    _check_finite(d, name)
    return d


def as_feature_names(names: Sequence[str] | None, n: int, name: str = "feature_names") -> list[str] | None:
    """n strings, or None. A bare string, a non-sequence or a non-string entry is refused, not converted."""
    if names is None:
        return None
    if isinstance(names, (str, bytes)):
        raise TypeError(f"{name}: expected a sequence of {n} strings, got the single string {names!r}; "
                        "pass a list such as ['age', 'bmi', ...]")
    if isinstance(names, torch.Tensor) or not hasattr(names, "__iter__"):
        raise TypeError(f"{name}: expected a sequence of {n} strings, got {type(names).__name__}")
    names = list(names)
    for i, s in enumerate(names):
        if not isinstance(s, str):
            raise TypeError(f"{name}: entry {i} is {s!r} ({type(s).__name__}); expected strings")
    if len(names) != n:
        raise ValueError(f"{name}: expected {n} names, got {len(names)}")
    return [str(s) for s in names]


def as_rows(rows, n: int, name: str = "rows") -> list[int] | None:
    """Validate feature indices into a flattened feature axis of length n (ints, numpy ints, tensors)."""
    if rows is None:
        return None
    if opt.is_int(rows):
        rows = [rows]
    elif isinstance(rows, torch.Tensor):
        if rows.is_floating_point() or rows.is_complex():
            raise TypeError(f"{name}: expected integer feature indices, got dtype {rows.dtype}")
        rows = rows.reshape(-1).tolist()
    elif isinstance(rows, (str, bytes)) or not hasattr(rows, "__iter__"):
        raise TypeError(f"{name}: expected a feature index or a list of them, got {rows!r}")
    rows = list(rows)
    if not rows:
        raise ValueError(f"{name}: expected at least one feature index")
    for r in rows:
        if not opt.is_int(r):
            raise TypeError(f"{name}: expected integer feature indices, got {r!r}")
        if not -n <= r < n:
            raise ValueError(f"{name}: index {r} is out of range for {n} features")
    return [int(r) % n for r in rows]


def check_result_size(shape: Sequence[int], itemsize: int, limit: int | None, hint: str) -> None:
    """Refuse a dense result that would exceed `limit` bytes (max_bytes), and say what to ask for instead."""
    limit = MAX_RESULT_BYTES if limit is None else opt.byte_limit(limit)
    nbytes = math.prod(shape) * itemsize
    if nbytes > limit:
        raise ValueError(
            f"max_bytes: the result of shape {tuple(shape)} would need {nbytes / 1024**3:.2f} GiB, above the limit of "
            f"{limit / 1024**3:.2f} GiB. {hint}"
        )
