"""The picture of CAMViewer: the image with its overlay composited as js/src/lib/cam_overlay.js
composites it (bilinear upsampling with align_corners=False, the map's own maximum, alpha,
threshold), the faint cell grid, the top-k pair lines or the selected cell, and the legend that
names the quantity and its units."""
from __future__ import annotations

import numpy as np

from .canvas import Canvas, ellipsize
from .colors import cam_lut
from .scales import fmt

MODE_LABEL = {"gradcam": "Grad-CAM", "taylorcam": "Taylor-CAM strength Σⱼ TC(i, j)", "partners": "partner map TC(i, ·)"}


def upsample_bilinear(m: np.ndarray, H: int, W: int) -> np.ndarray:
    """(h, w) → (H, W) bilinear, align_corners=False (torch's interpolate; cam_overlay.js)."""
    h, w = m.shape

    def src(n_out, n_in):
        s = np.maximum(0.0, (np.arange(n_out) + 0.5) * n_in / n_out - 0.5)
        i0 = np.minimum(np.floor(s).astype(np.int64), n_in - 1)
        return i0, np.minimum(i0 + 1, n_in - 1), s - i0

    r0, r1, fy = src(H, h)
    c0, c1, fx = src(W, w)
    top = m[r0][:, c0] * (1 - fx) + m[r0][:, c1] * fx
    bot = m[r1][:, c0] * (1 - fx) + m[r1][:, c1] * fx
    return top * (1 - fy)[:, None] + bot * fy[:, None]


def composite(image: np.ndarray, up: np.ndarray | None, vmax: float, colormap: str, alpha: float, threshold: float) -> np.ndarray:
    """(H, W, 3) float RGB in [0, 255]: the image, with the map blended at weight alpha where it
    is > 0 and ≥ threshold × vmax (cam_overlay.js `composite`)."""
    rgb = np.asarray(image, dtype=np.float64) * 255
    if up is None or not vmax > 0:
        return rgb
    a = min(1.0, max(0.0, alpha))
    k = np.clip(np.floor(up / vmax * 255 + 0.5), 0, 255).astype(np.int64)
    col = cam_lut(colormap)[k].astype(np.float64)
    on = (up > 0) & (up >= max(0.0, threshold) * vmax)
    rgb[on] = rgb[on] * (1 - a) + col[on] * a
    return rgb


def view_map(w):
    """(map (h, w) or None, vmax, mode) of the image shown, as js/src/views/cam/state.js derives it."""
    b = int(w.image_index)
    h, wd = w.grid
    has_pairs = w._dims["Bp"] > 0
    mode = w.mode if has_pairs else "gradcam"
    cell = int(w.selected_cell)
    if mode == "gradcam":
        m = np.asarray(w.gradcam[b], dtype=np.float64)
    elif mode == "taylorcam":
        m = np.asarray(w.strength[b], dtype=np.float64)
    elif 0 <= cell < h * wd:
        m = np.asarray(w.pair_scores[b, cell], dtype=np.float64).reshape(h, wd)
    else:
        m = None
    vmax = float(np.max(m, initial=0.0)) if m is not None else 0.0
    return m, vmax, mode


def top_pairs(scores: np.ndarray, k: int) -> list[tuple[int, int, float]]:
    """The k strongest pairs i < j of an (N, N) score matrix, ties by index (cam_overlay.js)."""
    N = scores.shape[0]
    iu, ju = np.triu_indices(N, 1)
    s = scores[iu, ju]
    order = np.lexsort((ju, iu, -s))[: max(0, int(k))]
    return [(int(iu[o]), int(ju[o]), float(s[o])) for o in order]


def cam_figure(w):
    """The figure of the viewer's current view."""
    b = int(w.image_index)
    img = np.asarray(w.images[b])
    H, W = img.shape[:2]
    h, wd = w.grid
    m, vmax, mode = view_map(w)
    up = upsample_bilinear(m, H, W) if m is not None else None
    rgb = composite(img, up, vmax, w.colormap, float(w.alpha), float(w.threshold))
    side = 4.0
    iw, ih = (side, side * H / W) if W >= H else (side * W / H, side)
    PAD, TITLE = 0.12, 0.55
    c = Canvas(2 * PAD + iw + 1.5, 2 * PAD + TITLE + ih + 0.2)
    cap = w.labels[b] if b < len(w.labels) else f"image {b}"
    c.text(PAD, PAD, ellipsize(w.title, 70), size=10.5, va="top", fontweight="bold")
    sel = int(w.selected_cell)
    sub = f"{ellipsize(cap, 40)} · {MODE_LABEL[mode]}" + (f" · cell {sel} (row {sel // wd}, col {sel % wd})" if sel >= 0 else "")
    c.text(PAD, PAD + 0.25, sub, size=8, va="top", color="#555")
    X, Y = PAD, PAD + TITLE
    c.image(np.clip(np.floor(rgb + 0.5), 0, 255).astype(np.uint8), X, Y, iw, ih)
    c.boxes["image"] = (X, Y, iw, ih)
    # The faint cell grid of the layer (the live view draws it the same way).
    grid = [[(X + k * iw / wd, Y), (X + k * iw / wd, Y + ih)] for k in range(1, wd)]
    grid += [[(X, Y + k * ih / h), (X + iw, Y + k * ih / h)] for k in range(1, h)]
    c.lines(grid, (1, 1, 1, 0.35), 0.6)
    centre = lambda i: (X + (i % wd + 0.5) * iw / wd, Y + (i // wd + 0.5) * ih / h)  # noqa: E731
    if mode == "taylorcam" and w._dims["Bp"] > 0 and int(w.top_k) > 0:
        pairs = top_pairs(np.asarray(w.pair_scores[b]), int(w.top_k))
        top = pairs[0][2] if pairs else 0
        for k, (i, j, s) in reversed(list(enumerate(pairs))):
            color = "#ff00ff" if k == 0 else "#ffffff"
            c.lines([[centre(i), centre(j)]], color, 1.1 * (1.5 + 3 * (s / top if top > 0 else 0)), zorder=4)
            c.dots([centre(i)[0], centre(j)[0]], [centre(i)[1], centre(j)[1]], 0.03, color, zorder=5)
    if 0 <= sel < h * wd:
        cx, cy = centre(sel)
        c.frame(cx - iw / wd / 2, cy - ih / h / 2, iw / wd, ih / h, "white", 1.5)
    lx = X + iw + 0.12
    c.color_bar(cam_lut(w.colormap), lx, Y, 0.14, ih, 0.0, vmax if vmax > 0 else 1.0,
                caption=ellipsize(w.map_labels.get(mode, MODE_LABEL[mode]), 90))
    if float(w.threshold) > 0 and vmax > 0:
        yc = Y + ih * (1 - float(w.threshold))
        c.lines([[(lx - 0.03, yc), (lx + 0.17, yc)]], "black", 1.0, zorder=5)
        c.text(lx - 0.05, yc, f"cut {fmt(float(w.threshold) * vmax)}", size=6.5, ha="right", color="#444")
    return c.fig
