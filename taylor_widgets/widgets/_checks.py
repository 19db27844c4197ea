"""Validation for the interaction widgets, in one place.

Every public argument and every user-state trait goes through a function here, so a bad value
gets the same ValueError/TypeError (naming the argument) whether it came from the constructor,
a later Python assignment or the front end.
"""
from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np

from ..core import CrossDerivatives
from ..core import PathResult
from ._serialize import as_float32

ORDERS = ("given", "attribution", "cluster")
VIEWS = ("sample", "global")
SCHEMES = ("RdBu", "PuOr", "PiYG")
LABELS = {
    "integrated_hessians": "Γ, Integrated Hessians",
    "expected_hessians": "Γ, Expected Hessians",
    "cross_derivatives": "|∂²f|, cross derivatives",
}


def check_int(value, name: str, lo: int | None = None, hi: int | None = None) -> int:
    """An int (not a bool) with lo ≤ value < hi."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name}: expected an int, got {type(value).__name__}")
    value = int(value)
    if lo is not None and value < lo:
        raise ValueError(f"{name}: expected an int ≥ {lo}, got {value}")
    if hi is not None and value >= hi:
        raise ValueError(f"{name}: expected an int < {hi}, got {value}")
    return value


def check_choice(value, name: str, choices) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name}: expected one of {', '.join(map(repr, choices))}, got {value!r}")
    return value


def _finite(arr: np.ndarray, name: str) -> np.ndarray:
    if arr.size and not np.isfinite(arr).all():
        raise ValueError(f"{name}: contains {int((~np.isfinite(arr)).sum())} NaN or Inf value(s)")
    return arr


def matrix_payload(result_or_array, feature_names=None) -> tuple[dict, str]:
    """Trait values (matrix, attributions, inputs, baselines, feature_names) and the method name.

    result_or_array: a PathResult with the full matrix, a CrossDerivatives of all pairs (its
    (B, d, d) |∂²f| matrix), or a (d, d) / (B, d, d) array or tensor.
    """
    if isinstance(result_or_array, CrossDerivatives):
        r = result_or_array
        if r.matrix is None:
            raise ValueError(
                f"result_or_array: this CrossDerivatives scored given sets of order {r.order} and has no pair "
                "matrix; call cross_derivatives(model, x) without sets= (all pairs), or pass it as higher_order="
            )
        matrix = as_float32(r.matrix, "result_or_array")
        B, d = matrix.shape[0], matrix.shape[1]
        traits = {"matrix": _finite(matrix, "result_or_array"), "attributions": None,
                  "inputs": _optional(r.x, B, d), "baselines": None}
        traits["feature_names"] = check_names(feature_names if feature_names is not None else r.feature_names, d)
        return traits, "cross_derivatives"
    if isinstance(result_or_array, PathResult):
        r = result_or_array
        if r.rows is not None:
            raise ValueError(
                f"result_or_array: holds only rows {r.rows}; InteractionMatrix needs the full matrix "
                "(call the method without rows=)"
            )
        B = r.values.shape[0]
        flat = as_float32(r.values, "result_or_array").reshape(B, -1)
        d = int(round(math.sqrt(flat.shape[1])))
        matrix = flat.reshape(B, d, d)
        traits = {
            "matrix": _finite(matrix, "result_or_array"),
            "attributions": _optional(r.attributions, B, d),
            "inputs": _optional(r.x, B, d),
            "baselines": _optional(r.baseline, B, d),
        }
        names = feature_names if feature_names is not None else r.feature_names
        method = r.method
    else:
        if result_or_array is None or isinstance(result_or_array, (str, bytes, dict)):
            raise TypeError(
                "result_or_array: expected a PathResult, CrossDerivatives, GlobalInteractions, NIDResult or a "
                "(d, d) / (B, d, d) array or tensor, "
                f"got {type(result_or_array).__name__}"
            )
        m = as_float32(result_or_array, "result_or_array")
        if m.ndim == 2:
            m = m[None]
        if m.ndim != 3 or m.shape[1] != m.shape[2] or m.shape[1] == 0:
            raise ValueError(
                f"result_or_array: expected a square matrix (d, d) or a batch (B, d, d), got shape {tuple(m.shape)}"
            )
        traits = {"matrix": _finite(m, "result_or_array"), "attributions": None, "inputs": None, "baselines": None}
        names, method = feature_names, "array"
    traits["feature_names"] = check_names(names, traits["matrix"].shape[1])
    return traits, method


def _optional(t, B: int, d: int):
    """A (B, d) view of a result tensor, or None when it is missing or not one value per feature."""
    if t is None:
        return None
    arr = as_float32(t)
    return arr.reshape(B, d) if arr.size == B * d else None


def check_strings(values, n: int, name: str, what: str, default) -> list[str]:
    """n strings (untrusted text, kept verbatim), `default(i)` for each when values is None.

    what: the plural with its meaning, for the length error, e.g. "names (one per feature)".
    """
    if values is None:
        return [default(i) for i in range(n)]
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise TypeError(f"{name}: expected a list of {n} strings, got {type(values).__name__}")
    values = list(values)
    if len(values) != n:
        raise ValueError(f"{name}: expected {n} {what}, got {len(values)}")
    bad = [type(v).__name__ for v in values if not isinstance(v, str)]
    if bad:
        raise TypeError(f"{name}: expected strings, got {bad[0]}")
    return values


def check_names(names, d: int) -> list[str]:
    """d feature names (untrusted text, kept verbatim); default x0, x1, …"""
    return check_strings(names, d, "feature_names", "names (one per feature)", lambda i: f"x{i}")


def check_color_scale(value) -> dict:
    """{"vmax": positive float | None (auto), "scheme": one of SCHEMES}; missing keys take defaults."""
    if value is None:
        return {"vmax": None, "scheme": "RdBu"}
    if not isinstance(value, dict):
        raise TypeError(f"color_scale: expected a dict {{'vmax': float | None, 'scheme': str}}, got {type(value).__name__}")
    unknown = set(value) - {"vmax", "scheme"}
    if unknown:
        raise ValueError(f"color_scale: unknown key(s) {sorted(unknown)}; expected 'vmax' and 'scheme'")
    vmax = value.get("vmax")
    if vmax is not None:
        if isinstance(vmax, bool) or not isinstance(vmax, Real) or not math.isfinite(vmax) or vmax <= 0:
            raise ValueError(f"color_scale: 'vmax' must be a positive finite number or None, got {vmax!r}")
        vmax = float(vmax)
    return {"vmax": vmax, "scheme": check_choice(value.get("scheme", "RdBu"), "color_scale['scheme']", SCHEMES)}


def check_higher_order(value, d: int) -> list[dict]:
    """[{"members": [≥3 distinct feature indices], "score": float}, ...]."""
    if value is None:
        return []
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
        raise TypeError(f"higher_order: expected a list of {{'members', 'score'}} dicts, got {type(value).__name__}")
    out = []
    for k, item in enumerate(value):
        if not isinstance(item, dict) or set(item) != {"members", "score"}:
            raise ValueError(f"higher_order[{k}]: expected a dict with keys 'members' and 'score', got {item!r}")
        members = [check_int(m, f"higher_order[{k}]['members']", 0, d) for m in item["members"]]
        if len(members) < 3 or len(set(members)) != len(members):
            raise ValueError(f"higher_order[{k}]: 'members' must be ≥ 3 distinct features, got {members}")
        score = item["score"]
        if isinstance(score, bool) or not isinstance(score, Real) or not math.isfinite(score):
            raise ValueError(f"higher_order[{k}]: 'score' must be a finite number, got {score!r}")
        out.append({"members": members, "score": float(score)})
    return out


def check_members(value, d: int) -> list[int]:
    """highlighted_set: [] or ≥ 2 distinct feature indices."""
    if value is None:
        return []
    members = [check_int(m, "highlighted_set", 0, d) for m in value]
    if len(members) == 1 or len(set(members)) != len(members):
        raise ValueError(f"highlighted_set: expected [] or ≥ 2 distinct features, got {members}")
    return members


def check_pair(value, d: int) -> list[int]:
    if value is None:
        return []
    value = list(value)
    if len(value) not in (0, 2):
        raise ValueError(f"selected_pair: expected [] or [i, j], got {value!r}")
    return [check_int(v, "selected_pair", 0, d) for v in value]
