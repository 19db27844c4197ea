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
from . import adaptive
from .engine import Directions, hessian_terms, rule_points
from .setup import (
    baseline_outputs, check_steps, check_tol, expected_points, fixed_baseline_outputs, group_cols, make_result, prepare,
)


def integrated_hessians(
    model, x, baseline=None, target=None, steps=None, rows=None, *, rule="gauss", tol=adaptive.DEFAULT_TOL,
    feature_names=None, embedding_axis=None, chunk_size=None, max_bytes=None, embedding=None, forward_kwargs=None,
):
    """Integrated Hessians Γ: (B, *S, *S), or (B, len(rows), *S) for `rows`.

    x: (B, *S). baseline: None (zeros), (*S) or (B, *S). target: None | int | (B,) | callable.
    steps: None (default) adapts per input: the 16-node log-weight Gauss rule on [0, 1], and for
    inputs whose completeness error exceeds `tol` relative to |f(x) − f(x')| (the error is known
    exactly), panels in ln γ refined where the path's output changes (paths/adaptive.py); with
    more than 16 rows the panels are chosen first, on one HVP per node. steps=n fixes the
    n-node rule. rule="uniform" gives path_explain's n×n grid (steps = n). rows: feature indices
    into the flattened features; they cost len(rows) + 1 HVPs per point (the extra one measures
    completeness), so one row of a d=1000 model costs about two gradients per point.
    embedding_axis: sum that axis (e.g. -1 of (B, T, E)) to get (B, T, T) at T HVPs per point.
    chunk_size: points per vmapped chunk (default: about 256 MiB of working set). Peak memory is
    the output plus about that working set: rows are processed in blocks when one point's rows
    alone would exceed it. max_bytes: refuse outputs larger than this (default 2 GiB).
    embedding=, forward_kwargs=: explain from token ids x (B, T), giving (B, T, T) token
    interactions; baselines and keyword arguments as in `integrated_gradients`.
    """
    steps, tol = check_steps(steps, rule, "ih"), check_tol(tol)
    chunk_size = opt.optional_positive_int(chunk_size, "chunk_size")
    s = prepare(model, x, target, feature_names, embedding_axis, embedding=embedding, forward_kwargs=forward_kwargs)
    xb = s.baseline(baseline)
    fb = fixed_baseline_outputs(s, xb)
    rows, dirs = _directions(s, rows, max_bytes)
    B = s.x.shape[0]
    A = s.x.new_zeros(B, len(dirs), s.n_out)
    G = torch.zeros_like(s.x)
    peak = [0.0]

    def evaluate(examples, rules):
        A[examples], G[examples] = 0, 0
        peak[0] = max(peak[0], hessian_terms(s.f, s.x, s.sel, rule_points(xb, examples, rules), dirs, A, G, chunk_size))

    def totals():
        rows_part = A if rows is None else A[:, -1:]
        total = _sum64(rows_part) + G.sum(-1, dtype=torch.float64)
        return total, _sum64(rows_part, absolute=True) + G.abs().sum(-1, dtype=torch.float64)

    if steps is not None or rule != "gauss":
        r = quad.ih_rule(steps, rule)
        evaluate(torch.arange(B, device=s.x.device), [r] * B)
        rule_name = r.name
    else:
        rule_name = adaptive.integrate("ih", s, xb, fb, evaluate, totals, tol, "integrated_hessians",
                                       len(dirs) > adaptive.DESIGN_FIRST_ROWS, chunk_size)
    if peak[0] == 0.0 and bool((G != 0).any()):
        inp.warn_if_piecewise_linear(s.prepared.user_model)
    gamma, total = _assemble(s, A, G, rows, totals()[0])
    return _result(s, gamma, total, rows, "integrated_hessians", rule_name, xb, fb)


def expected_hessians(
    model, x, data, target=None, samples=200, seed=None, rows=None, *, feature_names=None,
    embedding_axis=None, chunk_size=None, max_bytes=None, embedding=None, forward_kwargs=None,
):
    """Expected Hessians: Integrated Hessians averaged over baselines from `data` (N, *S).

    Each of the `samples` draws per input takes one baseline row and γ = αβ with α, β ~ U(0, 1),
    and uses that one baseline for both integrals. Completeness holds in expectation:
    ΣΓ ≈ f(x) − E f(x'); `completeness_error` is against the baselines actually drawn. seed: an
    int (each input's draws then depend on the seed and that input only), one int per input, or
    None (core/draws.py). embedding=, forward_kwargs=: token ids as in `integrated_gradients`;
    `data` may then be token ids (N, T) or embeddings (N, T, E).
    """
    chunk_size, seed = opt.optional_positive_int(chunk_size, "chunk_size"), draws.check_seed(seed)
    s = prepare(model, x, target, feature_names, embedding_axis, embedding=embedding, forward_kwargs=forward_kwargs)
    pts = expected_points(s, data, samples, seed, draw_gamma=True)
    rows, dirs = _directions(s, rows, max_bytes)
    A = s.x.new_zeros(s.x.shape[0], len(dirs), s.n_out)
    G = torch.zeros_like(s.x)
    peak = hessian_terms(s.f, s.x, s.sel, pts, dirs, A, G, chunk_size)
    if peak == 0.0 and bool((G != 0).any()):
        inp.warn_if_piecewise_linear(s.prepared.user_model)
    total = _sum64(A if rows is None else A[:, -1:]) + G.sum(-1, dtype=torch.float64)
    gamma, total = _assemble(s, A, G, rows, total)
    fb, xb = baseline_outputs(s, pts)
    return _result(s, gamma, total, rows, "expected_hessians", f"monte-carlo-{samples}", xb, fb)


def _directions(s, rows, max_bytes) -> tuple[list[int] | None, Directions]:
    """Every feature (group) as a row, or the requested rows plus an all-ones completeness row."""
    B, n_out = s.x.shape[0], s.n_out
    rows = inp.as_rows(rows, n_out)
    n_rows = n_out if rows is None else len(rows)
    inp.check_result_size(
        (B, n_rows, n_out), s.x.element_size(), max_bytes,
        "Ask for a few rows (rows=[i, ...]) or sum a feature axis (embedding_axis=-1).",
    )
    dev = s.x.device
    group_of = torch.arange(s.x.shape[1], device=dev) if s.groups is None else s.groups.argmax(0)
    wanted = torch.arange(n_out, device=dev) if rows is None else torch.tensor([*rows, -1], device=dev)
    return rows, Directions(group_of, n_out, wanted)


def _assemble(s, A, G, rows, total):
    """Γ from the accumulated sums, in place: add the gradient term to the diagonal. Returns (Γ, ΣΓ)."""
    diag = group_cols(s, G)
    if rows is None:
        A.diagonal(dim1=1, dim2=2).add_(diag)
        return A, total.to(A.dtype)
    gamma = A[:, :-1]
    idx = torch.arange(len(rows), device=A.device)
    gamma[:, idx, rows] += diag[:, rows]
    return gamma, total.to(A.dtype)


def _sum64(t: torch.Tensor, absolute: bool = False) -> torch.Tensor:
    """Σ over all but the first axis in float64, a block of rows at a time (no full-size copy)."""
    out = torch.zeros(t.shape[0], dtype=torch.float64, device=t.device)
    step = max(1, (1 << 22) // max(1, t[0, 0].numel()))
    for r in range(0, t.shape[1], step):
        blk = t[:, r : r + step].double()
        out += (blk.abs() if absolute else blk).flatten(1).sum(1)
    return out


def _result(s, gamma, total, rows, method, rule_name, xb, fb):
    B = s.x.shape[0]
    shape = s.result_shape
    values = gamma.reshape(B, *shape, *shape) if rows is None else gamma.reshape(B, len(rows), *shape)
    phi = gamma.sum(-1)
    attributions = phi.reshape(B, *shape) if rows is None else phi
    return make_result(s, values, method, xb, fb, total, rule_name, rows=rows, attributions=attributions)
