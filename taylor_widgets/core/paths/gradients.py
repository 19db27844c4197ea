"""Integrated Gradients and Expected Gradients.

Sundararajan et al. 2017 (https://arxiv.org/abs/1703.01365); Erion et al. 2021 / Janizek et al.,
JMLR 2021 (https://jmlr.org/papers/v22/20-1223.html) for the expected (data-baseline) version.
"""
from __future__ import annotations

import torch

from .. import draws
from .. import options as opt
from .. import quadrature as quad
from . import adaptive
from .engine import gradient_term, rule_points
from .setup import (
    baseline_outputs, check_steps, check_tol, expected_points, fixed_baseline_outputs, group_cols, make_result, prepare,
)


def integrated_gradients(
    model, x, baseline=None, target=None, steps=None, *, rule="gauss", tol=adaptive.DEFAULT_TOL, feature_names=None,
    embedding_axis=None, chunk_size=None, embedding=None, forward_kwargs=None,
):
    """Integrated Gradients φ_i = Δ_i ∫₀¹ ∂_i f(x' + αΔ) dα.

    x: (B, *S). baseline: None (zeros), (*S) shared or (B, *S) per input. target: None for
    scalar models, an int, a (B,) tensor or a callable output → (B,). steps: None (default)
    adapts per input: 32 Gauss–Legendre nodes on [0, 1], and for inputs whose completeness error
    still exceeds `tol` relative to |f(x) − f(x')|, panels in ln α refined where the path's
    output changes (paths/adaptive.py); steps=n fixes n Gauss–Legendre nodes. rule="uniform"
    gives path_explain's equally spaced grid. embedding_axis: sum that axis of S (e.g. -1 for
    (B, T, E) embeddings) to get (B, T). chunk_size: points per vmapped chunk (default: about
    256 MiB of tangents). Returns a PathResult with values (B, *S).

    Token ids: x (B, T) integer ids with embedding=<the module inside the model whose output is
    the (B, T, E) embedding, e.g. its nn.Embedding>: that output is interpolated and the results
    are per token (B, T), summed over E. baseline is then None (zero embeddings), an int token id
    (e.g. pad or mask, at every position), token ids (T,) or (B, T), or embeddings (T, E) or
    (B, T, E). forward_kwargs: keyword arguments of the model's forward (attention or padding
    masks, token type ids); tensors whose first dimension is B are split per input, other values
    are passed unchanged (core/tokens.py).
    """
    steps, tol = check_steps(steps, rule, "ig"), check_tol(tol)
    chunk_size = opt.optional_positive_int(chunk_size, "chunk_size")
    s = prepare(model, x, target, feature_names, embedding_axis, embedding=embedding, forward_kwargs=forward_kwargs)
    xb = s.baseline(baseline)
    fb = fixed_baseline_outputs(s, xb)
    phi = torch.zeros_like(s.x)

    def evaluate(examples, rules):
        phi[examples] = 0
        gradient_term(s.f, s.x, s.sel, rule_points(xb, examples, rules), phi, chunk_size)

    def totals():
        return phi.sum(-1, dtype=torch.float64), phi.abs().sum(-1, dtype=torch.float64)

    if steps is not None or rule != "gauss":
        r = quad.ig_rule(steps, rule)
        evaluate(torch.arange(s.x.shape[0], device=s.x.device), [r] * s.x.shape[0])
        rule_name = r.name
    else:
        rule_name = adaptive.integrate("ig", s, xb, fb, evaluate, totals, tol, "integrated_gradients", False, chunk_size)
    return _finish(s, phi, "integrated_gradients", xb, fb, rule_name)


def expected_gradients(
    model, x, data, target=None, samples=200, seed=None, *, feature_names=None, embedding_axis=None,
    chunk_size=None, embedding=None, forward_kwargs=None,
):
    """Expected Gradients: IG averaged over baselines drawn from `data` (N, *S), α ~ U(0, 1).

    Completeness holds in expectation: Σφ ≈ f(x) − E f(x'); `completeness_error` is measured
    against the mean f over the baselines actually drawn. samples: draws per input. seed: an int
    (each input's draws then depend on the seed and that input only, not on the batch), one int
    per input, or None for fresh draws (core/draws.py). embedding=, forward_kwargs=: token ids
    as in `integrated_gradients`; `data` may then be token ids (N, T) or embeddings (N, T, E).
    """
    chunk_size, seed = opt.optional_positive_int(chunk_size, "chunk_size"), draws.check_seed(seed)
    s = prepare(model, x, target, feature_names, embedding_axis, embedding=embedding, forward_kwargs=forward_kwargs)
    pts = expected_points(s, data, samples, seed, draw_gamma=False)
    phi = torch.zeros_like(s.x)
    gradient_term(s.f, s.x, s.sel, pts, phi, chunk_size)
    fb, xb = baseline_outputs(s, pts)
    return _finish(s, phi, "expected_gradients", xb, fb, f"monte-carlo-{samples}")


def _finish(s, phi, method, xb, fb, rule_name):
    values = group_cols(s, phi)
    B = s.x.shape[0]
    total = phi.sum(-1, dtype=torch.float64).to(phi.dtype)
    return make_result(s, values.reshape(B, *s.result_shape), method, xb, fb, total, rule_name)
