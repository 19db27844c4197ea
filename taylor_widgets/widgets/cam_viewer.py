"""CAMViewer: an image with its Grad-CAM / Taylor-CAM overlay, drawn from traits alone.

Every partner map TC(i, ·) of every image travels in `pair_scores` (B, N, N), so clicking a cell
works with no kernel (a saved notebook, an HTML export). Traits follow js/CONTRACT.md
("CAMViewer"); the view is js/src/widgets/cam_viewer.js.
"""
from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets as t

from . import _cam_checks as chk
from ._serialize import Float32Array

_STATIC = Path(__file__).parent.parent / "static"


class CAMViewer(anywidget.AnyWidget):
    """Grad-CAM and Taylor-CAM on the image; click a cell to overlay its partner map TC(i, ·).

    images: (B, C, H, W) or (B, H, W, C), C ∈ {1, 3}, float in [0, 1] or uint8.
    result: `tw.taylor_cam(...)` (Grad-CAM, the pair scores and the strength map come along) or
        `tw.grad_cam(...)` (Grad-CAM mode only), computed on the same B images.
    labels: one caption per image (rendered as text, never HTML). title: heading of the view.
    image_index, selected_cell, mode, alpha, threshold, colormap, top_k: the user state below.
    Paper: Lerman et al., ICCV 2021, https://arxiv.org/abs/2103.11803.
    """

    _esm = _STATIC / "cam_viewer.js"

    # --- data (Python → JS) ---
    images = Float32Array(ndim=4).tag(sync=True)
    """(B, H, W, 3) float32 RGB in [0, 1]."""
    gradcam = Float32Array(ndim=3).tag(sync=True)
    """(B, h, w) float32 Grad-CAM on the layer's grid (≥ 0)."""
    strength = Float32Array(ndim=3).tag(sync=True)
    """(B, h, w) float32 Taylor-CAM strength Σ_j TC(i, j), or shape [0] without Taylor-CAM."""
    pair_scores = Float32Array(ndim=3).tag(sync=True)
    """(B, N, N) float32 TC(i, j), N = h·w, row i = cell i's partner map; shape [0] without Taylor-CAM."""
    grid = t.List(t.Int(), default_value=[0, 0]).tag(sync=True)
    """[h, w]: the layer's grid; cell i is row i // w, column i % w of the image split evenly."""
    labels = t.List(t.Unicode(), default_value=[]).tag(sync=True)
    """B captions: untrusted text, rendered with textContent only."""
    title = t.Unicode("").tag(sync=True)
    """Heading shown above the image."""

    # --- user state (both ways) ---
    image_index = t.Int(0).tag(sync=True)
    """The image shown, 0 ≤ image_index < B."""
    selected_cell = t.Int(-1).tag(sync=True)
    """The clicked cell (row-major on the grid), −1 for none. Observe it from Python to react to clicks."""
    mode = t.Unicode("gradcam").tag(sync=True)
    """"gradcam" | "taylorcam" (strength map + top-k pair lines) | "partners" (TC(selected_cell, ·))."""
    alpha = t.Float(0.5).tag(sync=True)
    """Opacity of the overlay, 0..1."""
    threshold = t.Float(0.0).tag(sync=True)
    """Overlay hidden where the map is below threshold × its maximum, 0..1."""
    colormap = t.Unicode("jet").tag(sync=True)
    """Overlay colour map: "jet" | "viridis" | "inferno" | "gray"."""
    top_k = t.Int(5).tag(sync=True)
    """Pairs drawn as lines in "taylorcam" mode (0 = none)."""

    def __init__(self, images, result, *, labels=None, title=None, image_index=0, selected_cell=-1, mode=None,
                 alpha=0.5, threshold=0.0, colormap="jet", top_k=5):
        payload = chk.cam_payload(images, result)
        data = {k: v for k, v in payload["traits"].items() if v is not None}
        self._layer, self._kind = payload["layer"], payload["kind"]
        if title is not None and not isinstance(title, str):
            raise TypeError(f"title: expected a str, got {type(title).__name__}")
        B = data["images"].shape[0]
        default_title = "Taylor-CAM" if self._kind == "taylor_cam" else "Grad-CAM"
        super().__init__(**data, labels=chk.check_labels(labels, B),
                         title=title if title is not None else f"{default_title} at {self._layer!r}")
        if mode is None:
            mode = "taylorcam" if self._kind == "taylor_cam" else "gradcam"
        user = dict(image_index=image_index, selected_cell=selected_cell, mode=mode, alpha=alpha,
                    threshold=threshold, colormap=colormap, top_k=top_k)
        for name, value in user.items():
            setattr(self, name, value)

    # --- validation: every path (constructor, Python, front end) goes through _cam_checks ---
    @property
    def _n_images(self) -> int:
        return int(self.images.shape[0]) if self.images.ndim == 4 else 0

    @property
    def _n_cells(self) -> int:
        return int(self.grid[0] * self.grid[1])

    @t.validate("image_index")
    def _v_image(self, proposal):
        return chk.check_int(proposal["value"], "image_index", 0, max(self._n_images, 1))

    @t.validate("selected_cell")
    def _v_cell(self, proposal):
        return chk.check_int(proposal["value"], "selected_cell", -1, self._n_cells)

    @t.validate("mode")
    def _v_mode(self, proposal):
        return chk.check_mode(proposal["value"], self.pair_scores.size > 0)

    @t.validate("alpha")
    def _v_alpha(self, proposal):
        return chk.check_fraction(proposal["value"], "alpha")

    @t.validate("threshold")
    def _v_threshold(self, proposal):
        return chk.check_fraction(proposal["value"], "threshold")

    @t.validate("colormap")
    def _v_colormap(self, proposal):
        return chk.check_choice(proposal["value"], "colormap", chk.COLORMAPS)

    @t.validate("top_k")
    def _v_top_k(self, proposal):
        return chk.check_int(proposal["value"], "top_k", 0, chk.MAX_TOP_K + 1)

    @t.validate("labels")
    def _v_labels(self, proposal):
        return chk.check_labels(proposal["value"], self._n_images) if self._n_images else proposal["value"]

    def __repr__(self) -> str:
        B, H, W = self.images.shape[:3] if self.images.ndim == 4 else (0, 0, 0)
        h, w = self.grid
        return (f"{type(self).__name__}(images={B}, size={H}×{W}, grid={h}×{w}, layer={self._layer!r}, "
                f"method={self._kind!r})")
