"""Integrated Gradients and Expected Gradients.

Sundararajan et al. 2017 (https://arxiv.org/abs/1703.01365); Erion et al. 2021 / Janizek et al.,
JMLR 2021 (https://jmlr.org/papers/v22/20-1223.html) for the expected (data-baseline) version.
"""
from __future__ import annotations

import torch

from .. import draws
from .. import options as opt
from .. import quadrature as quad
from .engine import deterministic_points, gradient_term
from .setup import (
    adaptive_schedule, baseline_outputs, check_steps, check_tol, expected_points, fixed_baseline_outputs, group_cols,
    make_result, prepare, still_failing, warn_unconverged,
)


def integrated_gradients(
    model, x, baseline=None, target=None, steps=None, *, rule="gauss", tol=1e-5, feature_names=None,
    embedding_axis=None, chunk_size=None,
):
    """Integrated Gradients φ_i = Δ_i ∫₀¹ ∂_i f(x' + αΔ) dα.

    x: (B, *S). baseline: None (zeros), (*S) shared or (B, *S) per input. target: None for
    scalar models, an int, a (B,) tensor or a callable output → (B,). steps: Gauss–Legendre
    nodes; by default 32, then 64, then 128 for the inputs whose completeness error still
    exceeds `tol` relative to |f(x) − f(x')|. rule="uniform" gives path_explain's equally
    spaced grid. embedding_axis: sum that axis of S (e.g. -1 for (B, T, E) embeddings) to get
    (B, T). chunk_size: points per vmapped chunk (default: about 256 MiB of tangents).
    Returns a PathResult with values (B, *S).
    """
    steps, tol = check_steps(steps, rule, "ig"), check_tol(tol)
    chunk_size = opt.optional_positive_int(chunk_size, "chunk_size")
    s = prepare(model, x, target, feature_names, embedding_axis)
    xb = s.baseline(baseline)
    fb = fixed_baseline_outputs(s, xb)
    phi = None
    todo = torch.arange(s.x.shape[0], device=s.x.device)
    schedule = adaptive_schedule(steps, rule, quad.DEFAULT_IG_STEPS)
    for n in schedule:
        r = quad.ig_rule(n, rule)
        g, wg, _ = r.tensors(s.x.device, s.x.dtype)
        pts = deterministic_points(xb[todo], g, wg, torch.zeros_like(wg))
        part = gradient_term(s.f, s.x[todo], s.sel[todo], pts, chunk_size)
        phi = part if phi is None else phi.index_copy(0, todo, part)
        todo = still_failing(group_cols(s, part).sum(-1), s.output - fb, tol, todo)
        if todo.numel() == 0:
            break
    warn_unconverged(todo, schedule, steps, "integrated_gradients", tol)
    return _finish(s, phi, "integrated_gradients", xb, fb, r.name)


def expected_gradients(
    model, x, data, target=None, samples=200, seed=None, *, feature_names=None, embedding_axis=None,
    chunk_size=None,
):
    """Expected Gradients: IG averaged over baselines drawn from `data` (N, *S), α ~ U(0, 1).

    Completeness holds in expectation: Σφ ≈ f(x) − E f(x'); `completeness_error` is measured
    against the mean f over the baselines actually drawn. samples: draws per input. seed: an int
    (each input's draws then depend on the seed and that input only, not on the batch), one int
    per input, or None for fresh draws (core/draws.py).
    """
    chunk_size, seed = opt.optional_positive_int(chunk_size, "chunk_size"), draws.check_seed(seed)
    s = prepare(model, x, target, feature_names, embedding_axis)
    pts = expected_points(s, data, samples, seed, draw_gamma=False)
    phi = gradient_term(s.f, s.x, s.sel, pts, chunk_size)
    fb, xb = baseline_outputs(s, pts)
    return _finish(s, phi, "expected_gradients", xb, fb, f"monte-carlo-{samples}")


def _finish(s, phi, method, xb, fb, rule_name):
    values = group_cols(s, phi)
    B = s.x.shape[0]
    return make_result(s, values.reshape(B, *s.result_shape), method, xb, fb, values.sum(-1), rule_name)
