"""The views' colour tables, built as js/src/lib builds them, so a picture matches the live view.

Diverging schemes (colorscale.js), the feature-value scale of the dataset views (dataset.js)
and the CAM overlay maps (cam_overlay.js): the same stops, the same linear interpolation and the
same rounding (JS Math.round: halves go up).
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

SCHEMES = {
    "RdBu": ["#67001f", "#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#f7f7f7", "#d1e5f0", "#92c5de", "#4393c3", "#2166ac", "#053061"],
    "PuOr": ["#7f3b08", "#b35806", "#e08214", "#fdb863", "#fee0b6", "#f7f7f7", "#d8daeb", "#b2abd2", "#8073ac", "#542788", "#2d004b"],
    "PiYG": ["#8e0152", "#c51b7d", "#de77ae", "#f1b6da", "#fde0ef", "#f7f7f7", "#e6f5d0", "#b8e186", "#7fbc41", "#4d9221", "#276419"],
}
LUT_SIZE = 257
NAN_RGB = (160, 160, 160)
HIDDEN_RGB = (224, 224, 224)
VALUE_STOPS = ["#1e88e5", "#8e4ab4", "#ff0d57"]
MISSING_RGB = (158, 158, 158)
CAM_COLORMAPS = {
    "jet": ["#00007f", "#0000ff", "#007fff", "#00ffff", "#7fff7f", "#ffff00", "#ff7f00", "#ff0000", "#7f0000"],
    "viridis": ["#440154", "#472c7a", "#3b518b", "#2c718e", "#21908d", "#27ad81", "#5cc863", "#aadc32", "#fde725"],
    "inferno": ["#000004", "#1f0c48", "#550f6d", "#88226a", "#ba3655", "#e35933", "#f98e09", "#f8c932", "#fcffa4"],
    "gray": ["#000000", "#ffffff"],
}
#: The allocation bars' segment colours (js/src/lib/stacking.js KIND_COLORS).
KIND_COLORS = {"own": "#4477AA", "interaction": "#228833", "others": "#EE6677", "baseline": "#BBBBBB"}


def _hex(h: str) -> tuple[int, int, int]:
    return tuple(int(h[k:k + 2], 16) for k in (1, 3, 5))


def js_round(x: float) -> int:
    """JS Math.round: halves round up (Python's round() rounds them to even)."""
    return math.floor(x + 0.5)


@lru_cache(maxsize=None)
def interpolate_stops(stops: tuple[str, ...], size: int) -> np.ndarray:
    """(size, 3) uint8 table interpolated linearly between evenly spaced "#rrggbb" stops."""
    rgb = [_hex(h) for h in stops]
    out = np.zeros((size, 3), dtype=np.uint8)
    for k in range(size):
        x = k / (size - 1) * (len(rgb) - 1)
        lo = min(math.floor(x), len(rgb) - 2)
        f = x - lo
        out[k] = [js_round(rgb[lo][c] * (1 - f) + rgb[lo + 1][c] * f) for c in range(3)]
    return out


def lut(scheme: str = "RdBu") -> np.ndarray:
    """(257, 3) uint8: the heatmap's diverging table, most negative first."""
    return interpolate_stops(tuple(SCHEMES.get(scheme, SCHEMES["RdBu"])), LUT_SIZE)


def value_lut() -> np.ndarray:
    """(256, 3) uint8: feature value, low (blue) → high (red)."""
    return interpolate_stops(tuple(VALUE_STOPS), 256)


def cam_lut(name: str = "jet") -> np.ndarray:
    """(256, 3) uint8: a CAM overlay map, 0 → the map's maximum."""
    return interpolate_stops(tuple(CAM_COLORMAPS.get(name, CAM_COLORMAPS["jet"])), 256)


def diverging_rgb(values: np.ndarray, vmax: float, scheme: str = "RdBu") -> np.ndarray:
    """(..., 3) uint8 colours of values on ±vmax, as colorscale.js `rasterize` (NaN grey)."""
    v = np.asarray(values, dtype=np.float64)
    s = (LUT_SIZE - 1) / (2 * vmax) if vmax > 0 else 0.0
    x = (LUT_SIZE - 1) / 2 + 0.5 + np.nan_to_num(v, nan=0.0) * s
    idx = np.clip(np.floor(x), 0, LUT_SIZE - 1).astype(np.int64)
    out = lut(scheme)[idx]
    out[np.isnan(v)] = NAN_RGB
    return out


def value_range(values) -> tuple[float, float]:
    """The 5th–95th percentile of the finite values (dataset.js `valueRange`)."""
    v = np.sort(np.asarray(values, dtype=np.float64)[np.isfinite(values)])
    if v.size == 0:
        return 0.0, 1.0
    lo, hi = float(np.quantile(v, 0.05)), float(np.quantile(v, 0.95))
    if not hi > lo:
        lo, hi = float(v[0]), float(v[-1])
    if not hi > lo:
        lo, hi = lo - 0.5, hi + 0.5
    return lo, hi


def value_rgb(values, lo: float, hi: float) -> np.ndarray:
    """(n, 3) floats in [0, 1]: feature values coloured on [lo, hi] (clipped), grey when missing."""
    v = np.asarray(values, dtype=np.float64)
    t = np.clip((np.nan_to_num(v, nan=lo) - lo) / (hi - lo), 0, 1)
    idx = np.floor(t * 255 + 0.5).astype(np.int64)
    out = value_lut()[idx].astype(np.float64) / 255
    out[~np.isfinite(v)] = np.array(MISSING_RGB) / 255
    return out


def listed_cmap(table: np.ndarray, name: str):
    """A matplotlib colormap of a uint8 table."""
    from matplotlib.colors import ListedColormap

    return ListedColormap(np.asarray(table, dtype=np.float64) / 255, name=name)
