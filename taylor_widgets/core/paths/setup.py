"""Shared set-up for the four path methods: normalise once, build points, package the result."""
from __future__ import annotations

from dataclasses import dataclass

import torch

from .. import inputs as inp
from .. import derivatives as dv
from .engine import Points
from ..derivatives import batched_outputs
from .results import PathResult


@dataclass
class Setup:
    model: object
    x: torch.Tensor  # (B, D) flat
    feature_shape: tuple[int, ...]
    target: inp.Target
    f: object  # example function f(z, sel)
    sel: torch.Tensor  # (B, ·) target rows
    output: torch.Tensor  # (B,)
    groups: torch.Tensor | None  # (G, D) 0/1 masks when a feature axis is summed
    result_shape: tuple[int, ...]  # per-example shape of attributions
    feature_names: list[str] | None

    @property
    def n_out(self) -> int:
        return dv.numel(self.result_shape)


def prepare(model, x, target, feature_names, embedding_axis) -> Setup:
    inp.check_model(model)
    device, dtype = inp.model_device_dtype(model)
    x = inp.as_input(x, "x", device, dtype)
    target_n, output = inp.as_target(model, x, target)
    feature_shape = tuple(x.shape[1:])
    B, D = x.shape[0], dv.numel(feature_shape)
    groups, result_shape = _groups(feature_shape, embedding_axis, device, dtype)
    names = inp.as_feature_names(feature_names, dv.numel(result_shape))
    f = dv.example_function(model, target_n.fn, feature_shape)
    sel = dv.selector_rows(target_n.fn, B, device, dtype)
    return Setup(model, x.reshape(B, D), feature_shape, target_n, f, sel, output, groups, result_shape, names)


def _groups(feature_shape, axis, device, dtype):
    """Masks that sum over `axis` of the feature shape (e.g. the embedding axis of (T, E))."""
    if axis is None:
        return None, feature_shape
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise TypeError(f"embedding_axis: expected an int axis of the feature shape, got {axis!r}")
    if len(feature_shape) < 2:
        raise ValueError(
            f"embedding_axis: needs inputs of shape (B, T, E) or more, got feature shape {feature_shape}"
        )
    n = len(feature_shape)
    if not -n <= axis < n:
        raise ValueError(f"embedding_axis: {axis} is out of range for feature shape {feature_shape}")
    axis %= n
    kept = tuple(s for i, s in enumerate(feature_shape) if i != axis)
    ids = torch.arange(dv.numel(kept), device=device)
    group_of = ids.reshape(kept).unsqueeze(axis).expand(feature_shape).reshape(-1)
    masks = torch.nn.functional.one_hot(group_of, dv.numel(kept)).T.to(dtype)
    return masks, kept


def expected_points(s: Setup, data, samples, seed, draw_gamma) -> Points:
    """K draws per example, each with one baseline row and one interpolation constant.

    For EH, γ = αβ with α, β ~ U(0, 1) independently, and the SAME baseline serves both
    integrals (path_explain's torch code draws a fresh inner baseline: a different estimand).
    """
    data = inp.as_data(data, s.x.reshape(-1, *s.feature_shape)).reshape(-1, s.x.shape[1])
    K = inp.as_positive_int(samples, "samples", 0)
    B = s.x.shape[0]
    gen = torch.Generator(device="cpu")
    gen.manual_seed(int(seed) if seed is not None else int(torch.randint(0, 2**31 - 1, ()).item()))
    idx = torch.randint(0, data.shape[0], (B * K,), generator=gen)
    alpha = torch.rand(B * K, generator=gen, dtype=torch.float64)
    gamma = alpha * torch.rand(B * K, generator=gen, dtype=torch.float64) if draw_gamma else alpha
    gamma = gamma.to(device=s.x.device, dtype=s.x.dtype)
    w = torch.full((B * K,), 1.0 / K, device=s.x.device, dtype=s.x.dtype)
    owner = torch.arange(B, device=s.x.device).repeat_interleave(K)
    return Points(owner, data[idx.to(data.device)], gamma, w, w * gamma)


def baseline_outputs(s: Setup, pts: Points) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean over each example's points of f(x'), and the mean baseline: (B,), (B, D)."""
    B = s.x.shape[0]
    fb = batched_outputs(s.model, s.target.fn, pts.baseline, s.sel[pts.owner], s.feature_shape)
    counts = torch.zeros(B, device=s.x.device, dtype=s.x.dtype).index_add_(0, pts.owner, torch.ones_like(fb))
    mean_f = torch.zeros(B, device=s.x.device, dtype=s.x.dtype).index_add_(0, pts.owner, fb) / counts
    mean_b = torch.zeros_like(s.x).index_add_(0, pts.owner, pts.baseline) / counts[:, None]
    return mean_f, mean_b


def fixed_baseline_outputs(s: Setup, xb: torch.Tensor) -> torch.Tensor:
    """f(x') for one baseline per example (B, D) → (B,)."""
    return batched_outputs(s.model, s.target.fn, xb, s.sel, s.feature_shape)


def group_cols(s: Setup, t: torch.Tensor) -> torch.Tensor:
    """Sum the last (fine feature) axis into groups when an embedding axis is summed."""
    return t if s.groups is None else t @ s.groups.T


def make_result(s: Setup, values, method, baseline_flat, baseline_out, total, rule, rows=None, attributions=None):
    B = s.x.shape[0]
    return PathResult(
        values=values,
        method=method,
        x=s.x.reshape(B, *s.feature_shape),
        baseline=baseline_flat.reshape(B, *s.feature_shape),
        target=s.target.index,
        output=s.output,
        baseline_output=baseline_out,
        completeness_error=total - (s.output - baseline_out),
        rule=rule,
        feature_names=s.feature_names,
        rows=rows,
        attributions=attributions,
        feature_shape=tuple(s.result_shape),
    )
