"""Pictures of the dataset views of a batch (B ≥ 2): the interaction summary, the network and
the drill-down's dependence plot, as js/src/views/dataset draws them (same statistics, colours,
beeswarm and seeded layout)."""
from __future__ import annotations

import numpy as np

from ..serialize import batch_pair_stats
from .canvas import Canvas, ellipsize
from .colors import diverging_rgb, value_lut, value_range, value_rgb
from .layouts import beeswarm, build_network, top_pairs

ROW_H, LABEL_W, BAR_W = 0.26, 2.0, 0.8  # inches: the view's 26 px rows, 200 px labels, 64 px colour bar


def pair_stats(M: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mean |Γ_ij|, mean Γ_ij) over the batch: the numbers the view gets with the matrix
    (serialize.batch_pair_stats), so that ties and the layout come out the same to the last bit."""
    stats = batch_pair_stats(np.asarray(M, dtype=np.float32))
    return stats[0], stats[1]


def node_sizes(w, mean_abs: np.ndarray) -> tuple[np.ndarray, str]:
    """mean |φ_i| over the batch, or the row mass Σ_j mean |Γ_ij| without attributions."""
    B, d = w._dims["B"], w._dims["d"]
    phi = w.attributions
    if phi.ndim == 2 and phi.shape == (B, d):
        out = np.zeros(d)
        for b in range(B):
            out += np.abs(phi[b].astype(np.float64)) / B
        return out, "mean |φ_i|"
    return mean_abs.sum(1), "Σ_j mean |Γ_ij|"


def inputs_of(w):
    """(B, d) input values, or None."""
    B, d = w._dims["B"], w._dims["d"]
    return np.asarray(w.inputs, dtype=np.float64) if w.inputs.ndim == 2 and w.inputs.shape == (B, d) else None


def summary_block(w, v: dict) -> dict:
    """One row per pair with the largest mean |Γ_ij|; each sample a dot at its Γ_ij, packed as a
    beeswarm and coloured by the value of feature i (5th–95th percentile)."""
    M, d, B = np.asarray(w.matrix), v["d"], v["B"]
    mean_abs, _ = pair_stats(M)
    pairs = top_pairs(mean_abs, min(int(w.top_pairs), d * (d - 1) // 2))
    X = inputs_of(w)
    plot = 5.0
    cols = [M[:, i, j].astype(np.float64) for i, j, _ in pairs]
    lo = min([0.0] + [float(c.min()) for c in cols])
    hi = max([0.0] + [float(c.max()) for c in cols])
    pad = (hi - lo) * 0.04 or 1.0
    lo, hi = (lo - pad if lo < 0 else 0.0), (hi + pad if hi > 0 else (0.0 if lo < 0 else 1.0))
    r_px = 1.5 if B > 500 else 2.0 if B > 200 else 2.5
    rows_h = ROW_H * len(pairs)

    def draw(c: Canvas, X0: float, Y: float):
        x0 = X0 + LABEL_W
        px = lambda val: x0 + 0.08 + (val - lo) / (hi - lo) * (plot - 0.16)  # noqa: E731
        pair, names = v["pair"], v["names"]
        bands, fills, xs_all, ys_all, cs_all = [], [], [], [], []
        for k, ((i, j, _), col) in enumerate(zip(pairs, cols)):
            if pair and sorted(pair) == [i, j]:
                bands.append((x0, Y + k * ROW_H, plot, ROW_H))
                fills.append("#1976d21f")
            elif k % 2:
                bands.append((x0, Y + k * ROW_H, plot, ROW_H))
                fills.append("#00000008")
            xs = px(col)
            ys, _ = beeswarm(xs * 100, r_px, ROW_H * 50 - r_px - 1)  # packed in the view's pixels
            xs_all.append(xs)
            ys_all.append(Y + (k + 0.5) * ROW_H + ys / 100)
            cs_all.append(value_rgb(X[:, i], *value_range(X[:, i])) if X is not None else np.tile([0.62] * 3, (B, 1)))
            c.text(x0 - 0.05, Y + (k + 0.5) * ROW_H, ellipsize(f"{names[i]} × {names[j]}", 32), size=7.5, ha="right",
                   fontweight="bold" if pair and sorted(pair) == [i, j] else "normal")
        c.boxes["summary"] = (x0, Y, plot, rows_h)
        c.boxes["summary_dots"] = (np.concatenate(xs_all) if pairs else np.zeros(0),
                                   np.concatenate(ys_all) if pairs else np.zeros(0))
        c.rects(bands, fills, zorder=1.5)
        c.lines([[(px(0.0), Y), (px(0.0), Y + rows_h)], [(x0, Y + rows_h), (x0 + plot, Y + rows_h)]], "#999", 0.8)
        if pairs:
            c.dots(np.concatenate(xs_all), np.concatenate(ys_all), r_px / 100, np.concatenate(cs_all))
            s = v["sample"]
            c.dots([xs[s] for xs in xs_all], [ys[s] for ys in ys_all], r_px / 100 + 0.015, "none", edge="black",
                   lw=0.9, zorder=5)
        c.axis_ticks(x0 + 0.08, Y + rows_h, plot - 0.16, lo, hi, 6)
        c.text(x0 + plot / 2, Y + rows_h + 0.3, f"Γ_ij of each sample ({ellipsize(v['label'], 50)})", size=8, ha="center")
        c.color_bar(value_lut(), x0 + plot + 0.1, Y + 0.05, 0.12, max(0.5, rows_h - 0.1), 0, 1,
                    labels=[(0, "low"), (1, "high")], caption="feature value")
        c.text(X0, Y + rows_h + 0.55, "dots: samples, coloured by the value of the row's first feature (5th–95th "
               "percentile)" if X is not None else "no input values: dots are grey (pass x=)", size=7, color="#555")

    return {"w": LABEL_W + plot + BAR_W, "h": rows_h + 0.7, "draw": draw}


def network_block(w, v: dict) -> dict:
    """Features as nodes (area ∝ mean |φ_i|), the top-k pairs by mean |Γ_ij| as edges coloured by
    the sign of the mean Γ_ij, placed by the view's seeded layout."""
    M = np.asarray(w.matrix)
    mean_abs, mean = pair_stats(M)
    sizes, by = node_sizes(w, mean_abs)
    net = build_network(mean_abs, mean, sizes, int(w.network_edges), int(w.layout_seed))
    S, margin, label_w = 5.6, 0.28, 1.1  # the view's square canvas, margin and label room (inches)

    def draw(c: Canvas, X: float, Y: float):
        pos = net["pos"]
        inner = S - 2 * margin - label_w
        cx = X + margin + pos[:, 0] * inner if len(pos) else np.zeros(0)
        cy = Y + margin + pos[:, 1] * (S - 2 * margin) if len(pos) else np.zeros(0)
        c.boxes["network"] = (X, Y, S, S)
        c.boxes["network_nodes"] = (list(net["nodes"]), cx, cy)
        pos_c, neg_c = diverging_rgb(np.array([0.8, -0.8]), 1.0, v["scheme"]) / 255
        wmax = max([e["w"] for e in net["edges"]] + [1e-300])
        sel, pair = v["selected"], v["pair"]
        paths = [[(cx[e["a"]], cy[e["a"]]), (cx[e["b"]], cy[e["b"]])] for e in net["edges"]]
        colors = [np.append(neg_c if e["sign"] < 0 else pos_c, 0.25 if sel >= 0 and sel not in (e["i"], e["j"]) else 0.85)
                  for e in net["edges"]]
        c.lines(paths, colors, [0.72 * (1 + 5 * e["w"] / wmax) for e in net["edges"]], zorder=2)
        chosen = [p for p, e in zip(paths, net["edges"]) if pair and sorted(pair) == [e["i"], e["j"]]]
        c.lines(chosen, "black", 0.8, style="dashed", zorder=3)
        smax = max([float(sizes[f]) for f in net["nodes"]] + [0.0])
        radii = np.array([4 + 12 * np.sqrt(sizes[f] / smax if smax > 0 else 0.0) for f in net["nodes"]]) / 100
        on = np.array([f == sel for f in net["nodes"]])
        if len(radii):
            c.dots(cx, cy, radii, np.where(on[:, None], [[0.098, 0.463, 0.824]], [[0.91, 0.91, 0.91]]),
                   edge="#555", lw=0.7, zorder=4)
        for p, f in enumerate(net["nodes"]):
            c.text(cx[p] + radii[p] + 0.03, cy[p], ellipsize(v["names"][f], 16), size=7.5)
        n, d = len(net["nodes"]), v["d"]
        shown = f" ({n} of {d} shown: the edges' ends and the strongest)" if n < d else ""
        c.text(X, Y + S + 0.12, f"nodes: features, area ∝ {by} over {v['B']} samples{shown}", size=7, color="#555")
        c.text(X, Y + S + 0.28, f"edges: the {len(net['edges'])} largest mean |Γ_ij|, width ∝ strength, blue: mean Γ_ij > 0, "
               f"red: < 0; layout seed {int(w.layout_seed)}", size=7, color="#555")

    return {"w": S, "h": S + 0.4, "draw": draw}


def dependence_block(w, v: dict) -> dict | None:
    """Γ_ij (or φ_i) of each sample against x_i, coloured by x_j, with a colour bar; None without inputs."""
    X = inputs_of(w)
    if X is None:
        return None
    i, names, M = v["selected"], v["names"], np.asarray(w.matrix)
    pair = v["pair"]
    if pair and i in pair and pair[0] != pair[1]:
        j = pair[1] if pair[0] == i else pair[0]
    else:
        mean_abs, _ = pair_stats(M)
        row = mean_abs[i].copy()
        row[i] = -1
        j = int(np.argmax(row))
    attr = w.dependence == "attribution" and w.attributions.ndim == 2
    ys = np.asarray(w.attributions[:, i] if attr else M[:, i, j], dtype=np.float64)
    lo, hi = value_range(X[:, j])
    ylab = f"φ_{names[i]}" if attr else f"Γ_{names[i]},{names[j]}"
    W, H, L, R, T, Bm = 3.3, 2.0, 0.5, 0.75, 0.05, 0.4

    def draw(c: Canvas, X0: float, Y: float):
        x0, x1 = float(X[:, i].min()), float(X[:, i].max())
        y0, y1 = min(0.0, float(ys.min())), max(0.0, float(ys.max()))
        px_, py_ = (x1 - x0) * 0.05 or 0.5, (y1 - y0) * 0.08 or 0.5
        x0, x1, y0, y1 = x0 - px_, x1 + px_, y0 - py_, y1 + py_
        pw, ph = W - L - R, H - T - Bm
        fx = lambda a: X0 + L + (a - x0) / (x1 - x0) * pw  # noqa: E731
        fy = lambda a: Y + T + (1 - (a - y0) / (y1 - y0)) * ph  # noqa: E731
        c.boxes["dependence"] = (X0 + L, Y + T, pw, ph)
        c.frame(X0 + L, Y + T, pw, ph)
        c.lines([[(X0 + L, fy(0.0)), (X0 + L + pw, fy(0.0))]], "#888", 0.5, alpha=0.6)
        c.dots(fx(X[:, i]), fy(ys), 0.03, value_rgb(X[:, j], lo, hi))
        s = v["sample"]
        if 0 <= s < len(ys):
            c.dots([fx(X[s, i])], [fy(ys[s])], 0.05, "none", edge="black", lw=0.9, zorder=5)
        c.axis_ticks(X0 + L, Y + T + ph, pw, x0, x1, 4)
        c.value_ticks(X0 + L, Y + T, ph, y0, y1, 4)
        c.text(X0 + L + pw / 2, Y + H - 0.05, f"{ellipsize(names[i], 28)} (input value)", size=7, ha="center", va="bottom")
        c.color_bar(value_lut(), X0 + L + pw + 0.08, Y + T, 0.1, ph, lo, hi, caption=ellipsize(names[j], 22))

    return {"w": W, "h": H, "draw": draw,
            "caption": f"dependence over {v['B']} samples: {ylab} against {names[i]}, coloured by {names[j]}"}
