"""CAMViewer payloads: images and a Grad-CAM / Taylor-CAM result → trait values.

The traits themselves are validated on every assignment by their types (cam_viewer.py); this
module turns the constructor's arguments into those values.
"""
from __future__ import annotations

import numpy as np

from ...core import GradCAMResult, TaylorCAMResult
from ..checks import TraitTypeError, TraitValueError
from ..serialize import as_float32, to_numpy

MODES = ("gradcam", "taylorcam", "partners")
#: Sequential colour maps the front end draws (js/src/lib/cam_overlay.js).
COLORMAPS = ("jet", "viridis", "inferno", "gray")
MAX_TOP_K = 100


def images_hwc(images) -> np.ndarray:
    """(B, H, W, 3) float32 in [0, 1] from (B, C, H, W) or (B, H, W, C), C ∈ {1, 3}, float or uint8.

    A single image (C, H, W) / (H, W, C) gets a batch dimension. Grey images are repeated to RGB.
    """
    if images is None or isinstance(images, (str, bytes, dict)):
        raise TraitTypeError(f"images: expected an array or tensor (B, C, H, W) or (B, H, W, C), got {type(images).__name__}")
    raw = np.asarray(to_numpy(images))  # bfloat16 tensors are widened to float32 first (exact)
    is_uint8 = raw.dtype == np.uint8
    if not is_uint8 and raw.dtype.kind != "f":
        raise TraitTypeError(f"images: expected float (in [0, 1]) or uint8 values, got dtype {raw.dtype}")
    arr = as_float32(raw, "images")
    if arr.ndim == 3:
        arr = arr[None]
    if arr.ndim != 4 or arr.size == 0:
        raise TraitValueError(f"images: expected (B, C, H, W) or (B, H, W, C), got shape {tuple(np.shape(raw))}")
    if arr.shape[1] in (1, 3):  # channels first, torch's layout, wins when both could be channels
        arr = arr.transpose(0, 2, 3, 1)
    elif arr.shape[-1] not in (1, 3):
        raise TraitValueError(f"images: expected 1 or 3 channels (first or last), got shape {tuple(np.shape(raw))}")
    if not np.isfinite(arr).all():
        raise TraitValueError(f"images: contains {int((~np.isfinite(arr)).sum())} NaN or Inf value(s)")
    if is_uint8:
        arr = arr / 255.0
    elif arr.min() < 0.0 or arr.max() > 1.0:
        raise TraitValueError(
            f"images: float values must lie in [0, 1] (got {float(arr.min()):.3g}..{float(arr.max()):.3g}); "
            "rescale them or pass uint8"
        )
    if arr.shape[-1] == 1:
        arr = np.repeat(arr, 3, axis=-1)
    return as_float32(np.ascontiguousarray(arr), "images")


def cam_payload(images, result) -> dict:
    """Trait values (images, gradcam, strength, pair_scores, grid) and a description for __repr__.

    result: a TaylorCAMResult (its Grad-CAM comes along) or a GradCAMResult, for the same images.
    """
    img = images_hwc(images)
    B, H, W = img.shape[:3]
    if isinstance(result, TaylorCAMResult):
        gc, h, w = result.grad_cam, *result.grid
        N = h * w
        pairs = as_float32(result.pair_scores, "result").reshape(-1, N, N)
        strength = as_float32(result.strength, "result").reshape(-1, h, w)
        size, layer, kind = tuple(result.image_size), result.layer, "taylor_cam"
    elif isinstance(result, GradCAMResult):
        gc, pairs, strength = result, None, None
        h, w = (int(n) for n in result.cam.shape[-2:])
        size, layer, kind = tuple(result.upsampled.shape[-2:]), result.layer, "grad_cam"
    else:
        raise TraitTypeError(
            f"result: expected a TaylorCAMResult (tw.taylor_cam) or a GradCAMResult (tw.grad_cam), got {type(result).__name__}"
        )
    cam = as_float32(gc.cam, "result").reshape(-1, h, w)
    if cam.shape[0] != B:
        raise TraitValueError(f"result: explains {cam.shape[0]} image(s) but images holds {B}; pass the same batch")
    if tuple(int(n) for n in size) != (H, W):
        raise TraitValueError(f"result: computed on {size[0]}×{size[1]} images but images are {H}×{W}")
    for name, arr in (("grad-CAM map", cam), ("pair scores", pairs), ("strength map", strength)):
        if arr is not None and not np.isfinite(arr).all():
            raise TraitValueError(f"result: its {name} contains NaN or Inf values")
    return {
        "traits": {"images": img, "gradcam": cam, "strength": strength, "pair_scores": pairs, "grid": [h, w],
                   "map_labels": map_labels(getattr(result, "shift", "uniform"))},
        "layer": layer, "kind": kind,
    }


def map_labels(shift: str = "uniform") -> dict:
    """What each overlay map is, with its units, for the legend (core/cam/methods.py has the maths).

    Grad-CAM ReLU(Σ_k α_k A_k) with α_k = mean ∂y/∂A_k is in units of the explained score y (a logit
    for a class target). TC(i, j) = s_{i→j}² + s_{j→i}² squares how much cell i's gradient × activation
    contribution moves when cell j shifts: by one unit of activation (shift="uniform", the paper's
    definition) that is (y per unit activation)²; along cell j's own activation ("activation") it is y².
    """
    unit = "(y per unit activation shift)²" if shift == "uniform" else "y²"
    return {
        "gradcam": "Grad-CAM ReLU(Σₖ αₖAₖ), in units of the explained score y",
        "taylorcam": f"Taylor-CAM strength Σⱼ TC(i, j), in {unit}",
        "partners": f"TC(i, ·) = s²ᵢ→ⱼ + s²ⱼ→ᵢ, in {unit}",
    }


def check_map_labels(value, widget=None) -> dict:
    """{"gradcam", "taylorcam", "partners"}: one legend text (str) per mode."""
    if not isinstance(value, dict) or set(value) != set(MODES) or not all(isinstance(v, str) for v in value.values()):
        raise TraitTypeError(f"map_labels: expected a dict of one str per mode {MODES}, got {value!r}")
    return dict(value)
