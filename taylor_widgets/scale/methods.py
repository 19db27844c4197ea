"""The methods explain_dataset runs, each as: check its keywords, explain one chunk into named
per-example arrays, and rebuild the core result from those arrays.

Expected Gradients and Hessians get one seed per example, derived from (seed, global example
index), through the core's per-input seeds: an example's random baselines never depend on how the
data was cut into chunks, on the engine or on the number of workers.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

from .. import core
from ..core.higher_order.sets import all_subsets


@dataclass(frozen=True)
class Method:
    """A core method as explain_dataset sees it: `family` picks how its result is stored."""

    name: str
    fn: Callable
    family: str  # "path" | "cross" | "grad_cam" | "taylor_cam"
    expected: bool = False  # draws baselines from `background`, seeded per example

    def keywords(self) -> set[str]:
        skip = {"model", "x", "data", "seed", "layer"}  # explain_dataset's own, or passed positionally
        allowed = {p for p in inspect.signature(self.fn).parameters if p not in skip}
        if self.expected:
            allowed.add("background")
        if self.family in ("grad_cam", "taylor_cam"):
            allowed.add("layer")
        return allowed - _REFUSED.get(self.name, set())


METHODS = {m.name: m for m in (
    Method("integrated_gradients", core.integrated_gradients, "path"),
    Method("expected_gradients", core.expected_gradients, "path", expected=True),
    Method("integrated_hessians", core.integrated_hessians, "path"),
    Method("expected_hessians", core.expected_hessians, "path", expected=True),
    Method("cross_derivatives", core.cross_derivatives, "cross"),
    Method("grad_cam", core.grad_cam, "grad_cam"),
    Method("taylor_cam", core.taylor_cam, "taylor_cam"),
)}
#: Keywords of the core functions that a whole-dataset run cannot honour, with the reason.
_REFUSED = {"cross_derivatives": {"order", "sets"}, "taylor_cam": {"order"}}
_WHY = {
    "order": "explain_dataset stores local order-2 matrices (order 3+ sets: use tw.cross_derivatives or "
             "tw.taylor_cam on a batch)",
    "sets": "explain_dataset stores the full local order-2 matrix; pass no sets",
}


def get(method) -> Method:
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(f"method: expected one of {sorted(METHODS)}, got {method!r}")
    return METHODS[method]


def check_keywords(m: Method, kwargs: dict) -> dict:
    """Refuse unknown or unsupported keywords before any compute, naming each."""
    allowed = m.keywords()
    for key in kwargs:
        if key in _REFUSED.get(m.name, ()):
            raise ValueError(f"{key}: not supported by explain_dataset for {m.name}: {_WHY[key]}")
        if key not in allowed:
            raise TypeError(f"{key}: not an argument of {m.name} (it takes {', '.join(sorted(allowed))})")
    if m.expected and kwargs.get("background") is None:
        raise ValueError(f"background: {m.name} draws its baselines from background data (N, *S); pass background=")
    if m.family in ("grad_cam", "taylor_cam") and kwargs.get("layer") is None:
        raise ValueError(f"layer: {m.name} needs the layer to explain (a module or its dotted name)")
    target = kwargs.get("target")
    if isinstance(target, (torch.Tensor, np.ndarray, list, tuple)):
        raise TypeError("target: per-example targets cannot follow the data's chunks; pass None, an int class "
                        "index, or a callable mapping the model's output (B, ...) to (B,)")
    return dict(kwargs)


def example_seed(seed: int, index: int) -> int:
    """The seed of one example's random draws, a function of (seed, global example index) only."""
    return int(np.random.SeedSequence([seed, index]).generate_state(1, np.uint32)[0] & 0x7FFFFFFF)


def explain_chunk(m: Method, model, x: torch.Tensor, first: int, seed: int, kwargs: dict) -> dict[str, torch.Tensor]:
    """Explain rows x (b, *S), the first being global example `first`: named (b, ...) arrays."""
    kw = dict(kwargs)
    if m.family == "path":
        if m.expected:  # one generator per example, seeded by (seed, its index): core's per-input seeds
            seeds = [example_seed(seed, first + i) for i in range(len(x))]
            r = m.fn(model, x, kw.pop("background"), seed=seeds, **kw)
        else:
            r = m.fn(model, x, **kw)
        out = {"inputs": r.x, "values": r.values, "baselines": r.baseline, "outputs": r.output,
               "baseline_outputs": r.baseline_output, "completeness_error": r.completeness_error}
        if r.attributions is not None:
            out["attributions"] = r.attributions
    elif m.family == "cross":
        r = m.fn(model, x, **kw)
        out = {"inputs": r.x, "values": r.matrix, "outputs": r.output}
    else:
        layer = kw.pop("layer")
        r = m.fn(model, x, layer, **kw)
        gc = r if m.family == "grad_cam" else r.grad_cam
        out = {"inputs": x, "values": r.cam if m.family == "grad_cam" else r.pair_scores,
               "outputs": gc.output, "cam": gc.cam, "cam_weights": gc.weights}
        if m.family == "taylor_cam":
            out.update(directed=r.directed, attributions=r.strength, partner_cells=r.partner_cells,
                       top_cells=torch.tensor([[(i, j) for i, j, _ in p] for p in r.top_pairs]).reshape(len(x), -1, 2))
    target = r.target if m.family in ("path", "cross") else gc.target
    if target is not None:
        out["targets"] = target
    return out


def layout(m: Method, model, probe_kwargs: dict, x: torch.Tensor) -> dict:
    """What the store needs besides the arrays, learnt from one row: shapes, rows, the CAM layer."""
    kw = dict(probe_kwargs)
    if m.family == "path":
        bg = kw.pop("background", None)
        r = m.fn(model, x, bg, seed=0, **kw) if m.expected else m.fn(model, x, **kw)
        return {"structure": "rows" if r.rows is not None else ("map" if r.attributions is None else "matrix"),
                "result_shape": list(r.feature_shape), "rows": r.rows}
    if m.family == "cross":
        return {"structure": "matrix", "result_shape": [int(np.prod(x.shape[1:]))], "rows": None}
    r = m.fn(model, x, kw.pop("layer"), **kw)
    gc = r if m.family == "grad_cam" else r.grad_cam
    out = {"structure": "map" if m.family == "grad_cam" else "matrix", "rows": None, "layer": gc.layer,
           "activation_shape": list(gc.activation_shape[1:]), "image_size": list(x.shape[-2:]),
           "grid": list(gc.cam.shape[-2:])}
    out["result_shape"] = out["grid"] if m.family == "grad_cam" else [int(np.prod(out["grid"]))]
    return out


def strongest(values: np.ndarray, lay: dict) -> tuple[np.ndarray, np.ndarray]:
    """Per example, the strongest pair (i, j) off the diagonal by |value| and its signed value.

    For "map" results (attributions, CAM maps) it is the strongest single feature, with j = −1.
    """
    B = values.shape[0]
    flat = values.reshape(B, -1)
    if lay["structure"] == "map":
        k = np.abs(flat).argmax(1)
        return np.stack([k, np.full_like(k, -1)], 1).astype(np.int32), flat[np.arange(B), k]
    n = int(np.prod(lay["result_shape"]))
    mags = np.abs(flat.reshape(B, -1, n)).astype(np.float64)
    rows = np.arange(mags.shape[1]) if lay["rows"] is None else np.asarray(lay["rows"])
    mags[:, np.arange(len(rows)), rows] = -1.0  # never the diagonal
    if lay["rows"] is None:
        mags[:, np.tril_indices(n, -1)[0], np.tril_indices(n, -1)[1]] = -1.0  # each pair once, i < j
    k = mags.reshape(B, -1).argmax(1)
    r, j = np.divmod(k, n)
    pairs = np.stack([rows[r], j], 1).astype(np.int32)
    return pairs, flat[np.arange(B), k]


def rebuild(m: Method, a: dict[str, torch.Tensor], lay: dict, settings: dict, names):
    """The core result of the stored examples `a` (name → (b, ...) tensors)."""
    target = a.get("targets")
    if m.family == "path":
        rule = f"{settings.get('rule', 'gauss')}, steps={settings.get('steps')} (read from a store)"
        if m.expected:
            rule = f"monte-carlo-{settings.get('samples', 200)} (read from a store)"
        return core.PathResult(
            values=a["values"], method=m.name, x=a["inputs"], baseline=a["baselines"], target=target,
            output=a["outputs"], baseline_output=a["baseline_outputs"], completeness_error=a["completeness_error"],
            rule=rule, feature_names=names, rows=lay["rows"], attributions=a.get("attributions"),
            feature_shape=tuple(lay["result_shape"]))
    if m.family == "cross":
        H = a["values"]
        pairs = all_subsets(H.shape[-1], 2, limit=H.shape[-1] ** 2)
        return core.CrossDerivatives(H[:, pairs[:, 0], pairs[:, 1]], pairs, 2, a["inputs"], target, a["outputs"],
                                     H, names)
    size = tuple(lay["image_size"])
    B = a["values"].shape[0]
    gc = core.GradCAMResult(a["cam"], _upsample(a["cam"], size), a["cam_weights"], lay["layer"],
                            (B, *lay["activation_shape"]), target, a["outputs"])
    if m.family == "grad_cam":
        return gc
    TC, cells = a["values"], a["partner_cells"]
    h, w = lay["grid"]
    top = [[(int(i), int(j), float(TC[b, i, j])) for i, j in a["top_cells"][b].tolist()] for b in range(B)]
    maps = torch.gather(TC, 1, cells[:, :, None].expand(-1, -1, TC.shape[-1])).reshape(B, -1, h, w)
    strength = a["attributions"]
    return core.TaylorCAMResult(
        pair_scores=TC, directed=a["directed"], top_pairs=top, partner_cells=cells, partner_maps=maps,
        strength=strength, strength_upsampled=_upsample(strength, size), grad_cam=gc, grid=(h, w),
        image_size=size, layer=lay["layer"], order=2, shift=settings.get("shift", "uniform"))


def _upsample(m: torch.Tensor, size) -> torch.Tensor:
    """(B, h, w) → (B, H, W) bilinear, as the CAM methods draw maps on the image."""
    return F.interpolate(m[:, None], size=size, mode="bilinear", align_corners=False)[:, 0]
