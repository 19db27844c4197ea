"""CAMViewer: an image with its Grad-CAM / Taylor-CAM overlay, drawn from traits alone.

Every partner map TC(i, ·) of every image travels in `pair_scores` (B, N, N), so clicking a cell
works with no kernel (a saved notebook, an HTML export). Traits follow js/CONTRACT.md
("CAMViewer"); the view is js/src/widgets/cam_viewer.js.
"""
from __future__ import annotations

from .base import TaylorWidget
from .checks import check_str
from .payloads.cam import COLORMAPS, MAX_TOP_K, MODES, cam_payload, check_map_labels, map_labels
from .traits import Choice, Float32Array, Index, IntList, Names, Number, Record, Text

#: Default opacity and threshold. At the old 0.5 and 0 the jet overlay covered every pixel where the
#: map is positive (71 % of tour 03's images) and turned the red triangle purple (its hue moved 25°
#: on average) under jet's blue low end. Hiding the map below 30 % of its maximum leaves 15 % of the
#: image tinted (the hot regions) and the triangle's hue within 0.3°; at opacity 0.45 the hot regions
#: still move their colours by 0.29 (0.32 at 0.5) while 55 % of what lies under them shows through.
#: Measured by `.venv/bin/python benchmarks/cam_readability.py` (README, CAMViewer section).
DEFAULT_ALPHA, DEFAULT_THRESHOLD = 0.45, 0.3


def _mode_refusal(w, mode):
    if mode != "gradcam" and w._dims["Bp"] == 0:
        return f"{mode!r} needs Taylor-CAM pair scores; this viewer holds only Grad-CAM (pass a tw.taylor_cam result)"
    return None


class CAMViewer(TaylorWidget, bundle="cam_viewer"):
    """Grad-CAM and Taylor-CAM on the image; click a cell to overlay its partner map TC(i, ·).

    images: (B, C, H, W) or (B, H, W, C), C ∈ {1, 3}, float in [0, 1] or uint8 (bfloat16 too).
    result: `tw.taylor_cam(...)` (Grad-CAM, the pair scores and the strength map come along) or
        `tw.grad_cam(...)` (Grad-CAM mode only), computed on the same B images.
    labels: one caption per image (rendered as text, never HTML). title: heading of the view.
    image_index, selected_cell, mode, alpha, threshold, colormap, top_k: the user state below
    (alpha 0.45 and threshold 0.3 by default, so the image stays readable under the overlay).
    Paper: Lerman et al., ICCV 2021, https://arxiv.org/abs/2103.11803.
    """

    _shape_dims = ("B", "H", "W", "h", "w")

    # --- data (Python → JS); shapes are fixed when the viewer is built ---
    images = Float32Array(("B", "H", "W", 3), low=0.0, high=1.0).tag(sync=True)
    """(B, H, W, 3) float32 RGB in [0, 1]."""
    gradcam = Float32Array(("B", "h", "w"), low=0.0).tag(sync=True)
    """(B, h, w) float32 Grad-CAM on the layer's grid (≥ 0)."""
    strength = Float32Array(("Bp", "h", "w"), low=0.0).tag(sync=True)
    """(B, h, w) float32 Taylor-CAM strength Σ_j TC(i, j) (≥ 0), or shape [0] without Taylor-CAM."""
    pair_scores = Float32Array(("Bp", "N", "N"), low=0.0).tag(sync=True)
    """(B, N, N) float32 TC(i, j) ≥ 0, N = h·w, row i = cell i's partner map; shape [0] without Taylor-CAM."""
    grid = IntList(lo=1, exact=lambda w: [w._dims["h"], w._dims["w"]], what=" (the layer's grid [h, w])").tag(sync=True)
    """[h, w]: the layer's grid; cell i is row i // w, column i % w of the image split evenly."""
    labels = Names("B", what="captions (one per image)", default=lambda b: f"image {b}").tag(sync=True)
    """B captions: untrusted text, rendered with textContent only."""
    title = Text("").tag(sync=True)
    """Heading shown above the image."""
    map_labels = Record(check_map_labels, map_labels()).tag(sync=True)
    """{"gradcam", "taylorcam", "partners"}: the legend's text per mode, the quantity and its units."""

    # --- user state (both ways) ---
    image_index = Index(0, "B").tag(sync=True)
    """The image shown, 0 ≤ image_index < B."""
    selected_cell = Index(-1, "N", default_value=-1).tag(sync=True)
    """The clicked cell (row-major on the grid), −1 for none. Observe it from Python to react to clicks."""
    mode = Choice(MODES, "gradcam", refuse=_mode_refusal).tag(sync=True)
    """"gradcam" | "taylorcam" (strength map + top-k pair lines) | "partners" (TC(selected_cell, ·))."""
    alpha = Number(0.0, 1.0, DEFAULT_ALPHA).tag(sync=True)
    """Opacity of the overlay, 0..1."""
    threshold = Number(0.0, 1.0, DEFAULT_THRESHOLD).tag(sync=True)
    """Overlay hidden where the map is below threshold × its maximum, 0..1."""
    colormap = Choice(COLORMAPS, "jet").tag(sync=True)
    """Overlay colour map: "jet" | "viridis" | "inferno" | "gray"."""
    top_k = Index(0, MAX_TOP_K + 1, default_value=5).tag(sync=True)
    """Pairs drawn as lines in "taylorcam" mode (0 = none)."""

    def __init__(self, images, result, *, labels=None, title=None, image_index=0, selected_cell=-1, mode=None,
                 alpha=DEFAULT_ALPHA, threshold=DEFAULT_THRESHOLD, colormap="jet", top_k=5):
        payload = cam_payload(images, result)
        data = {k: v for k, v in payload["traits"].items() if v is not None}
        self._layer, self._kind = payload["layer"], payload["kind"]
        B, H, W = data["images"].shape[:3]
        h, w = data["grid"]
        self._dims = {"B": B, "H": H, "W": W, "h": h, "w": w, "N": h * w, "Bp": B if "pair_scores" in data else 0}
        default_title = "Taylor-CAM" if self._kind == "taylor_cam" else "Grad-CAM"
        title = check_str(title, "title") if title is not None else f"{default_title} at {self._layer!r}"
        super().__init__(**data, labels=labels, title=title)
        if mode is None:
            mode = "taylorcam" if self._kind == "taylor_cam" else "gradcam"
        user = dict(image_index=image_index, selected_cell=selected_cell, mode=mode, alpha=alpha,
                    threshold=threshold, colormap=colormap, top_k=top_k)
        for name, value in user.items():
            setattr(self, name, value)

    def _snapshot_figure(self):
        """A matplotlib picture of the image shown with its overlay, grid, pairs and legend."""
        from .snapshots.cam import cam_figure

        return cam_figure(self)

    def _repr_fields(self):
        B, H, W, h, w = self._shape
        return [("images", str(B)), ("size", f"{H}×{W}"), ("grid", f"{h}×{w}"), ("layer", repr(self._layer)),
                ("method", repr(self._kind))]
