"""Hook plumbing shared by Grad-CAM and Taylor-CAM: find a layer, record or replace its output,
and read its activation as a grid of cells.

One class (`LayerTap`) owns the only hook handle. Callers attach it inside `try` and detach it in
`finally`, so no hook outlives a call, whether it succeeds or raises; nothing relies on `__del__`.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass

import torch
from torch import nn

from .. import options as opt


def resolve_layer(model, layer) -> tuple[nn.Module, str]:
    """The submodule `layer` (a module or a dotted name from `model.named_modules()`) and its name."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model: CAM methods hook a layer, so they need a torch.nn.Module, got {type(model).__name__}")
    named = dict(model.named_modules())
    if isinstance(layer, str):
        if layer in named:
            return named[layer], layer
        names = [n for n in named if n]
        close = difflib.get_close_matches(layer, names, n=5, cutoff=0.4)
        hint = f"close matches: {close}" if close else f"available: {names[:12]}{' …' if len(names) > 12 else ''}"
        raise ValueError(f"layer: {type(model).__name__} has no submodule named {layer!r}; {hint}")
    if isinstance(layer, nn.Module):
        for name, m in named.items():
            if m is layer:
                return m, name or "<model>"
        raise ValueError(f"layer: the {type(layer).__name__} passed is not a submodule of the model")
    raise TypeError(f"layer: expected an nn.Module or a dotted submodule name, got {type(layer).__name__}")


class LayerTap:
    """Owns one forward hook on `module`: it records the layer's output as a fresh leaf, or
    replaces it with a given tensor (so the rest of the network becomes a function of it)."""

    def __init__(self, module: nn.Module, name: str):
        self.module, self.name = module, name
        self.handle = None
        self.output: torch.Tensor | None = None
        self.replacement: torch.Tensor | None = None
        self.calls = 0

    def attach(self) -> None:
        if self.handle is None:
            self.handle = self.module.register_forward_hook(self._hook)

    def detach(self) -> None:
        if self.handle is not None:
            self.handle.remove()
            self.handle = None
        self.output = self.replacement = None

    def _hook(self, module, inputs, output):
        self.calls += 1
        if not isinstance(output, torch.Tensor):
            raise TypeError(f"layer: {self.name!r} returns {type(output).__name__}; CAM needs a layer that returns a tensor")
        if self.replacement is not None:
            if tuple(self.replacement.shape) != tuple(output.shape):
                raise ValueError(f"layer: replacement shape {tuple(self.replacement.shape)} != output {tuple(output.shape)}")
            # clone: a later in-place op (ReLU(inplace=True)) must not write into the function input
            return self.replacement.clone()
        # a detached leaf: gradients stop here (nothing upstream is needed) and frozen models work
        leaf = output.detach().requires_grad_(torch.is_grad_enabled())
        self.output = leaf
        return leaf.clone()

    def run(self, model, x: torch.Tensor) -> torch.Tensor:
        """model(x) with the hook live; the layer must run exactly once."""
        self.calls = 0
        out = model(x)
        if self.calls != 1:
            raise ValueError(f"layer: {self.name!r} ran {self.calls} times in one forward pass; pick a layer that runs once")
        return out

    def run_replaced(self, model, x: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
        """model(x) with the layer's output replaced by `a` (torch.func may transform through this)."""
        self.replacement = a
        try:
            return self.run(model, x)
        finally:
            self.replacement = None


@dataclass(frozen=True)
class Grid:
    """How one example's activation maps to N = h·w cells of K channels.

    layout "channels": activation (K, h, w); layout "tokens": (T, K) with `skip` leading tokens
    (a CLS token) that are not cells.
    """

    layout: str
    h: int
    w: int
    channels: int
    skip: int
    shape: tuple[int, ...]  # one example's activation shape

    @property
    def n(self) -> int:
        return self.h * self.w

    def cells(self, a: torch.Tensor) -> torch.Tensor:
        """(…, *shape) → (…, N, K)."""
        if self.layout == "channels":
            lead = a.shape[: a.dim() - 3]
            return a.reshape(*lead, self.channels, self.n).transpose(-1, -2)
        return a[..., self.skip :, :]

    def indicators(self, cells: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
        """(c,) cell indices → (c, *shape): 1 on every channel of that cell, 0 elsewhere."""
        onehot = (torch.arange(self.n, device=cells.device)[None] == cells[:, None]).to(dtype)  # (c, N)
        c, K = cells.shape[0], self.channels
        if self.layout == "channels":
            return onehot[:, None, :].expand(c, K, self.n).reshape(c, *self.shape)
        out = torch.zeros(c, *self.shape, device=cells.device, dtype=dtype)
        out[:, self.skip :, :] = onehot[:, :, None].expand(c, self.n, K)
        return out


def make_grid(act: torch.Tensor, name: str, grid=None, cls_token: bool = False) -> Grid:
    """Read a batched activation (B, K, h, w) or tokens (B, T, K) with `grid=(h, w)` as cells."""
    shape = tuple(act.shape[1:])
    if act.dim() == 4:
        if grid is not None and tuple(grid) != shape[1:]:
            raise ValueError(f"grid: {tuple(grid)} does not match the spatial size {shape[1:]} of layer {name!r}")
        if cls_token:
            raise ValueError("cls_token: only meaningful for token activations (B, T, K)")
        return Grid("channels", shape[1], shape[2], shape[0], 0, shape)
    if act.dim() == 3:
        if grid is None:
            raise ValueError(
                f"layer: {name!r} outputs tokens of shape {tuple(act.shape)} (B, T, K); pass grid=(h, w) "
                "to lay them out (and cls_token=True to drop a leading CLS token)"
            )
        if not hasattr(grid, "__len__") or len(grid) != 2 or not all(opt.is_int(g) and g > 0 for g in grid):
            raise ValueError(f"grid: expected (h, w) positive integers, got {grid!r}")
        h, w = (int(g) for g in grid)
        skip = int(bool(cls_token))
        if shape[0] - skip != h * w:
            raise ValueError(
                f"grid: {h}×{w} = {h * w} cells, but layer {name!r} has {shape[0]} tokens"
                f"{' minus 1 CLS' if skip else ''} = {shape[0] - skip}"
            )
        return Grid("tokens", h, w, shape[1], skip, shape)
    raise ValueError(
        f"layer: {name!r} outputs shape {tuple(act.shape)}, which is not spatial; pick a convolutional layer "
        "with output (B, K, h, w), or a token layer (B, T, K) with grid=(h, w)"
    )
