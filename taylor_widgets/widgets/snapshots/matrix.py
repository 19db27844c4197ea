"""The picture of InteractionMatrix / Explorer (and the standalone dataset views): the current
main view (the heatmap with its labels, colour bar and the diagonal mode's note; or the summary;
or the network) and, beside it, the drill-down of the selected feature, laid out as the view's
PNG export lays them out (js/src/views/matrix/export.js). Drawn from the widget's traits only."""
from __future__ import annotations

import textwrap

import numpy as np

from . import orders
from .canvas import Canvas, ellipsize
from .colors import HIDDEN_RGB, diverging_rgb, lut
from .scales import diagonal_note, diagonal_scale, fmt

MAX_LABELLED = 60  # js/src/lib/layout.js: more rows than this cannot be read as text
MAX_PARTNERS = 12  # js/src/views/matrix/drill_panel.js
PAD, TITLE_H, GAP, DRILL_W, LINE = 0.12, 0.3, 0.25, 3.7, 0.17


def symbol(label: str) -> str:
    """The symbol of one matrix entry in a value label (state.js `entrySymbol`)."""
    for sym in ("∂²f", "Γ", "ω"):
        if sym in (label or ""):
            return sym
    return "Γ"


def view_state(w) -> dict:
    """What the live view derives from the traits (js/src/views/matrix/state.js), in numpy."""
    B, d = w._dims["B"], w._dims["d"]
    is_global = w.view == "global" and w.global_matrix.ndim == 2
    sample = min(max(int(w.sample), 0), max(B - 1, 0))
    m = np.asarray(w.global_matrix if is_global else w.matrix[sample], dtype=np.float64)

    def per_sample(a):
        return None if is_global or a.ndim != 2 or a.shape != (B, d) else np.asarray(a[sample], dtype=np.float64)

    phi = per_sample(w.attributions)
    scores = orders.feature_scores(phi, m)
    label = (w.global_label or "global over data") if is_global else (w.value_label or "Γ")
    scale = diagonal_scale(m, w.diagonal, (w.color_scale or {}).get("vmax"))
    scale["note"] = diagonal_note(scale, symbol(label))
    sel = int(w.selected)
    tab = w.tab if w.tab in w._tabs else w._tabs[0]
    return {
        "B": B, "d": d, "m": m, "global": is_global, "sample": sample, "phi": phi, "label": label,
        "visible": orders.visible(orders.make_order(w.order, m, scores), scores, int(w.top_n)), "scale": scale,
        "scheme": (w.color_scale or {}).get("scheme", "RdBu"), "non_negative": bool((m >= 0).all()),
        "names": list(w.feature_names), "selected": sel if 0 <= sel < d else -1,
        "pair": list(w.selected_pair) if len(w.selected_pair) == 2 else None,
        "inputs": per_sample(w.inputs), "baselines": per_sample(w.baselines), "title": w.title or "",
        "tab": tab if tab == "matrix" or B >= 2 else ("matrix" if "matrix" in w._tabs else tab),
    }


def main_label(v: dict) -> str:
    """What the title says the main view shows (mount.js `mainLabel`)."""
    if v["tab"] == "summary":
        return f"interaction summary over {v['B']} samples ({v['label']})"
    if v["tab"] == "network":
        return f"interaction network over {v['B']} samples ({v['label']})"
    return v["label"]


def matrix_figure(w):
    """The figure of the widget's current view (see the module docstring)."""
    from . import dataset

    v = view_state(w)
    block = {"summary": dataset.summary_block, "network": dataset.network_block}.get(v["tab"], heatmap_block)(w, v)
    drill = drill_block(w, v) if v["selected"] >= 0 else None
    W = 2 * PAD + block["w"] + (GAP + DRILL_W if drill else 0)
    H = 2 * PAD + TITLE_H + max(block["h"], drill["h"] if drill else 0)
    c = Canvas(W, H)
    c.text(PAD, PAD, ellipsize(f"{v['title'] or 'Interactions'} — {main_label(v)}", int(W * 13)), size=10.5,
           va="top", fontweight="bold")
    block["draw"](c, PAD, PAD + TITLE_H)
    if drill:
        drill["draw"](c, PAD + block["w"] + GAP, PAD + TITLE_H)
    return c.fig


def heatmap_block(w, v: dict) -> dict:
    """The heatmap as drawn (colours, order, hidden or clipped diagonal), labels, colour bar, note."""
    vis, m, sc = v["visible"], v["m"], v["scale"]
    n = len(vis)
    labelled = 0 < n <= MAX_LABELLED
    label_w = 1.35 if labelled else 0.0
    plot = 4.6 if n > 0 else 1.0
    note = textwrap.wrap(sc["note"], 100) if sc["note"] else []
    legend_w = 0.95
    wd, ht = label_w + plot + legend_w, label_w + plot + 0.14 * len(note) + (0.1 if note else 0)

    def draw(c: Canvas, X: float, Y: float):
        x0, y0 = X + label_w, Y + label_w
        sub = m[np.ix_(vis, vis)]
        rgb = diverging_rgb(sub, sc["vmax"], v["scheme"])
        if sc["hide_diagonal"]:
            rgb[np.arange(n), np.arange(n)] = HIDDEN_RGB
        c.image(rgb, x0, y0, plot, plot)
        c.boxes["heatmap"] = (x0, y0, plot, plot)
        c.frame(x0, y0, plot, plot)
        cell = plot / max(n, 1)
        if labelled:
            fs = 8 if n <= 20 else 6.5 if n <= 40 else 5
            for k, i in enumerate(vis):
                on = i == v["selected"]
                style = {"size": fs, "color": "#1976d2" if on else "#222", "fontweight": "bold" if on else "normal"}
                name = ellipsize(v["names"][i], 20)
                c.text(x0 - 0.04, y0 + (k + 0.5) * cell, name, ha="right", **style)
                c.text(x0 + (k + 0.5) * cell, y0 - 0.04, name, ha="center", va="bottom", rotation=90, **style)
        if labelled and (sc["hide_diagonal"] or sc["clip_diagonal"]):
            ks = [k for k in range(n) if sc["hide_diagonal"] or abs(sub[k, k]) > sc["vmax"]]
            mid = [x0 + (k + 0.5) * cell for k in ks]
            if sc["hide_diagonal"]:
                c.lines([[(p - 0.3 * cell, p2 + 0.3 * cell), (p + 0.3 * cell, p2 - 0.3 * cell)]
                         for p, p2 in zip(mid, [y0 + (k + 0.5) * cell for k in ks])], "#00000059", 0.8)
            else:  # the diamond the live view draws on a clipped diagonal cell
                r = max(0.03, 0.18 * cell)
                c.ax.scatter(mid, [y0 + (k + 0.5) * cell for k in ks], marker="D", s=(r * 72) ** 2, c="white",
                             edgecolors="black", linewidths=0.6, zorder=5)
        if v["selected"] in vis:
            k = vis.index(v["selected"])
            c.frame(x0, y0 + k * cell, plot, cell, "#0000008c", 0.9)
            c.frame(x0 + k * cell, y0, cell, plot, "#0000008c", 0.9)
        low = 0.0 if v["non_negative"] else -sc["vmax"]
        table = lut(v["scheme"])[128:] if v["non_negative"] else lut(v["scheme"])
        c.color_bar(table, x0 + plot + 0.1, y0, 0.14, plot, low, sc["vmax"],
                    caption=ellipsize(f"{v['label']}, ±{fmt(sc['vmax'])}{' (auto)' if sc['auto'] else ''}", 70))
        for k, line in enumerate(note):
            c.text(X, y0 + plot + 0.12 + 0.14 * k, line, size=7.5, color="#555")

    return {"w": wd, "h": ht, "draw": draw}


def drill_block(w, v: dict) -> dict:
    """The drill-down of the selected feature: its numbers, its strongest partners as signed bars,
    and (B ≥ 2 with inputs) the dependence plot."""
    from . import dataset

    i, m, d, names = v["selected"], v["m"], v["d"], v["names"]
    stats = [("ranked by", ellipsize(v["label"], 44)), ("diagonal", fmt(m[i, i]))] if v["global"] else [
        ("Γ_ii (main effect)", fmt(m[i, i])), ("φ_i (attribution)", fmt(v["phi"][i]) if v["phi"] is not None else "–"),
        ("input", fmt(v["inputs"][i]) if v["inputs"] is not None else "–"),
        ("baseline", fmt(v["baselines"][i]) if v["baselines"] is not None else "–")]
    row = m[i]
    order = sorted((j for j in range(d) if j != i), key=lambda j: (-abs(row[j]) if np.isfinite(row[j]) else 1.0, j))
    order = order[:MAX_PARTNERS]
    dep = dataset.dependence_block(w, v) if v["B"] >= 2 else None
    h = LINE * (2 + len(stats) + 1 + len(order)) + 0.2 + (dep["h"] + 0.3 if dep else 0)

    def draw(c: Canvas, X: float, Y: float):
        c.boxes["drill"] = (X, Y, DRILL_W, h)
        c.text(X, Y + LINE / 2, ellipsize(names[i], 44), size=10, fontweight="bold")
        y = Y + LINE * 1.5
        for a, b in stats:
            c.text(X, y + LINE / 2, a, size=8, color="#666")
            c.text(X + 1.35, y + LINE / 2, b, size=8)
            y += LINE
        y += 0.08
        c.text(X, y + LINE / 2, "partner", size=8, color="#666")
        c.text(X + 1.6, y + LINE / 2, "global" if v["global"] else "Γ_ij", size=8, color="#666")
        y += LINE
        vals = np.array([row[j] for j in order])
        lim = float(np.abs(vals).max()) if vals.size and np.abs(vals).max() > 0 else 1.0
        bx, bw = X + 2.3, 1.3
        vm = v["scale"]["vmax"]
        cols = diverging_rgb(np.sign(vals) * np.maximum(np.abs(vals), 0.6 * vm), vm, v["scheme"]) / 255
        boxes, fills = [(bx, y + k * LINE + 0.03, bw, LINE - 0.06) for k in range(len(order))], ["#f2f2f2"] * len(order)
        pair = v["pair"]
        for k, j in enumerate(order):
            frac = abs(vals[k]) / lim / 2
            boxes.append((bx + bw / 2 if vals[k] >= 0 else bx + bw * (0.5 - frac), y + k * LINE + 0.03, bw * frac, LINE - 0.06))
            fills.append(cols[k])
            on = bool(pair and pair[0] == i and pair[1] == j)
            c.text(X, y + (k + 0.5) * LINE, ellipsize(names[j], 26), size=7.5, color="#1565c0",
                   fontweight="bold" if on else "normal")
            c.text(X + 1.6, y + (k + 0.5) * LINE, fmt(vals[k]), size=7.5)
        c.rects(boxes, fills)
        c.lines([[(bx + bw / 2, y), (bx + bw / 2, y + LINE * len(order))]], "#888", 0.6)
        y += LINE * len(order) + 0.2
        if dep:
            c.text(X, y + LINE / 2, ellipsize(dep["caption"], 60), size=8, color="#666")
            dep["draw"](c, X, y + 0.3)

    return {"w": DRILL_W, "h": h, "draw": draw}
