"""Cross derivatives as interaction scores, local and global (Lerman, Xu, Venuto, Kautz,
"Explaining Local, Global, and Higher-Order Interactions in Deep Learning", ICCV 2021,
https://arxiv.org/abs/2006.08601).

    s_S(x) = |∂^k f(x) / ∂x_i1 … ∂x_ik|,   S = {i1 < … < ik} distinct.

Pairs come from one Hessian per example (D Hessian-vector products); a set of any order is one
nested-jvp directional derivative along basis vectors (derivatives.directional_derivative),
vmapped over (example, set) items in chunks, so no Python loop runs over index tuples.
"""
from __future__ import annotations

import math

import torch
from torch.func import vmap

from .. import derivatives as dv
from .. import inputs as inp
from .. import options as opt
from ..paths.setup import prepare
from . import sets as _sets
from .results import CrossDerivatives, GlobalInteractions

AGGREGATES = ("mean_abs", "mean_square", "representative")
#: Rough activation floats per nested tangent, used only to size chunks.
_ACTIVATION_GUESS = 1024


def cross_derivatives(model, x, order=None, sets=None, target=None, *, chunk_size=None, feature_names=None, max_bytes=None):
    """Local interaction scores |∂^k f(x)/∂x_i1…∂x_ik| for each example of x: (B, *S).

    order: k ≥ 2 (default 2, or the size of the given sets). sets: index tuples into the
    flattened features, all of size k, distinct indices, any k ≤ D (e.g. [(0, 1, 2), (3, 4, 5)]).
    Without sets, order must be 2 and every pair is scored from one Hessian per example
    (result.matrix (B, D, D)). target: None | int | (B,) | callable, as everywhere.
    chunk_size: (example, set) items per vmapped chunk. Returns CrossDerivatives.
    Paper: https://arxiv.org/abs/2006.08601
    """
    chunk_size = opt.optional_positive_int(chunk_size, "chunk_size")
    s = prepare(model, x, target, feature_names, None)
    B, D = s.x.shape
    if sets is None:
        k = _sets.check_order(2 if order is None else order, D)
        if k != 2:
            raise ValueError(f"order: without `sets` only order=2 (all pairs) is computed; pass sets=[...] "
                             f"for order {k}, or use global_interactions(..., order={k}) to search candidates")
        inp.check_result_size((B, D, D), s.x.element_size(), max_bytes,
                              "Pass sets=[(i, j), ...] to score only the pairs you need.")
        H = _abs_hessians(s, chunk_size)
        pairs = _sets.all_subsets(D, 2, limit=D * D)
        values = H[:, pairs[:, 0], pairs[:, 1]]
        matrix = H
    else:
        pairs = _sets.as_sets(sets, D, order)
        k = pairs.shape[1]
        values = torch.zeros(B, pairs.shape[0], device=s.x.device, dtype=s.x.dtype)
        for b, m, v in _mixed_partials(s.f, s.x, s.sel, pairs, chunk_size):
            values[b, m] = v.abs()
        matrix = None
    if not bool((values != 0).any()):
        inp.warn_if_piecewise_linear(s.prepared.user_model)
    return CrossDerivatives(values, pairs, k, s.x.reshape(B, *s.feature_shape), s.target.index, s.output,
                            matrix, s.feature_names)


def global_interactions(
    model, data, order=2, aggregate="mean_abs", top_k=20, exhaustive=False, *, target=None,
    representative=None, seed=0, progress=False, chunk_size=None, feature_names=None, max_sets=None,
):
    """Global k-way interaction rankings for orders 2..order, aggregated over data: (N, *S).

    aggregate: "mean_abs" (default) E|∂^k f|; "mean_square" E[(∂^k f)²], Friedman–Popescu; or
    "representative": the mean |∂^k f| over the paper's six representative samples. Five are
    the data rows nearest (Euclidean, lowest index on ties) to a feature-wise reference point:
    the per-feature mean, lower median, minimum, maximum, and mode (the centre of the fullest of
    10 equal-width bins of that feature, lowest bin on ties); the sixth is a row drawn uniformly
    by a CPU generator seeded with `seed`. A row picked by two kinds counts twice.
    `representative` may name a subset of ("mean", "median", "min", "max", "mode", "random").
    Pairs are scored exhaustively from one Hessian per sample. Each order k > 2 keeps the top_k
    sets of order k−1 and extends each by one index (deduplicated), one k-th derivative per
    candidate and sample; exhaustive=True scores every k-subset instead (refused above max_sets,
    default 200,000). progress: a stderr progress line (tqdm if installed). Returns
    GlobalInteractions. Paper: https://arxiv.org/abs/2006.08601
    """
    aggregate = opt.choice(aggregate, "aggregate", AGGREGATES)
    top_k = opt.positive_int(top_k, "top_k")
    exhaustive, progress = opt.flag(exhaustive, "exhaustive"), opt.flag(progress, "progress")
    seed = opt.integer(seed, "seed", minimum=0, maximum=opt.MAX_SEED)
    chunk_size = opt.optional_positive_int(chunk_size, "chunk_size")
    max_sets = opt.optional_positive_int(max_sets, "max_sets")
    if representative is not None and aggregate != "representative":
        raise ValueError("representative: only used with aggregate='representative'")
    s = prepare(model, data, target, feature_names, None, name="data")
    D = s.x.shape[1]
    order = _sets.check_order(order, D)
    if exhaustive:  # refuse before any derivative is taken
        for k in range(3, order + 1):
            _sets.check_count(D, k, max_sets)
    reps = None
    x, sel = s.x, s.sel
    if aggregate == "representative":
        reps = _sets.representative_rows(s.x, representative, seed)
        x, sel = s.x[reps], s.sel[reps]
    square = aggregate == "mean_square"
    N = x.shape[0]
    bar = _sets.Progress(progress, N * D + _search_work(D, order, top_k, exhaustive) * N,
                         "global_interactions")
    try:
        H = _hessian_sums(s, x, sel, square, chunk_size, bar) / N
        pairs = _sets.all_subsets(D, 2, limit=D * D)
        scores = {2: H[pairs[:, 0], pairs[:, 1]]}
        cand = {2: pairs}
        how = {2: "exhaustive"}
        for k in range(3, order + 1):
            if exhaustive:
                cand[k], how[k] = _sets.all_subsets(D, k, max_sets), "exhaustive"
            else:
                kept = _rank(cand[k - 1], scores[k - 1])[0][:top_k]
                cand[k], how[k] = _sets.extend_sets(kept, D), f"top-{top_k} extension"
            total = torch.zeros(cand[k].shape[0], device=x.device, dtype=x.dtype)
            for _, m, v in _mixed_partials(s.f, x, sel, cand[k], chunk_size):
                total.index_add_(0, m.to(x.device), v.square() if square else v.abs())
                bar.update(v.numel())
            scores[k] = total / N
    finally:
        bar.close()
    if not bool((H != 0).any()):
        inp.warn_if_piecewise_linear(s.prepared.user_model)
    ranked = {k: _rank(cand[k], scores[k]) for k in cand}
    return GlobalInteractions({k: r[0] for k, r in ranked.items()}, {k: r[1] for k, r in ranked.items()},
                              aggregate, N, H, reps, s.feature_names, how)


@torch.no_grad()  # torch.func ignores an outer no_grad; it stops the parameters' autograd graph
def _abs_hessians(s, chunk) -> torch.Tensor:
    """|H(x_b)| with a zero diagonal for every example: (B, D, D)."""
    B, D = s.x.shape
    size = dv.chunk_size(dv.per_item_bytes(D, D, s.x.element_size(), _ACTIVATION_GUESS), chunk)
    H = torch.cat(dv.map_chunks(lambda z, sel: dv.hessian(s.f, z, sel), [s.x, s.sel], size)).abs()
    H.diagonal(dim1=1, dim2=2).zero_()
    return H


@torch.no_grad()  # torch.func ignores an outer no_grad; it stops the parameters' autograd graph
def _hessian_sums(s, x, sel, square, chunk, bar) -> torch.Tensor:
    """Σ_b |H(x_b)| (or H²) with a zero diagonal: (D, D), accumulated chunk by chunk."""
    N, D = x.shape
    size = dv.chunk_size(dv.per_item_bytes(D, D, x.element_size(), _ACTIVATION_GUESS), chunk)
    vh = vmap(lambda z, sl: dv.hessian(s.f, z, sl))
    total = torch.zeros(D, D, device=x.device, dtype=x.dtype)
    for a in range(0, N, size):
        H = vh(x[a : a + size], sel[a : a + size])
        total += (H.square() if square else H.abs()).sum(0)
        bar.update(H.shape[0] * D)
    total.diagonal().zero_()
    return total


def _mixed_partials(f, x, sel, sets, chunk):
    """Yield (example idx, set idx, ∂^k f) over all (example, set) items, one vmapped chunk at a time."""
    B, D = x.shape
    M, k = sets.shape
    basis = torch.eye(D, device=x.device, dtype=x.dtype)[sets.to(x.device)]  # (M, k, D)
    one = vmap(lambda z, vs, sl: dv.directional_derivative(f, z, vs, sl))
    size = dv.chunk_size(dv.per_item_bytes(2**k, D, x.element_size(), _ACTIVATION_GUESS), chunk)
    n = B * M
    for a in range(0, n, size):
        idx = torch.arange(a, min(n, a + size), device=x.device)
        b, m = idx // M, idx % M
        with torch.no_grad():  # parameters require grad: without this every chunk keeps its graph alive
            v = one(x[b], basis[m], sel[b])
        yield b, m, v


def _search_work(D, order, top_k, exhaustive) -> int:
    """Candidate sets scored beyond pairs, for the progress total (an upper bound for the search)."""
    if exhaustive:
        return sum(math.comb(D, k) for k in range(3, order + 1))
    return sum(min(math.comb(D, k), top_k * (D - k + 1)) for k in range(3, order + 1))


def _rank(sets: torch.Tensor, scores: torch.Tensor):
    """Sort sets by score, best first; ties keep lexicographic order (stable sort)."""
    order = torch.sort(scores.detach().cpu(), descending=True, stable=True).indices
    return sets[order], scores[order.to(scores.device)].detach()
