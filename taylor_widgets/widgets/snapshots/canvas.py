"""A figure drawn like the browser's canvas: one axes filling the figure, in inches, y down.

Every picture is laid out on one such axes. matplotlib's per-axes and per-tick machinery (an
Axis with Tick objects, each two lines and two texts) costs more than the rest of a picture, so
labels and ticks here are plain texts and bars are one collection: a 30-feature picture with its
drill-down draws a few dozen artists.
"""
from __future__ import annotations

import numpy as np

from .scales import fmt


class Canvas:
    """A w × h inch figure at `dpi` whose one axes maps (x, y) inches from the top-left corner."""

    def __init__(self, w: float, h: float, dpi: int = 100):
        import matplotlib.pyplot as plt

        self.w, self.h = w, h
        self.fig = plt.figure(figsize=(w, h), dpi=dpi)
        self.fig.patch.set_facecolor("white")
        ax = self.fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, w)
        ax.set_ylim(h, 0)
        ax.set_autoscale_on(False)
        ax.axis("off")
        self.ax = ax
        #: Where the parts were drawn, (x, y, w, h) in inches from the top-left: tests read the
        #: pixels of a part through it (the figure carries it as `fig.tw_boxes`).
        self.boxes: dict = {}
        self.fig.tw_boxes = self.boxes

    def image(self, rgb: np.ndarray, x: float, y: float, w: float, h: float):
        """An (r, c, 3) uint8 image filling the box, cells as crisp squares (no smoothing)."""
        self.ax.imshow(rgb, extent=(x, x + w, y + h, y), interpolation="nearest", aspect="auto", zorder=1)

    def text(self, x: float, y: float, s: str, size: float = 8, color: str = "#222", ha="left", va="center", **kw):
        return self.ax.text(x, y, s, fontsize=size, color=color, ha=ha, va=va, clip_on=False, **kw)

    def rects(self, boxes, colors, zorder=2):
        """Filled rectangles (x, y, w, h) in one collection."""
        from matplotlib.collections import PolyCollection

        polys = [[(x, y), (x + w, y), (x + w, y + h), (x, y + h)] for x, y, w, h in boxes]
        if polys:
            self.ax.add_collection(PolyCollection(polys, facecolors=colors, edgecolors="none", zorder=zorder))

    def frame(self, x, y, w, h, color="#888", lw=0.6):
        self.lines([[(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)]], color, lw)

    def lines(self, paths, colors, widths=0.8, alpha=1.0, zorder=3, style="solid"):
        """Polylines (lists of (x, y)) in one collection."""
        from matplotlib.collections import LineCollection

        if len(paths):
            self.ax.add_collection(LineCollection(paths, colors=colors, linewidths=widths, alpha=alpha, zorder=zorder,
                                                  linestyles=style, capstyle="round"))

    def dots(self, xs, ys, radius_in, colors, edge=None, zorder=4, lw=0.0):
        """Discs of radius `radius_in` inches (a scalar or one per dot)."""
        s = (np.asarray(radius_in) * 72 * 2) ** 2 * np.pi / 4
        self.ax.scatter(xs, ys, s=s, c=colors, edgecolors=edge if edge is not None else "none", linewidths=lw,
                        zorder=zorder)

    def color_bar(self, table: np.ndarray, x, y, w, h, lo: float, hi: float, labels=None, caption: str = ""):
        """A vertical bar of a (k, 3) uint8 table, high on top, with nice ticks of lo..hi (or
        `labels` = [(0..1 from the bottom, text)]) and a caption along its right side."""
        from .scales import nice_ticks, tick_text

        self.image(np.asarray(table)[::-1, None, :], x, y, w, h)
        self.frame(x, y, w, h)
        marks = labels if labels is not None else [((t - lo) / (hi - lo) if hi > lo else 0.5, tick_text(t))
                                                   for t in nice_ticks(lo, hi, 5)]
        width = 0.0
        for pos, s in marks:
            self.text(x + w + 0.04, y + h * (1 - pos), s, size=6.5, color="#444")
            width = max(width, len(s))
        if caption:
            self.text(x + w + 0.1 + width * 0.055, y + h / 2, caption, size=6.5, color="#444", rotation=90, ha="left")

    def axis_ticks(self, x, y, w, lo, hi, count=5, up=False):
        """Tick labels of a horizontal axis at y from x (value lo) to x + w (value hi)."""
        from .scales import nice_ticks, tick_text

        ts = nice_ticks(lo, hi, count)
        px = [x + (t - lo) / (hi - lo) * w for t in ts]
        self.lines([[(p, y), (p, y + 0.04)] for p in px], "#888", 0.6)
        for p, t in zip(px, ts):
            self.text(p, y + 0.06, tick_text(t), size=6.5, color="#555", ha="center", va="top")

    def value_ticks(self, x, y, h, lo, hi, count=4):
        """Tick labels of a vertical axis at x from y + h (value lo) to y (value hi)."""
        from .scales import nice_ticks, tick_text

        for t in nice_ticks(lo, hi, count):
            self.text(x - 0.04, y + h * (1 - (t - lo) / (hi - lo)), tick_text(t), size=6.5, color="#555", ha="right")


def ellipsize(text: str, n: int) -> str:
    """At most n characters: longer text is cut, trailing spaces dropped, and ends with "…"."""
    s = str(text)
    return s if len(s) <= n else s[: max(0, n - 1)].rstrip() + "…"


__all__ = ["Canvas", "ellipsize", "fmt"]
