"""InteractionMatrix payloads: a path result, cross derivatives or an array → trait values.

Also the checks of the matrix view's two structured traits, `color_scale` and `higher_order`.
"""
from __future__ import annotations

import math
from numbers import Real

import numpy as np

from ...core import CrossDerivatives, PathResult
from ..checks import TraitTypeError, TraitValueError, check_choice, check_int, check_names
from ..serialize import as_float32

ORDERS = ("given", "attribution", "cluster")
VIEWS = ("sample", "global")
SCHEMES = ("RdBu", "PuOr", "PiYG")
#: Where the automatic colour scale comes from (js/src/lib/scales.js `diagonalScale`).
DIAGONAL_MODES = ("auto", "show", "hide")
#: The main views: the heatmap, and the dataset views of a batch (B ≥ 2).
TABS = ("matrix", "summary", "network")
#: The dependence plot's y: Γ_ij or φ_i against x_i.
DEPENDENCE = ("interaction", "attribution")
LABELS = {
    "integrated_hessians": "Γ, Integrated Hessians",
    "expected_hessians": "Γ, Expected Hessians",
    "cross_derivatives": "|∂²f|, cross derivatives",
}


def _finite(arr: np.ndarray, name: str) -> np.ndarray:
    if arr.size and not np.isfinite(arr).all():
        raise TraitValueError(f"{name}: contains {int((~np.isfinite(arr)).sum())} NaN or Inf value(s)")
    return arr


def matrix_payload(result_or_array, feature_names=None) -> tuple[dict, str]:
    """Trait values (matrix, attributions, inputs, baselines, feature_names) and the method name.

    result_or_array: a PathResult with the full matrix (IH, EH), a CrossDerivatives of all pairs
    (its (B, d, d) |∂²f| matrix), or a (d, d) / (B, d, d) array or tensor.
    """
    if isinstance(result_or_array, CrossDerivatives):
        r = result_or_array
        if r.matrix is None:
            raise TraitValueError(
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
        return _path_payload(result_or_array, feature_names)
    if result_or_array is None or isinstance(result_or_array, (str, bytes, dict)):
        raise TraitTypeError(
            "result_or_array: expected a PathResult, CrossDerivatives, GlobalInteractions, NIDResult or a "
            f"(d, d) / (B, d, d) array or tensor, got {type(result_or_array).__name__}"
        )
    if feature_names is None and type(result_or_array).__module__.split(".")[0] == "pandas" and result_or_array.ndim == 2:
        feature_names = [str(c) for c in result_or_array.columns]  # a (d, d) DataFrame names its features
    m = as_float32(result_or_array, "result_or_array")
    if m.ndim == 2:
        m = m[None]
    if m.ndim != 3 or m.shape[1] != m.shape[2] or m.shape[1] == 0:
        raise TraitValueError(
            f"result_or_array: expected a square matrix (d, d) or a batch (B, d, d), got shape {tuple(m.shape)}"
        )
    traits = {"matrix": _finite(m, "result_or_array"), "attributions": None, "inputs": None, "baselines": None}
    traits["feature_names"] = check_names(feature_names, m.shape[1])
    return traits, "array"


def _path_payload(r: PathResult, feature_names) -> tuple[dict, str]:
    """A PathResult of interactions (B, d, d), flattened over the feature shape."""
    if r.rows is not None:
        raise TraitValueError(
            f"result_or_array: holds only rows {r.rows}; InteractionMatrix needs the full matrix "
            "(call the method without rows=)"
        )
    if r.attributions is None:  # IG / EG: one value per feature, no pairs to draw
        raise TraitValueError(
            f"result_or_array: this {r.method} result holds attributions only (shape {tuple(r.values.shape)}), "
            "not an interaction matrix; use integrated_hessians / expected_hessians for pairs"
        )
    B = r.values.shape[0]
    flat = as_float32(r.values, "result_or_array").reshape(B, -1)
    d = math.isqrt(flat.shape[1])
    if d * d != flat.shape[1] or d == 0:
        raise TraitValueError(f"result_or_array: expected (B, d, d) interactions, got shape {tuple(r.values.shape)}")
    traits = {
        "matrix": _finite(flat.reshape(B, d, d), "result_or_array"),
        "attributions": _optional(r.attributions, B, d),
        "inputs": _optional(r.x, B, d),
        "baselines": _optional(r.baseline, B, d),
    }
    traits["feature_names"] = check_names(feature_names if feature_names is not None else r.feature_names, d)
    return traits, r.method


def inputs_payload(x, data: dict, feature_names=None) -> dict:
    """The `inputs` trait (B, d) from x (tensor, numpy or a DataFrame, read as the core reads them),
    and the DataFrame's columns as `feature_names` when no names were given."""
    from ..recompute import as_matrix_input

    B, d = data["matrix"].shape[:2]
    xt, labels = as_matrix_input(x, "x")
    if tuple(xt.shape) != (B, d):
        raise TraitValueError(f"x: expected the {B} explained inputs of {d} features, shape ({B}, {d}), got {tuple(xt.shape)}")
    out = {"inputs": _finite(as_float32(xt.detach().cpu().double().numpy()), "x")}
    if feature_names is None and labels is not None:
        out["feature_names"] = check_names(labels, d)
    return out


def _optional(t, B: int, d: int):
    """A (B, d) view of a result tensor, or None when it is missing or not one value per feature."""
    if t is None:
        return None
    arr = as_float32(t)
    return arr.reshape(B, d) if arr.size == B * d else None


def check_color_scale(value, widget=None) -> dict:
    """{"vmax": positive float | None (auto), "scheme": one of SCHEMES}; missing keys take defaults."""
    if value is None:
        return {"vmax": None, "scheme": "RdBu"}
    if not isinstance(value, dict):
        raise TraitTypeError(f"color_scale: expected a dict {{'vmax': float | None, 'scheme': str}}, got {type(value).__name__}")
    unknown = set(value) - {"vmax", "scheme"}
    if unknown:
        raise TraitValueError(f"color_scale: unknown key(s) {sorted(unknown)}; expected 'vmax' and 'scheme'")
    vmax = value.get("vmax")
    if vmax is not None:
        if isinstance(vmax, bool) or not isinstance(vmax, Real) or not math.isfinite(vmax) or vmax <= 0:
            raise TraitValueError(f"color_scale: 'vmax' must be a positive finite number or None, got {vmax!r}")
        vmax = float(vmax)
    return {"vmax": vmax, "scheme": check_choice(value.get("scheme", "RdBu"), "color_scale['scheme']", SCHEMES)}


def check_higher_order(value, d: int) -> list[dict]:
    """[{"members": [≥3 distinct feature indices], "score": float}, ...]."""
    if value is None:
        return []
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
        raise TraitTypeError(f"higher_order: expected a list of {{'members', 'score'}} dicts, got {type(value).__name__}")
    out = []
    for k, item in enumerate(value):
        if not isinstance(item, dict) or set(item) != {"members", "score"}:
            raise TraitValueError(f"higher_order[{k}]: expected a dict with keys 'members' and 'score', got {item!r}")
        if isinstance(item["members"], (str, bytes, dict)) or not hasattr(item["members"], "__iter__"):
            raise TraitTypeError(f"higher_order[{k}]['members']: expected a list of feature indices")
        members = [check_int(m, f"higher_order[{k}]['members']", 0, d) for m in item["members"]]
        if len(members) < 3 or len(set(members)) != len(members):
            raise TraitValueError(f"higher_order[{k}]: 'members' must be ≥ 3 distinct features, got {members}")
        score = item["score"]
        if isinstance(score, bool) or not isinstance(score, Real) or not math.isfinite(score):
            raise TraitValueError(f"higher_order[{k}]: 'score' must be a finite number, got {score!r}")
        out.append({"members": members, "score": float(score)})
    return out
