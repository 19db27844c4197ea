"""What is explained: the one `Target` type every method family selects its scalar with.

A target turns a model output (N, ...) into one scalar per row (N,):
- kind "output": the model is scalar, its output is (N,) or (N, 1);
- kind "class": a class index per example, selected by a one-hot product (pure, so it works
  inside `vmap`, and the one-hot rows can be passed per example as a vmapped argument);
- kind "callable": the user's function of the whole output, checked to return (N,).
"""
from __future__ import annotations

import math
import numbers
from typing import Callable

import numpy as np
import torch


class Target:
    """One scalar per example, selected from the model's output.

    index: (B,) class indices (kind "class"), else None. fn: the user's callable (kind
    "callable"), else None. n_classes: C of a (B, C) output, for kind "class". batch: B.
    """

    def __init__(self, index: torch.Tensor | None = None, fn: Callable | None = None, n_classes: int | None = None,
                 description: str | None = None, batch: int | None = None):
        if index is not None and fn is not None:
            raise ValueError("target: give class indices or a callable, not both")
        self.index, self.fn = index, fn
        self.batch = index.shape[0] if index is not None else batch
        self.kind = "class" if index is not None else "callable" if fn is not None else "output"
        self.n_classes = n_classes
        self.description = description or self._describe()

    def _describe(self) -> str:
        if self.kind == "class":
            idx = self.index.tolist()
            return f"class {idx if len(idx) > 1 else idx[0]}"
        return getattr(self.fn, "__name__", "callable") if self.kind == "callable" else "output"

    # --- selection --------------------------------------------------------------------------

    def rows(self, owner: torch.Tensor | None = None, *, dtype=torch.float64, device=None) -> torch.Tensor:
        """Per-row selectors to pass into `pick` (N, C) one-hot, or a dummy (N, 1) column.

        owner: which example each row belongs to (default: every example once).
        """
        if self.kind != "class":
            n = owner.shape[0] if owner is not None else self.batch
            return torch.zeros(n, 1, dtype=dtype, device=device)
        idx = self.index if owner is None else self.index[owner.to(self.index.device)]
        C = self.n_classes if self.n_classes is not None else int(idx.max()) + 1
        return torch.nn.functional.one_hot(idx, C).to(dtype=dtype, device=device if device is not None else idx.device)

    def pick(self, out: torch.Tensor, sel: torch.Tensor | None = None) -> torch.Tensor:
        """The explained scalar per row of `out` (N, ...) → (N,); `sel` from `rows` (default: own rows)."""
        if self.kind == "class":
            if sel is None:
                sel = torch.nn.functional.one_hot(self.index.to(out.device), out.shape[-1]).to(out.dtype)
            return (out * sel).sum(-1)
        if self.kind == "callable":
            y = self.fn(out)
            if not isinstance(y, torch.Tensor) or y.shape != (out.shape[0],):
                raise ValueError(
                    f"target: the callable must return a ({out.shape[0]},) tensor, got "
                    f"{tuple(y.shape) if isinstance(y, torch.Tensor) else type(y).__name__}"
                )
            return y
        return out.reshape(out.shape[0])

    __call__ = pick

    def take(self, owner: torch.Tensor) -> "Target":
        """The same target for rows that belong to examples `owner` (N,) (masked or interpolated copies)."""
        if self.kind != "class":
            return Target(fn=self.fn, description=self.description, batch=owner.shape[0])
        return Target(self.index[owner.to(self.index.device)], n_classes=self.n_classes, description=self.description)

    def onehot(self, like: torch.Tensor) -> torch.Tensor | None:
        """(B, C) one-hot weights in `like`'s dtype and device, or None for a scalar model."""
        return None if self.kind != "class" else self.rows(dtype=like.dtype, device=like.device)

    def __repr__(self) -> str:
        return f"Target({self.description})"

    # --- construction -----------------------------------------------------------------------

    @classmethod
    def of(cls, target, out: torch.Tensor) -> "Target":
        """Normalise a user `target` against one model output `out` (B, ...).

        target: None for scalar-output models ((B,) or (B, 1)); an int class index; a (B,) tensor,
        numpy array or sequence of indices; or a callable mapping the output (B, ...) to (B,).
        """
        B = out.shape[0]
        if callable(target) and not isinstance(target, (torch.Tensor, np.ndarray)):
            t = cls(fn=target, batch=B)
            try:
                t.pick(out)  # checked once here, with the real output
            except (RuntimeError, IndexError, TypeError, KeyError, AttributeError) as e:
                raise ValueError(f"target: the callable failed on the model output of shape {tuple(out.shape)}: {e}") from e
            return t
        n_out = math.prod(out.shape[1:])
        if target is None:
            if n_out != 1:
                raise ValueError(
                    f"target: the model has {n_out} outputs per example (output shape {tuple(out.shape)}); "
                    "pass target=<class index>, a (B,) tensor of indices, or a callable"
                )
            return cls(batch=B)
        if out.dim() != 2:
            raise ValueError(f"target: class indices need a (B, C) output, got shape {tuple(out.shape)}; pass a callable")
        C = out.shape[1]
        idx = _indices(target, B, C, out.device)
        return cls(idx, n_classes=C)


def _indices(target, B: int, C: int, device) -> torch.Tensor:
    """(B,) long class indices in [0, C) from an int, a tensor, a numpy array or a sequence."""
    if isinstance(target, (bool, np.bool_)) or isinstance(target, (str, bytes)):
        raise TypeError(f"target: expected None, an int, a (B,) integer tensor or a callable, got {type(target).__name__}")
    if isinstance(target, numbers.Integral):
        if not 0 <= int(target) < C:
            raise ValueError(f"target: indices must lie in [0, {C}), got {int(target)}")
        return torch.full((B,), int(target), dtype=torch.long, device=device)
    if isinstance(target, np.ndarray) or (isinstance(target, (list, tuple)) and target):
        arr = np.asarray(target)
        if arr.dtype.kind not in "iu":
            raise TypeError(f"target: expected integer class indices, got dtype {arr.dtype}")
        if arr.size and (arr.min() < 0 or arr.max() >= C):
            raise ValueError(f"target: indices must lie in [0, {C}), got {arr.reshape(-1).tolist()[:10]}")
        target = torch.from_numpy(arr.astype(np.int64))
    if not isinstance(target, torch.Tensor):
        raise TypeError(f"target: expected None, an int, a (B,) integer tensor or a callable, got {type(target).__name__}")
    if target.is_floating_point() or target.is_complex() or target.dtype == torch.bool or target.dim() > 1:
        raise TypeError(f"target: expected a (B,) integer tensor, got dtype {target.dtype} shape {tuple(target.shape)}")
    idx = target.to(device=device, dtype=torch.long).reshape(-1)
    if idx.numel() == 1:
        idx = idx.expand(B).clone()
    if idx.numel() != B:
        raise ValueError(f"target: expected {B} indices (one per input), got {idx.numel()}")
    if (idx < 0).any() or (idx >= C).any():
        raise ValueError(f"target: indices must lie in [0, {C}), got {idx.tolist()}")
    return idx
