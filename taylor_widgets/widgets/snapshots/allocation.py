"""The picture of AllocationView: one row per method with its P1–P3 marks and its stacked bars,
each row on its own scale (or a shared one, robust or not) printed on the row, as
js/src/views/allocation/bars.js draws them; and the legend of the four segment kinds."""
from __future__ import annotations

import numpy as np

from .canvas import Canvas, ellipsize
from .colors import KIND_COLORS
from .scales import fmt
from .scales import row_scales as _row_scales

KINDS = ("own", "interaction", "others", "baseline")
LABELS = {"own": "own independent effect", "interaction": "share of interactions it is in",
          "others": "taken from other players", "baseline": "given at the baseline"}


def row_scales(table: np.ndarray, mode: str = "row", robust: bool = False) -> np.ndarray:
    """(M,) scales from a (M, n, 4, 2) segment table: each bar's reach max(up, −down) (the view's
    float32 segments summed in order), then per row or shared, max or 99th percentile."""
    seg = np.asarray(table, dtype=np.float32).astype(np.float64)
    up = np.zeros(seg.shape[:2])
    down = np.zeros(seg.shape[:2])
    for k in range(seg.shape[2]):  # stacked in the JS order
        up += np.maximum(seg[:, :, k, 0], 0)
        down += np.minimum(seg[:, :, k, 1], 0)
    return _row_scales(np.maximum(up, -down), mode, robust)


def _marks(mk: dict, b: int, tol: float) -> list[tuple[str, bool, float]]:
    """[(principle, passes, measure)] of one method's marks for input b."""
    p1 = mk["P1"][b]
    p2 = max(mk["P2_leak"][b], mk["P2_amount"][b])
    p3 = max(mk["P3_leak"][b], mk["P3_amount"][b])
    return [(p, v <= tol, v) for p, v in (("P1", p1), ("P2", p2), ("P3", p3))]


def _pct(v: float) -> str:
    p = v * 100
    return "0%" if p < 0.05 else f"{p:.1f}%" if p < 10 else f"{round(p)}%"


def allocation_figure(w):
    """The figure of the view's current state (sample, scale mode, open method and player marked)."""
    b = int(w.sample)
    table = w.segment_table(b)  # (M, n, 4, 2)
    M, n = table.shape[:2]
    scales = row_scales(table, w.bar_scale, w.robust)
    label_w, mark_w, col_w, row_h, PAD = 1.7, 1.4, max(0.3, min(0.64, 6.0 / max(n, 1))), 0.48, 0.12
    plot_w = col_w * n
    W = 2 * PAD + label_w + mark_w + plot_w + 0.1
    H = 2 * PAD + 0.3 + 0.3 + 0.3 + row_h * M + 0.2
    c = Canvas(max(W, 7.5), H)
    c.text(PAD, PAD, ellipsize(w.title + (f" (input {b})" if w._dims["B"] > 1 else ""), 90), size=10.5, va="top",
           fontweight="bold")
    x = PAD
    for k in KINDS:  # legend
        c.rects([(x, PAD + 0.34, 0.12, 0.12)], [KIND_COLORS[k]])
        c.text(x + 0.16, PAD + 0.4, LABELS[k], size=7.5)
        x += 0.3 + 0.06 * len(LABELS[k])
    robust = " at the 99th percentile (longer bars cut ▲)" if w.robust else ""
    scale = (f"scale: every row spans ±{fmt(scales[0])}{robust}" if w.bar_scale == "shared"
             else f"scale: each row its own, printed at its right{robust}")
    c.text(PAD, PAD + 0.62, f"▬ net = attribution a_i;  {scale}", size=7.5, color="#555")
    x0, y0 = PAD + label_w + mark_w, PAD + 0.95
    names = list(w.feature_names)
    for i in range(n):
        on = i == w.feature
        c.text(x0 + (i + 0.5) * col_w, y0 - 0.05, ellipsize(names[i], max(3, int(col_w * 14))), size=7, ha="center",
               va="bottom", color="#1976d2" if on else "#222", fontweight="bold" if on else "normal")
    boxes, fills, ticks, cuts, zero = [], [], [], [], []
    bar_w = max(0.06, col_w * 0.6)
    for r in range(M):
        top, s = y0 + r * row_h, scales[r]
        half = (row_h - 0.08) / 2
        yv = lambda v: top + 0.04 + half * (1 - max(-1.0, min(1.0, v / s)))  # noqa: E731  (stacking.js valueY)
        if w.methods[r] == w.method:
            boxes.append((x0, top, plot_w, row_h))
            fills.append("#1976d21a")
        elif r % 2:
            boxes.append((x0, top, plot_w, row_h))
            fills.append("#00000008")
        zero.append([(x0, yv(0)), (x0 + plot_w, yv(0))])
        for i in range(n):
            bx = x0 + i * col_w + (col_w - bar_w) / 2
            pos = neg = 0.0
            for k, kind in enumerate(KINDS):
                p, q = float(table[r, i, k, 0]), float(table[r, i, k, 1])
                if p > 0:
                    boxes.append((bx, yv(pos + p), bar_w, yv(pos) - yv(pos + p)))
                    fills.append(KIND_COLORS[kind])
                    pos += p
                if q < 0:
                    boxes.append((bx, yv(neg), bar_w, yv(neg + q) - yv(neg)))
                    fills.append(KIND_COLORS[kind])
                    neg += q
            ticks.append([(bx - 0.02, yv(pos + neg)), (bx + bar_w + 0.02, yv(pos + neg))])
            if pos > s * (1 + 1e-9):
                cuts.append((bx + bar_w / 2, top + 0.03, "^"))
            if -neg > s * (1 + 1e-9):
                cuts.append((bx + bar_w / 2, top + row_h - 0.03, "v"))
        on = w.methods[r] == w.method
        c.text(x0 - mark_w - 0.06, top + row_h / 2, ellipsize(w.methods[r], 26), size=8, ha="right",
               color="#1976d2" if on else "#222", fontweight="bold" if on else "normal")
        for q, (pr, ok, v) in enumerate(_marks(w.marks[r], b, float(w.tol))):
            c.text(x0 - mark_w + 0.05 + q * 0.45, top + row_h / 2, f"{'✓' if ok else '✗'}{_pct(v)}", size=7,
                   color="#2e7d32" if ok else "#c62828")
        c.text(x0 + plot_w - 0.02, top + 0.02, f"±{fmt(float(s))}", size=6.5, color="#666", ha="right", va="top")
    c.boxes["bars"] = (x0, y0, plot_w, row_h * M)
    c.rects(boxes, fills)
    c.lines(zero, "#888", 0.6)
    c.lines(ticks, "#111", 1.4, zorder=4)
    for cx, cy, mk in cuts:
        c.ax.scatter([cx], [cy], marker=mk, s=14, c="black", zorder=5)
    c.text(x0 - mark_w + 0.05, y0 - 0.05, "P1   P2   P3 (% of mass)", size=7, color="#666", va="bottom")
    return c.fig
