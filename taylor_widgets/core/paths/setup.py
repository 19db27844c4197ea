"""Shared set-up for the four path methods: normalise once, build points, package the result."""
from __future__ import annotations

from dataclasses import dataclass

import torch

from .. import derivatives as dv
from .. import draws
from .. import inputs as inp
from .. import options as opt
from .engine import Points
from ..derivatives import batched_outputs
from .results import PathResult


@dataclass
class Setup:
    model: object  # the model as called (tensor out)
    x: torch.Tensor  # (B, D) flat
    feature_shape: tuple[int, ...]
    target: inp.Target
    f: object  # example function f(z, sel)
    sel: torch.Tensor  # (B, ·) target rows
    output: torch.Tensor  # (B,)
    groups: torch.Tensor | None  # (G, D) 0/1 masks when a feature axis is summed
    result_shape: tuple[int, ...]  # per-example shape of attributions
    feature_names: list[str] | None
    prepared: inp.Prepared

    @property
    def n_out(self) -> int:
        return dv.numel(self.result_shape)

    def baseline(self, baseline) -> torch.Tensor:
        """The user's baseline as flat rows (B, D)."""
        return self.prepared.baseline(baseline).reshape(self.x.shape)

    def outputs(self, z: torch.Tensor, sel: torch.Tensor) -> torch.Tensor:
        """f at flat points z (N, D) whose rows of `sel` are sel (N, ·) → (N,), without a graph."""
        if self.prepared.bound is not None:
            return self.prepared.bound.outputs(self.target, z, sel, self.feature_shape)
        return batched_outputs(self.model, self.target, z, sel, self.feature_shape)


def prepare(model, x, target, feature_names, embedding_axis, *, name="x", embedding=None, forward_kwargs=None) -> Setup:
    """The checked call of a path method. With `embedding`, x is token ids (B, T): the maths sees
    the embedding (B, T, E) and the embedding axis is summed (per-token results)."""
    p = inp.prepare(model, x, target, name=name, embedding=embedding, forward_kwargs=forward_kwargs)
    feature_shape = p.feature_shape
    B, D = p.x.shape[0], dv.numel(feature_shape)
    if embedding is not None:
        if embedding_axis is not None and opt.integer(embedding_axis, "embedding_axis") not in (-1, 1):
            raise ValueError(f"embedding_axis: with token ids the results are per token (the embedding axis -1 of "
                             f"(B, T, E) is summed); got {embedding_axis}. Leave embedding_axis unset")
        embedding_axis = -1
    groups, result_shape = _groups(feature_shape, embedding_axis, p.x.device, p.x.dtype)
    names = p.feature_names(feature_names, dv.numel(result_shape))
    rows = p.target.rows(dtype=p.x.dtype, device=p.x.device)
    if p.bound is None:
        f, sel = dv.example_function(p.model, p.target, feature_shape), rows
    else:
        f, sel = p.bound.example_function(p.target, feature_shape), p.bound.selectors(rows)
    return Setup(p.model, p.x.reshape(B, D), feature_shape, p.target, f, sel, p.output, groups, result_shape, names, p)


def _groups(feature_shape, axis, device, dtype):
    """Masks that sum over `axis` of the feature shape (e.g. the embedding axis of (T, E))."""
    if axis is None:
        return None, feature_shape
    axis = opt.integer(axis, "embedding_axis")
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
    Each input draws from its own generator (draws.py): its draws depend on the seed and the
    input only, never on its position in the batch.
    """
    data = s.prepared.data(data).reshape(-1, s.x.shape[1])
    K = opt.positive_int(samples, "samples", maximum=MAX_SAMPLES)
    B, N = s.x.shape[0], data.shape[0]
    idx, gamma = [], []
    for gen in draws.generators(s.prepared.x, seed):
        idx.append(torch.randint(0, N, (K,), generator=gen))
        alpha = torch.rand(K, generator=gen, dtype=torch.float64)
        gamma.append(alpha * torch.rand(K, generator=gen, dtype=torch.float64) if draw_gamma else alpha)
    idx = torch.cat(idx)
    gamma = torch.cat(gamma).to(device=s.x.device, dtype=s.x.dtype)
    w = torch.full((B * K,), 1.0 / K, device=s.x.device, dtype=s.x.dtype)
    owner = torch.arange(B, device=s.x.device).repeat_interleave(K)
    return Points(owner, data[idx.to(data.device)], gamma, w, w * gamma)


def baseline_outputs(s: Setup, pts: Points) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean over each example's points of f(x'), and the mean baseline: (B,), (B, D)."""
    B = s.x.shape[0]
    fb = s.outputs(pts.baseline, s.sel[pts.owner])
    counts = torch.zeros(B, device=s.x.device, dtype=s.x.dtype).index_add_(0, pts.owner, torch.ones_like(fb))
    mean_f = torch.zeros(B, device=s.x.device, dtype=s.x.dtype).index_add_(0, pts.owner, fb) / counts
    mean_b = torch.zeros_like(s.x).index_add_(0, pts.owner, pts.baseline) / counts[:, None]
    return mean_f, mean_b


#: Upper bounds on `steps`, per (method family, rule). Gauss–Legendre nodes come from a dense
#: eigenproblem (4096 nodes take ~40 s to build); the log-weight rule is built on a 1440-point
#: discretisation, so more than 1024 nodes would not be a valid rule; the uniform IH rule has
#: n² points. Beyond these a call would hang or exhaust memory rather than gain accuracy.
MAX_STEPS = {("ig", "gauss"): 4096, ("ig", "uniform"): 100_000, ("ih", "gauss"): 1024, ("ih", "uniform"): 1024}
#: Upper bound on `samples` (draws per input) of the expected methods.
MAX_SAMPLES = 100_000


def check_tol(tol) -> float:
    """The relative completeness tolerance of the adaptive rule: a positive finite number."""
    return opt.positive_real(tol, "tol")


def check_steps(steps, rule, family: str, name: str = "steps") -> int | None:
    """Validate `steps` (None: adaptive default) and `rule` for IG ("ig") or IH ("ih") before any work."""
    rule = opt.choice(rule, "rule", ("gauss", "uniform"))
    return opt.optional_positive_int(
        steps, name, maximum=MAX_STEPS[family, rule],
        hint="more nodes do not help: the default adapts until the completeness error is below tol",
    )


def fixed_baseline_outputs(s: Setup, xb: torch.Tensor) -> torch.Tensor:
    """f(x') for one baseline per example (B, D) → (B,)."""
    return s.outputs(xb, s.sel)


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
