"""Integrated Hessians and Expected Hessians (Janizek, Sturmfels, Lee, JMLR 2021,
https://jmlr.org/papers/v22/20-1223.html).

    Γ_ij = Δ_i Δ_j ∫∫ αβ ∂_i∂_j f(x' + αβΔ) dα dβ  +  δ_ij Δ_i ∫∫ ∂_i f(x' + αβΔ) dα dβ

Both double integrals depend on γ = αβ only, so one Gauss rule for the weight −ln γ evaluates
the whole matrix at a handful of points (quadrature.py). Each point costs one gradient and one
Hessian-vector product per requested row, vectorised with torch.func.
"""
from __future__ import annotations

import torch

from .. import draws
from .. import inputs as inp
from .. import options as opt
from .. import quadrature as quad
from .engine import deterministic_points, hessian_terms
from .setup import (
    adaptive_schedule, baseline_outputs, check_steps, check_tol, expected_points, fixed_baseline_outputs, group_cols,
    make_result, prepare, still_failing, warn_unconverged,
)


def integrated_hessians(
    model, x, baseline=None, target=None, steps=None, rows=None, *, rule="gauss", tol=1e-5,
    feature_names=None, embedding_axis=None, chunk_size=None, max_bytes=None,
):
    """Integrated Hessians Γ: (B, *S, *S), or (B, len(rows), *S) for `rows`.

    x: (B, *S). baseline: None (zeros), (*S) or (B, *S). target: None | int | (B,) | callable.
    steps: nodes of the log-weight Gauss rule. By default the rule adapts per input: 16 nodes,
    then 32, then 64 for the inputs whose completeness error still exceeds `tol` relative to
    |f(x) − f(x')| (the error is known exactly, so the check is free). rule="uniform" gives
    path_explain's n×n grid (steps = n). rows: feature indices into the flattened features;
    they cost len(rows) + 1 HVPs per point (the extra one measures completeness), so one row
    of a d=1000 model costs about two gradients per point. embedding_axis: sum that axis (e.g.
    -1 of (B, T, E)) to get (B, T, T) at T HVPs per point. chunk_size: points per vmapped
    chunk (default: about 256 MiB of tangents; peak memory ≈ output + chunk_size × (rows+1)
    × (3D + activations) floats). max_bytes: refuse outputs larger than this (default 2 GiB).
    """
    steps, tol = check_steps(steps, rule, "ih"), check_tol(tol)
    chunk_size = opt.optional_positive_int(chunk_size, "chunk_size")
    s = prepare(model, x, target, feature_names, embedding_axis)
    xb = s.baseline(baseline)
    fb = fixed_baseline_outputs(s, xb)
    rows, directions = _directions(s, rows, max_bytes)
    gamma = diag = total = None
    todo = torch.arange(s.x.shape[0], device=s.x.device)
    schedule = adaptive_schedule(steps, rule, quad.DEFAULT_IH_STEPS)
    for n in schedule:
        r = quad.ih_rule(n, rule)
        g, wg, wh = r.tensors(s.x.device, s.x.dtype)
        pts = deterministic_points(xb[todo], g, wg, wh)
        out = _terms(s, pts, directions, rows, chunk_size, todo)
        gamma, diag, total = _merge((gamma, diag, total), out, todo)
        todo = still_failing(out[2], s.output - fb, tol, todo)
        if todo.numel() == 0:
            break
    warn_unconverged(todo, schedule, steps, "integrated_hessians", tol)
    rule_name = quad.ih_rule(n, rule).name
    return _result(s, gamma, diag, total, rows, "integrated_hessians", rule_name, xb, fb)


def expected_hessians(
    model, x, data, target=None, samples=200, seed=None, rows=None, *, feature_names=None,
    embedding_axis=None, chunk_size=None, max_bytes=None,
):
    """Expected Hessians: Integrated Hessians averaged over baselines from `data` (N, *S).

    Each of the `samples` draws per input takes one baseline row and γ = αβ with α, β ~ U(0, 1),
    and uses that one baseline for both integrals. Completeness holds in expectation:
    ΣΓ ≈ f(x) − E f(x'); `completeness_error` is against the baselines actually drawn. seed: an
    int (each input's draws then depend on the seed and that input only), one int per input, or
    None (core/draws.py).
    """
    chunk_size, seed = opt.optional_positive_int(chunk_size, "chunk_size"), draws.check_seed(seed)
    s = prepare(model, x, target, feature_names, embedding_axis)
    pts = expected_points(s, data, samples, seed, draw_gamma=True)
    rows, directions = _directions(s, rows, max_bytes)
    gamma, diag, total = _terms(s, pts, directions, rows, chunk_size, None)
    fb, xb = baseline_outputs(s, pts)
    return _result(s, gamma, diag, total, rows, "expected_hessians", f"monte-carlo-{samples}", xb, fb)


def _directions(s, rows, max_bytes):
    """Direction masks (R, D): every feature (group), or the requested rows plus an all-ones mask."""
    B, n_out = s.x.shape[0], s.n_out
    rows = inp.as_rows(rows, n_out)
    n_rows = n_out if rows is None else len(rows)
    inp.check_result_size(
        (B, n_rows, n_out), s.x.element_size(), max_bytes,
        "Ask for a few rows (rows=[i, ...]) or sum a feature axis (embedding_axis=-1).",
    )
    masks = s.groups if s.groups is not None else torch.eye(s.x.shape[1], device=s.x.device, dtype=s.x.dtype)
    if rows is None:
        return None, masks
    return rows, torch.cat([masks[rows], torch.ones_like(masks[:1])])


def _terms(s, pts, directions, rows, chunk_size, subset):
    """Γ (b, R, n_out), its diagonal term (b, n_out) and ΣΓ (b,) for the examples in `subset`."""
    own = slice(None) if subset is None else subset
    A, G, peak = hessian_terms(s.f, s.x[own], s.sel[own], pts, directions, chunk_size)
    if peak == 0.0 and bool((G != 0).any()):
        inp.warn_if_piecewise_linear(s.prepared.user_model)
    gamma, diag = group_cols(s, A), group_cols(s, G)
    if rows is None:
        gamma = gamma + torch.diag_embed(diag)
        return gamma, diag, gamma.sum((1, 2))
    total = gamma[:, -1].sum(-1) + diag.sum(-1)
    gamma = gamma[:, :-1]
    idx = torch.arange(len(rows), device=s.x.device)
    gamma[:, idx, rows] += diag[:, rows]
    return gamma, diag, total


def _merge(acc, new, todo):
    if acc[0] is None:
        return new
    for a, b in zip(acc, new):
        a[todo] = b
    return acc


def _result(s, gamma, diag, total, rows, method, rule_name, xb, fb):
    B = s.x.shape[0]
    shape = s.result_shape
    values = gamma.reshape(B, *shape, *shape) if rows is None else gamma.reshape(B, len(rows), *shape)
    phi = gamma.sum(-1)
    attributions = phi.reshape(B, *shape) if rows is None else phi
    return make_result(s, values, method, xb, fb, total, rule_name, rows=rows, attributions=attributions)
