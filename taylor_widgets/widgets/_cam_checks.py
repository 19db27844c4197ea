"""Validation for the CAM viewer, in one place.

Every constructor argument and every user-state trait of `CAMViewer` goes through a function
here, so a bad value gets the same ValueError/TypeError (naming the argument) whether it came
from the constructor, a later Python assignment or the front end.
"""
from __future__ import annotations

import math
from numbers import Real

import numpy as np

from ..core import GradCAMResult, TaylorCAMResult
from ._checks import check_choice, check_int, check_strings  # noqa: F401  (choice, int re-exported for cam_viewer)
from ._serialize import as_float32

MODES = ("gradcam", "taylorcam", "partners")
#: Sequential colour maps the front end draws (js/src/lib/cam_overlay.js).
COLORMAPS = ("jet", "viridis", "inferno", "gray")
MAX_TOP_K = 100


def images_hwc(images) -> np.ndarray:
    """(B, H, W, 3) float32 in [0, 1] from (B, C, H, W) or (B, H, W, C), C ∈ {1, 3}, float or uint8.

    A single image (C, H, W) / (H, W, C) gets a batch dimension. Grey images are repeated to RGB.
    """
    if images is None or isinstance(images, (str, bytes, dict)):
        raise TypeError(f"images: expected an array or tensor (B, C, H, W) or (B, H, W, C), got {type(images).__name__}")
    raw = images.detach().cpu().numpy() if hasattr(images, "detach") else np.asarray(images)
    is_uint8 = raw.dtype == np.uint8
    if not is_uint8 and raw.dtype.kind not in "fiu":
        raise TypeError(f"images: expected float (in [0, 1]) or uint8 values, got dtype {raw.dtype}")
    if raw.dtype.kind in "iu" and not is_uint8:
        raise TypeError(f"images: expected float (in [0, 1]) or uint8 values, got dtype {raw.dtype}")
    arr = as_float32(raw, "images")
    if arr.ndim == 3:
        arr = arr[None]
    if arr.ndim != 4 or arr.size == 0:
        raise ValueError(f"images: expected (B, C, H, W) or (B, H, W, C), got shape {tuple(np.shape(raw))}")
    if arr.shape[1] in (1, 3):  # channels first, torch's layout, wins when both could be channels
        arr = arr.transpose(0, 2, 3, 1)
    elif arr.shape[-1] not in (1, 3):
        raise ValueError(f"images: expected 1 or 3 channels (first or last), got shape {tuple(np.shape(raw))}")
    if not np.isfinite(arr).all():
        raise ValueError(f"images: contains {int((~np.isfinite(arr)).sum())} NaN or Inf value(s)")
    if is_uint8:
        arr = arr / 255.0
    elif arr.min() < 0.0 or arr.max() > 1.0:
        raise ValueError(
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
        raise TypeError(
            f"result: expected a TaylorCAMResult (tw.taylor_cam) or a GradCAMResult (tw.grad_cam), got {type(result).__name__}"
        )
    cam = as_float32(gc.cam, "result").reshape(-1, h, w)
    if cam.shape[0] != B:
        raise ValueError(f"result: explains {cam.shape[0]} image(s) but images holds {B}; pass the same batch")
    if tuple(int(n) for n in size) != (H, W):
        raise ValueError(f"result: computed on {size[0]}×{size[1]} images but images are {H}×{W}")
    for name, arr in (("grad-CAM map", cam), ("pair scores", pairs), ("strength map", strength)):
        if arr is not None and not np.isfinite(arr).all():
            raise ValueError(f"result: its {name} contains NaN or Inf values")
    return {
        "traits": {"images": img, "gradcam": cam, "strength": strength, "pair_scores": pairs, "grid": [h, w]},
        "layer": layer, "kind": kind,
    }


def check_labels(labels, B: int) -> list[str]:
    """One caption per image (untrusted text, kept verbatim); default "image 0", "image 1", …"""
    return check_strings(labels, B, "labels", "captions (one per image)", lambda b: f"image {b}")


def check_fraction(value, name: str) -> float:
    """A finite number in [0, 1] (ints allowed, bools not)."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise TypeError(f"{name}: expected a number in [0, 1], got {value!r}")
    if not 0.0 <= float(value) <= 1.0:
        raise ValueError(f"{name}: expected a number in [0, 1], got {value!r}")
    return float(value)


def check_mode(value, has_pairs: bool) -> str:
    check_choice(value, "mode", MODES)
    if value != "gradcam" and not has_pairs:
        raise ValueError(f"mode: {value!r} needs Taylor-CAM pair scores; this viewer holds only Grad-CAM (pass a tw.taylor_cam result)")
    return value
