"""Global-over-data matrices and higher-order sets for InteractionMatrix: results → trait values.

A (B, d, d) stack of per-sample matrices gets its (d, d) global matrix from one of AGGREGATES;
a GlobalInteractions (or an NIDResult) already is a global matrix. Higher-order sets come from
any result with ranked `sets[k]` / `scores[k]` per order, or from a CrossDerivatives of order ≥ 3.
"""
from __future__ import annotations

import numpy as np

from ...core import CrossDerivatives, GlobalInteractions, NIDResult
from ..checks import TraitValueError, check_names
from ..serialize import as_float32
from .interaction import check_higher_order

#: How the B sample matrices become one: mean |Γ| (default), mean Γ², signed mean Γ.
AGGREGATES = ("mean_abs", "mean_square", "mean")
#: Per order ≥ 3, at most this many of a result's strongest sets go into `higher_order`.
MAX_SETS = 50

_METHOD = {  # method → (symbol of one matrix entry, name shown after the label)
    "integrated_hessians": ("Γ", "Integrated Hessians"),
    "expected_hessians": ("Γ", "Expected Hessians"),
    "cross_derivatives": ("|∂²f|", "cross derivatives"),
}


def aggregate(matrix: np.ndarray, how: str) -> np.ndarray:
    """(d, d) float32 aggregate over the first axis of a (B, d, d) matrix, computed in float64."""
    m = np.asarray(matrix, dtype=np.float64)
    g = np.abs(m).mean(0) if how == "mean_abs" else (m * m).mean(0) if how == "mean_square" else m.mean(0)
    return as_float32(g)


def aggregate_label(how: str, method: str, n: int, representative: bool = False) -> str:
    """E.g. "mean |Γ| over 32 samples, Integrated Hessians" or "mean (∂²f)² over 500 samples, …"."""
    sym, name = _METHOD.get(method, ("Γ", None))
    core = sym.strip("|")
    if how == "mean_square":
        what = f"mean {core}²" if len(core) == 1 else f"mean ({core})²"
    elif how == "mean_abs":
        what = f"mean |{core}|"
    else:
        what = f"mean {sym}"
    over = f"{n} representative sample{'s' * (n != 1)}" if representative else f"{n} sample{'s' * (n != 1)}"
    return f"{what} over {over}" + (f", {name}" if name else "")


def global_payload(result, feature_names=None):
    """(traits, method, aggregate) for a result that only holds a global matrix, else None.

    GlobalInteractions: its aggregated pair matrix, labelled with its aggregate and sample count;
    NIDResult: NID's pairwise ω from the weights. Neither has per-sample matrices (B = 0).
    """
    if isinstance(result, GlobalInteractions):
        how = "mean_abs" if result.aggregate == "representative" else result.aggregate
        label = aggregate_label(how, "cross_derivatives", result.n_samples, result.aggregate == "representative")
        method, names = "global_interactions", result.feature_names
    elif isinstance(result, NIDResult):
        label, method, names = "ω, Neural Interaction Detection (from the weights)", "nid", None
    else:
        return None
    g = as_float32(result.matrix, "result_or_array")
    if g.ndim != 2 or g.shape[0] != g.shape[1] or not np.isfinite(g).all():
        raise TraitValueError(f"result_or_array: the {type(result).__name__} holds no finite (d, d) pair matrix")
    names = feature_names if feature_names is not None else names
    traits = {"global_matrix": g, "global_label": label, "feature_names": check_names(names, g.shape[0])}
    return traits, method, getattr(result, "aggregate", "nid")


def _features(result) -> int:
    if isinstance(result, CrossDerivatives):
        return int(result.x.reshape(result.x.shape[0], -1).shape[1])
    return int(result.matrix.shape[0])


def as_set_list(value, d: int, top: int = MAX_SETS):
    """A `higher_order` list from a GlobalInteractions, NIDResult or CrossDerivatives (order ≥ 3).

    Per order ≥ 3, the `top` strongest sets, best first, as {"members", "score"}; sets scoring
    exactly 0 (no interaction at all) are left out. A CrossDerivatives scores each set by its mean
    over the examples. Anything else is returned unchanged for check_higher_order to judge.
    """
    if not isinstance(value, (GlobalInteractions, NIDResult, CrossDerivatives)):
        return value
    kind = type(value).__name__
    D = _features(value)
    if d and D != d:
        raise TraitValueError(f"higher_order: the {kind} covers {D} features, the matrix has {d}")
    if isinstance(value, CrossDerivatives):
        scores = value.values.detach().double().mean(0).cpu()
        ranked = scores.argsort(descending=True, stable=True)
        by_order = {value.order: (value.sets[ranked].tolist(), scores[ranked].tolist())}
    else:
        by_order = {k: (value.sets[k].tolist(), value.scores[k].tolist()) for k in value.sets}
    orders = sorted(k for k in by_order if k >= 3)
    if not orders:
        raise TraitValueError(f"higher_order: the {kind} holds no sets of size ≥ 3 (orders {sorted(by_order)}); "
                         "compute it with order=3 or more")
    out = []
    for k in orders:
        sets, scores = by_order[k]
        out += [{"members": [int(i) for i in s], "score": float(v)} for s, v in zip(sets, scores) if v != 0][:top]
    return out


def check_set_list(value, widget) -> list[dict]:
    """The `higher_order` trait's check: a result becomes its strongest sets (as_set_list), then
    every set must be ≥ 3 distinct features of the widget's d with a finite score."""
    d = widget._dims["d"]
    return check_higher_order(as_set_list(value, d, getattr(widget, "_top_sets", MAX_SETS)), d)
