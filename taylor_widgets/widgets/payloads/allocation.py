"""AllocationView payloads: an AuditResult → trait values, and the checks of its records.

The bar segments are computed here, from the allocation
matrix E_{i,S} of each method (core/taylor/audit.py): for player i the effects split into four kinds,

    own          E_{i,{i}}                     its own independent effect
    interaction  Σ_{S∋i, |S|≥2} E_{i,S}         its shares of interaction effects it is part of
    others       Σ_{S∌i, S≠∅} E_{i,S}           effects taken from other players
    baseline     E_{i,∅} = a_i(b)               what the method gives i at the baseline itself

each split into its positive and negative part, so the eight numbers sum to a_i(x) exactly.
"""
from __future__ import annotations

import math
from numbers import Real

import numpy as np

from ...core import AuditResult
from ..checks import TraitTypeError, TraitValueError, check_names, check_str

KINDS = ("own", "interaction", "others", "baseline")
MEASURES = ("P1", "P2_leak", "P2_amount", "P3_leak", "P3_amount")


def segments(allocation: np.ndarray) -> np.ndarray:
    """(…, n, 2^n) allocation E → (…, n, 4, 2) [kind, (positive part, negative part)] in KINDS order."""
    E = np.asarray(allocation, dtype=np.float64)
    n = E.shape[-2]
    masks = np.arange(E.shape[-1])
    member = (masks[None, :] >> np.arange(n)[:, None]) & 1 == 1  # (n, 2^n): i ∈ S
    size = np.array([bin(int(s)).count("1") for s in masks])
    own = member & (size == 1)[None]
    inter = member & (size >= 2)[None]
    others = ~member & (size >= 1)[None]
    base = np.broadcast_to((size == 0)[None], (n, masks.size))
    out = np.empty(E.shape[:-1] + (len(KINDS), 2))
    for k, sel in enumerate((own, inter, others, base)):
        part = np.where(sel, E, 0.0)
        out[..., k, 0] = np.clip(part, 0, None).sum(-1)
        out[..., k, 1] = np.clip(part, None, 0).sum(-1)
    return out


def audit_payload(audit, feature_names=None, title=None) -> dict:
    """Trait values for AllocationView from an AuditResult (every sample, every method)."""
    if not isinstance(audit, AuditResult):
        raise TraitTypeError(f"audit: expected the AuditResult of tw.attribution_audit, got {type(audit).__name__}")
    if not audit.methods:
        raise TraitValueError("audit: holds no method results (every method was skipped); nothing to show")
    names = list(audit.methods)
    n = int(audit.n_players)
    alloc = np.stack([_np(audit.methods[m].allocation) for m in names], axis=1)  # (B, M, n, 2^n)
    attr = np.stack([_np(audit.methods[m].attributions) for m in names], axis=1)  # (B, M, n)
    if alloc.shape[2:] != (n, 2 ** n):
        raise TraitValueError(f"audit: allocation matrices of shape {alloc.shape[2:]} do not match {n} players")
    for label, arr in (("allocation", alloc), ("attributions", attr)):
        if not np.isfinite(arr).all():
            raise TraitValueError(f"audit: {label} contain NaN or Inf values")
    marks = []
    for m in names:
        a = audit.methods[m]
        mk = {"method": m, "game": a.game}
        for key, t in zip(MEASURES, (a.p1, a.p2_leak, a.p2_amount, a.p3_leak, a.p3_amount)):
            mk[key] = [_finite_float(v, f"audit: {m} {key}") for v in _np(t).reshape(-1)]
        marks.append(mk)
    if title is not None:
        check_str(title, "title")
    expected = audit.expected_dividends
    return {
        "methods": names,
        "feature_names": check_names(feature_names, n),
        "allocation": alloc,
        "attributions": attr,
        "segments": segments(alloc).reshape(alloc.shape[:3] + (2 * len(KINDS),)),
        "dividends": _np(audit.dividends),
        "expected_dividends": None if expected is None else _np(expected),
        "marks": marks,
        "tol": float(audit.tol),
        "skipped": {str(k): str(v) for k, v in audit.skipped.items()},
        "title": title if title is not None else "Allocation of Taylor effects",
    }


def _np(t) -> np.ndarray:
    return t.detach().cpu().double().numpy() if hasattr(t, "detach") else np.asarray(t, dtype=np.float64)


def _finite_float(v, what: str) -> float:
    v = float(v)
    if not math.isfinite(v):
        raise TraitValueError(f"{what}: measure is NaN or Inf")
    return v


GAMES = ("baseline", "background")


def check_marks(value, widget) -> list[dict]:
    """M dicts {"method", "game", "P1", "P2_leak", "P2_amount", "P3_leak", "P3_amount"} (B floats each),
    in the order of the widget's `methods`."""
    B, M = widget._dims["B"], widget._dims["M"]
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
        raise TraitTypeError(f"marks: expected a list of dicts, got {type(value).__name__}")
    value = list(value)
    if len(value) != M:
        raise TraitValueError(f"marks: expected {M} entries (one per method), got {len(value)}")
    for k, mk in enumerate(value):
        if not isinstance(mk, dict) or set(mk) != {"method", "game", *MEASURES}:
            raise TraitValueError(f"marks[{k}]: expected keys method, game, {', '.join(MEASURES)}")
        if not isinstance(mk["method"], str) or mk["game"] not in GAMES:
            raise TraitValueError(f"marks[{k}]: expected a method name and a game in {GAMES}")
        for key in MEASURES:
            vals = mk[key]
            if not isinstance(vals, list) or len(vals) != B:
                raise TraitValueError(f"marks[{k}][{key!r}]: expected a list of {B} numbers")
            if any(isinstance(v, bool) or not isinstance(v, Real) or not math.isfinite(v) for v in vals):
                raise TraitValueError(f"marks[{k}][{key!r}]: expected finite numbers")
    return value


def check_skipped(value, widget=None) -> dict:
    """{method: reason}: both strings."""
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise TraitTypeError(f"skipped: expected a dict {{method: reason}} of strings, got {value!r}")
    return dict(value)


def segment_refusal(widget, seg: np.ndarray):
    """Bar segments alternate positive and negative parts: the even ones ≥ 0, the odd ones ≤ 0."""
    if (seg[..., 0::2] < 0).any() or (seg[..., 1::2] > 0).any():
        return "expected [positive, negative] parts per kind: entries 0, 2, 4, 6 ≥ 0 and 1, 3, 5, 7 ≤ 0"
    return None
