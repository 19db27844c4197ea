"""The picture of TextInteractions: the sentence shown as coloured token boxes that wrap at the
view's width, the arcs of its top-k pairs above them, the selected token outlined, and the
legend of the diverging scale, as js/src/views/text/draw.js and js/src/lib/text_layout.js draw them
(px there = 1/100 inch here)."""
from __future__ import annotations

import numpy as np

from .canvas import Canvas, ellipsize
from .colors import HIDDEN_RGB, diverging_rgb, lut
from .scales import fmt

PX = 0.01  # one CSS pixel of the view, in inches at the snapshot's 100 dpi
GAP, PAD, TOKEN_H, ARC_SPACE, LINE_GAP, TOKEN_PAD, CHAR_W = 6, 8, 24, 44, 8, 12, 7.5
ARC_POS, ARC_NEG = "#2166acd9", "#b2182bd9"


def top_pairs(m: np.ndarray, n: int, k: int) -> list[tuple[int, int, float]]:
    """The k strongest pairs i < j < n by |(Γ_ij + Γ_ji)/2| (float32 as the view adds them), zeros left out,
    ties by (i, j): text_layout.js `topPairs`."""
    m = np.asarray(m, dtype=np.float32)
    pairs = [(i, j, float((np.float64(m[i, j]) + np.float64(m[j, i])) / 2)) for i in range(n) for j in range(i + 1, n)]
    pairs = [p for p in pairs if p[2] != 0]
    pairs.sort(key=lambda p: (-abs(p[2]), p[0], p[1]))
    return pairs[:max(0, k)]


def layout(widths, max_width: float) -> tuple[list[tuple[float, float, float, int]], float]:
    """Token boxes (x, y, w, line) in px and the height: text_layout.js `layoutTokens`."""
    step = ARC_SPACE + TOKEN_H + LINE_GAP
    boxes, x, line = [], PAD, 0
    for tw in widths:
        w = max(1.0, tw) + TOKEN_PAD
        if x > PAD and x + w > max_width - PAD:
            line, x = line + 1, PAD
        boxes.append((x, PAD + line * step + ARC_SPACE, w, line))
        x += w + GAP
    lines = line + 1 if boxes else 0
    return boxes, 2 * PAD + lines * step


def token_values(w, b: int) -> tuple[np.ndarray, float, str]:
    """What colours the tokens of sentence b: (values, vmax, quantity), as text_layout.js `tokenValues`."""
    n = len(w.tokens[b])
    sel = int(w.selected)
    if 0 <= sel < n:
        vals = np.asarray(w.interactions[b][sel, :n], dtype=np.float64)
        off = np.abs(np.delete(vals, sel))
        vmax = float(off.max()) if off.size and off.max() > 0 else 1.0
        return vals, vmax, "interaction"
    vals = np.asarray(w.attributions[b][:n], dtype=np.float64)
    vmax = float(np.abs(vals).max()) if n and np.abs(vals).max() > 0 else 1.0
    return vals, vmax, "attribution"


def quantity_text(w, b: int, quantity: str) -> str:
    if quantity == "interaction":
        return f"interaction with “{w.tokens[b][w.selected]}” ({w.value_label}, row {w.selected})"
    return f"attribution φ_i = Σ_j Γ_ij ({w.value_label})"


def text_figure(w, width_px: float = 720):
    """The figure of the view's current state (sentence, selection, top-k, scheme)."""
    b = int(w.sentence)
    toks = list(w.tokens[b])
    n = len(toks)
    boxes, height = layout([CHAR_W * len(t) for t in toks], width_px - 4)
    width = max(width_px, max((x + bw for x, _, bw, _ in boxes), default=0) + PAD)
    values, vmax, quantity = token_values(w, b)
    rgb = diverging_rgb(values, vmax, w.scheme)
    sel = int(w.selected)
    if quantity == "interaction":  # its Γ_ii is left out of the scale: drawn neutral, as the view does
        rgb[sel] = HIDDEN_RGB
    title_h, legend_h = 0.34, 0.5
    c = Canvas(width * PX, title_h + legend_h + height * PX)
    head = w.title + (f" (sentence {b})" if w._dims["B"] > 1 else "")
    c.text(PAD * PX, 0.17, ellipsize(head, 100), size=10.5, fontweight="bold")
    # legend: the diverging bar from −vmax to vmax and what it shows
    ly = title_h
    table = lut(w.scheme)
    c.image(table[None, :, :], PAD * PX, ly, 1.6, 0.1)
    c.boxes["legend"] = (PAD * PX, ly, 1.6, 0.1)
    c.text(PAD * PX, ly + 0.22, fmt(-vmax), size=7, color="#333")
    c.text(PAD * PX + 0.8, ly + 0.22, "0", size=7, color="#333", ha="center")
    c.text(PAD * PX + 1.6, ly + 0.22, fmt(vmax), size=7, color="#333", ha="right")
    c.text(PAD * PX + 1.75, ly + 0.05, quantity_text(w, b, quantity), size=7.5, color="#333")
    y0 = title_h + legend_h
    rects = [((x * PX), y0 + y * PX, bw * PX, TOKEN_H * PX) for x, y, bw, _ in boxes]
    c.rects(rects, [tuple(v / 255 for v in col) for col in rgb])
    c.boxes["tokens"] = rects
    for i, (x, y, bw, _) in enumerate(boxes):
        strong = abs(values[i]) / vmax > 0.55 and not (quantity == "interaction" and i == sel)
        c.text((x + bw / 2) * PX, y0 + (y + TOKEN_H / 2) * PX, toks[i], size=9, ha="center",
               color="white" if strong else "#111")
    if 0 <= sel < n:
        x, y, bw, _ = boxes[sel]
        c.frame((x - 1.5) * PX, y0 + (y - 1.5) * PX, (bw + 3) * PX, (TOKEN_H + 3) * PX, color="#111", lw=1.8)
    pairs = top_pairs(w.interactions[b], n, int(w.top_k))
    pmax = max((abs(p[2]) for p in pairs), default=1.0) or 1.0
    paths, cols, widths = [], [], []
    for i, j, v in pairs:
        (xa, ya, wa, _), (xb, yb, wb, _) = boxes[i], boxes[j]
        x0, x1 = xa + wa / 2, xb + wb / 2
        rise = min(ARC_SPACE - 4, 6 + abs(x1 - x0) / 3)
        top = min(ya, yb) - rise
        cy = 2 * top - (ya + yb) / 2
        t = np.linspace(0, 1, 32)[:, None]
        pts = (1 - t) ** 2 * np.array([x0, ya]) + 2 * t * (1 - t) * np.array([(x0 + x1) / 2, cy]) + t ** 2 * np.array([x1, yb])
        paths.append([(px * PX, y0 + py * PX) for px, py in pts])
        cols.append(ARC_POS if v > 0 else ARC_NEG)
        widths.append((1 + 4 * min(1.0, abs(v) / pmax)) * 0.75)  # px → points
    c.lines(paths, cols, widths, zorder=3)
    return c.fig
