"""Validation and trait payload for AllocationView, in one place.

Every argument and every user-state trait of the view goes through a function here, so a bad
value gets the same ValueError/TypeError (naming the argument) from the constructor, a later
Python assignment or the front end. The bar segments are computed here, from the allocation
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

from ..core import AuditResult
from . import _checks as chk
from ._serialize import as_float32

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
        raise TypeError(f"audit: expected the AuditResult of tw.attribution_audit, got {type(audit).__name__}")
    if not audit.methods:
        raise ValueError("audit: holds no method results (every method was skipped); nothing to show")
    names = list(audit.methods)
    n = int(audit.n_players)
    alloc = np.stack([_np(audit.methods[m].allocation) for m in names], axis=1)  # (B, M, n, 2^n)
    attr = np.stack([_np(audit.methods[m].attributions) for m in names], axis=1)  # (B, M, n)
    if alloc.shape[2:] != (n, 2 ** n):
        raise ValueError(f"audit: allocation matrices of shape {alloc.shape[2:]} do not match {n} players")
    for label, arr in (("allocation", alloc), ("attributions", attr)):
        if not np.isfinite(arr).all():
            raise ValueError(f"audit: {label} contain NaN or Inf values")
    marks = []
    for m in names:
        a = audit.methods[m]
        mk = {"method": m, "game": a.game}
        for key, t in zip(MEASURES, (a.p1, a.p2_leak, a.p2_amount, a.p3_leak, a.p3_amount)):
            mk[key] = [_finite_float(v, f"audit: {m} {key}") for v in _np(t).reshape(-1)]
        marks.append(mk)
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title: expected a str, got {type(title).__name__}")
    expected = audit.expected_dividends
    return {
        "methods": names,
        "feature_names": chk.check_names(feature_names, n),
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
        raise ValueError(f"{what}: measure is NaN or Inf")
    return v


def check_method(value, methods) -> str:
    """"" (none) or one of the audited method names."""
    if not isinstance(value, str):
        raise TypeError(f"method: expected a str (a method name or \"\"), got {type(value).__name__}")
    if value and methods and value not in methods:
        raise ValueError(f"method: expected \"\" or one of {', '.join(map(repr, methods))}, got {value!r}")
    return value


def check_marks(value, M: int, B: int) -> list[dict]:
    """M dicts {"method", "game", "P1", "P2_leak", "P2_amount", "P3_leak", "P3_amount"} (B floats each)."""
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
        raise TypeError(f"marks: expected a list of dicts, got {type(value).__name__}")
    value = list(value)
    if M and len(value) != M:
        raise ValueError(f"marks: expected {M} entries (one per method), got {len(value)}")
    for k, mk in enumerate(value):
        if not isinstance(mk, dict) or set(mk) != {"method", "game", *MEASURES}:
            raise ValueError(f"marks[{k}]: expected keys method, game, {', '.join(MEASURES)}")
        for key in MEASURES:
            vals = mk[key]
            if not isinstance(vals, list) or (B and len(vals) != B):
                raise ValueError(f"marks[{k}][{key!r}]: expected a list of {B} numbers")
            if any(isinstance(v, bool) or not isinstance(v, Real) or not math.isfinite(v) for v in vals):
                raise ValueError(f"marks[{k}][{key!r}]: expected finite numbers")
    return value


def check_tol(value) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value) or value < 0:
        raise ValueError(f"tol: expected a finite number ≥ 0, got {value!r}")
    return float(value)


def as_array(value, name: str) -> np.ndarray:
    return as_float32(value, name)
