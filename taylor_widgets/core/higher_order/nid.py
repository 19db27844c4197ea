"""Neural Interaction Detection from the weights of an MLP (Tsang, Cheng, Liu, "Detecting
Statistical Interactions from Neural Network Weights", ICLR 2018, https://arxiv.org/abs/1705.04977).

    z = |W_L| · … · |W_2|                     (aggregated influence of first-layer units)
    ω(S) = Σ_h z_h · min_{i∈S} |W_1[h, i]|

Pairs score every i<j. Higher orders follow the paper's greedy search: each hidden unit sorts
its inputs by |W_1| and contributes to every prefix of that order only, so sets that are never
a prefix of any unit score 0. `sets=` scores given sets with the full ω(S) instead.
"""
from __future__ import annotations

import torch
from torch import nn

from .. import models
from .. import options as opt
from . import sets as _sets
from .results import NIDResult

#: Elementwise activations that keep "Linear → activation → Linear" an MLP for NID.
_ACTIVATIONS = (nn.ReLU, nn.Softplus, nn.Tanh, nn.Sigmoid, nn.LeakyReLU, nn.ELU, nn.GELU, nn.SiLU,
                nn.Identity, nn.Dropout, nn.ReLU6, nn.Hardtanh, nn.Mish, nn.SELU, nn.CELU)


def nid(model, order=2, top_k=None, *, target=None, sets=None):
    """NID interaction strengths of an nn.Sequential MLP (Linear + elementwise activations).

    order: 2 (pairs, all scored), k ≥ 3 (prefixes of size k), or None (prefixes of every size
    2..d, the paper's "any order" ranking). top_k: keep the best top_k sets per order (default all).
    target: which output row of W_L drives z: None for one output, an int row, or "sum" (Tsang et
    al.'s choice for several outputs). sets: (M, k) index tuples scored by the full
    ω(S) = Σ_h z_h min_{i∈S} |W_1[h, i]| (used to compare methods on equal candidate sets).
    Returns NIDResult. Paper: https://arxiv.org/abs/1705.04977
    """
    models.check_materialised(model)  # weights only: train mode does not matter here
    weights = _mlp_weights(model)
    W1 = weights[0].abs()  # (H1, d)
    H1, d = W1.shape
    z = _unit_influence(weights, target)  # (H1,)
    top_k = opt.optional_positive_int(top_k, "top_k")
    pair = _pairwise(W1, z)
    if sets is not None:
        S = _sets.as_sets(sets, d, None if order is None else _sets.check_order(order, d))
        scores = (W1[:, S].amin(-1) * z[:, None]).sum(0)
        return _result({S.shape[1]: (S, scores)}, pair, z, top_k, "given sets")
    if order is not None:
        _sets.check_order(order, d)
    if order == 2:
        P = _sets.all_subsets(d, 2, limit=d * d)
        return _result({2: (P, pair[P[:, 0], P[:, 1]])}, pair, z, top_k, "pairwise")
    ks = range(2, d + 1) if order is None else [order]
    return _result({k: _prefix_scores(W1, z, k) for k in ks}, pair, z, top_k, "prefix")


def _pairwise(W1: torch.Tensor, z: torch.Tensor, budget: int = 2**24) -> torch.Tensor:
    """ω(i, j) = Σ_h z_h min(|W1[h,i]|, |W1[h,j]|) as a (d, d) matrix, zero diagonal.

    Accumulated over chunks of hidden units so the (units, d, d) minimum stays near `budget` floats.
    """
    H1, d = W1.shape
    step = max(1, budget // (d * d))
    pair = torch.zeros(d, d, dtype=W1.dtype)
    for a in range(0, H1, step):
        w, zz = W1[a : a + step], z[a : a + step]
        pair += torch.minimum(w[:, :, None], w[:, None, :]).mul(zz[:, None, None]).sum(0)
    return pair.fill_diagonal_(0.0)


def _prefix_scores(W1: torch.Tensor, z: torch.Tensor, k: int):
    """Each unit's top-k inputs by |W1| form one set, scored min weight × z_h; equal sets add up."""
    vals, idx = torch.sort(W1, dim=1, descending=True, stable=True)
    prefix = idx[:, :k].sort(1).values  # (H1, k)
    strength = vals[:, k - 1] * z  # the k-th largest weight is the prefix's minimum
    uniq, inv = torch.unique(prefix, dim=0, return_inverse=True)
    scores = torch.zeros(uniq.shape[0], dtype=W1.dtype).index_add_(0, inv, strength)
    return uniq, scores


def _result(per_order, pair, z, top_k, rule) -> NIDResult:
    sets, scores = {}, {}
    for k, (S, v) in per_order.items():
        o = torch.sort(v, descending=True, stable=True).indices[:top_k]
        sets[k], scores[k] = S[o], v[o]
    return NIDResult(sets, scores, pair, z, rule)


def _mlp_weights(model) -> list[torch.Tensor]:
    """The Linear weights (out, in) of an MLP, first layer first, detached on the CPU."""
    if not isinstance(model, nn.Sequential):
        raise TypeError(
            f"model: NID reads the weights of an nn.Sequential MLP (Linear layers and elementwise "
            f"activations), got {type(model).__name__}; for other models use cross_derivatives or "
            "integrated_hessians"
        )
    mods = list(model)
    linears = [m for m in mods if isinstance(m, nn.Linear)]
    bad = [type(m).__name__ for m in mods if not isinstance(m, (nn.Linear, *_ACTIVATIONS))]
    if bad:
        raise TypeError(f"model: NID needs Linear layers and elementwise activations only, found {bad}")
    if len(linears) < 2:
        raise ValueError(f"model: NID needs at least one hidden layer (2 Linear layers), found {len(linears)}")
    if not isinstance(mods[0], nn.Linear):
        raise ValueError("model: NID expects the MLP to start with a Linear layer")
    first = mods.index(linears[0])
    if not any(isinstance(m, _ACTIVATIONS) and not isinstance(m, (nn.Identity, nn.Dropout))
               for m in mods[first + 1 : mods.index(linears[1])]):
        raise ValueError("model: the first two Linear layers have no activation between them; "
                         "NID's first hidden layer must be nonlinear")
    return [m.weight.detach().cpu().double() for m in linears]


def _unit_influence(weights: list[torch.Tensor], target) -> torch.Tensor:
    """z = |W_L| ⋯ |W_2| reduced to one output row: (H1,)."""
    z = weights[-1].abs()
    for W in reversed(weights[1:-1]):
        z = z @ W.abs()
    n_out = z.shape[0]
    if target is None:
        if n_out != 1:
            raise ValueError(f"target: the MLP has {n_out} outputs; pass target=<output index> or target='sum'")
        return z[0]
    if isinstance(target, str):
        if target != "sum":
            raise ValueError(f"target: expected None, an int or 'sum', got {target!r}")
        return z.sum(0)
    if not opt.is_int(target):
        raise TypeError(f"target: expected None, an int or 'sum', got {type(target).__name__}")
    if not -n_out <= target < n_out:
        raise ValueError(f"target: output index {target} is out of range for {n_out} outputs")
    return z[target]
