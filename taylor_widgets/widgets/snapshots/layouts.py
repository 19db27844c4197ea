"""The views' layouts in Python, for the pictures: the beeswarm of the summary
(js/src/lib/beeswarm.js) and the seeded network layout (js/src/lib/network.js).

The network layout runs the JS arithmetic in the same order (only +, −, ×, ÷ and sqrt, which IEEE
754 rounds alike in both languages), so the picture's nodes sit where the live view puts them;
tests/widgets/test_snapshots.py checks it against Node.
"""
from __future__ import annotations

import math

import numpy as np

MAX_NODES = 60
_M32 = 0xFFFFFFFF


def _imul(a: int, b: int) -> int:
    """JS Math.imul: the low 32 bits of a·b, as an unsigned int."""
    return (a * b) & _M32


def mulberry32(seed: int):
    """The JS mulberry32 generator: uniform floats in [0, 1)."""
    state = seed & _M32

    def rand() -> float:
        nonlocal state
        state = (state + 0x6D2B79F5) & _M32
        a = state
        t = _imul(a ^ (a >> 15), a | 1)
        t = ((t + _imul(t ^ (t >> 7), t | 61)) & _M32) ^ t
        return ((t ^ (t >> 14)) & _M32) / 4294967296

    return rand


def top_pairs(score: np.ndarray, k: int) -> list[tuple[int, int, float]]:
    """The k pairs i < j with the largest score[i, j], ties by (i, j) (dataset.js `topPairs`)."""
    d = score.shape[0]
    iu, ju = np.triu_indices(d, 1)
    s = score[iu, ju]
    ok = ~np.isnan(s)
    iu, ju, s = iu[ok], ju[ok], s[ok]
    order = np.lexsort((ju, iu, -s))[:max(0, int(k))]
    return [(int(iu[o]), int(ju[o]), float(s[o])) for o in order]


def beeswarm(xs, r: float, half: float = math.inf) -> tuple[np.ndarray, float]:
    """Offsets (px) of dots of radius r at pixel x positions, overlapping none placed before them,
    smallest |y| first (the positive on a tie); squeezed to ±half (beeswarm.js `beeswarm`)."""
    xs = np.asarray(xs, dtype=np.float64)
    n = xs.size
    ys = np.zeros(n)
    idx = sorted((k for k in range(n) if np.isfinite(xs[k])), key=lambda k: (xs[k], k))
    D = 2 * r
    D2 = D * D
    placed, start, top = [], 0, 0.0
    for k in idx:
        x = xs[k]
        while start < len(placed) and x - xs[placed[start]] >= D:
            start += 1
        iv = []
        for j in placed[start:]:
            dx = x - xs[j]
            h = math.sqrt(max(0.0, D2 - dx * dx))
            if h > 0:
                iv.append((ys[j] - h, ys[j] + h))
        best = 0.0
        if any(lo < 0 < hi for lo, hi in iv):
            best = math.inf
            for lo, hi in iv:
                for y in (hi, lo):
                    free = all(not (a < y < b) for a, b in iv)
                    if free and (abs(y) < abs(best) or (abs(y) == abs(best) and y > best)):
                        best = y
        ys[k] = best
        top = max(top, abs(best))
        placed.append(k)
    squeeze = half / top if top > half and half > 0 else 1.0
    return ys * squeeze, squeeze


def network_edges(mean_abs: np.ndarray, mean: np.ndarray, k: int) -> list[dict]:
    """Top-k pairs by mean |Γ_ij| with the sign of the mean Γ_ij (network.js `networkEdges`)."""
    return [{"i": i, "j": j, "w": w, "sign": -1 if mean[i, j] < 0 else 1} for i, j, w in top_pairs(mean_abs, k) if w > 0]


def network_nodes(d: int, edges: list[dict], sizes: np.ndarray, max_nodes: int = MAX_NODES) -> list[int]:
    """All features up to max_nodes; beyond, the edges' ends, then the largest sizes (network.js)."""
    if d <= max_nodes:
        return list(range(d))
    keep: list[int] = []
    for e in edges:
        if len(keep) >= max_nodes:
            break
        for f in (e["i"], e["j"]):
            if f not in keep:
                keep.append(f)
    for f in sorted(range(d), key=lambda i: (-sizes[i], i)):
        if len(keep) >= max_nodes:
            break
        if f not in keep:
            keep.append(f)
    return sorted(keep)


def force_layout(n: int, edges: list[dict], seed: int = 0, iterations: int | None = None) -> np.ndarray:
    """(n, 2) positions in [0, 1]²: seeded Fruchterman–Reingold, as network.js `forceLayout`."""
    rand = mulberry32(seed)
    pos = [rand() for _ in range(2 * n)]
    if n < 2:
        return np.array([[0.5, 0.5]] if n == 1 else np.zeros((0, 2)))
    iters = iterations if iterations is not None else (100 if n <= 100 else 50)
    K = math.sqrt(1 / n)
    K2 = K * K
    wmax = 0.0
    for e in edges:
        if e["w"] > wmax:
            wmax = e["w"]
    for it in range(iters):
        temp = 0.1 * (1 - it / iters)
        disp = [0.0] * (2 * n)
        for a in range(n):
            ax, ay = pos[2 * a], pos[2 * a + 1]
            sx = sy = 0.0
            for b in range(a + 1, n):
                dx = ax - pos[2 * b]
                dy = ay - pos[2 * b + 1]
                d2 = dx * dx + dy * dy
                if d2 < 1e-12:
                    dx = 1e-6 * (a - b)
                    dy = 1e-6
                    d2 = dx * dx + dy * dy
                f = K2 / d2
                fx, fy = dx * f, dy * f
                sx += fx
                sy += fy
                disp[2 * b] -= fx
                disp[2 * b + 1] -= fy
            disp[2 * a] += sx
            disp[2 * a + 1] += sy
        for e in edges:
            a, b = e["a"], e["b"]
            dx = pos[2 * a] - pos[2 * b]
            dy = pos[2 * a + 1] - pos[2 * b + 1]
            dist = math.sqrt(dx * dx + dy * dy)
            f = (dist / K) * ((0.5 + (0.5 * e["w"]) / wmax) if wmax > 0 else 1)
            disp[2 * a] -= dx * f
            disp[2 * a + 1] -= dy * f
            disp[2 * b] += dx * f
            disp[2 * b + 1] += dy * f
        for a in range(n):
            gx = 0.5 - pos[2 * a]
            gy = 0.5 - pos[2 * a + 1]
            dx = disp[2 * a] + gx * (0.1 / K)
            dy = disp[2 * a + 1] + gy * (0.1 / K)
            ln = math.sqrt(dx * dx + dy * dy)
            if ln > 0:
                step = ln if ln < temp else temp
                pos[2 * a] += (dx / ln) * step
                pos[2 * a + 1] += (dy / ln) * step
    xs, ys = pos[0::2], pos[1::2]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    span = max(x1 - x0, y1 - y0) or 1
    ox, oy = (span - (x1 - x0)) / 2, (span - (y1 - y0)) / 2
    return np.array([[(x - x0 + ox) / span, (y - y0 + oy) / span] for x, y in zip(xs, ys)])


def build_network(mean_abs: np.ndarray, mean: np.ndarray, sizes: np.ndarray, k: int, seed: int) -> dict:
    """Nodes, edges between node positions and the layout (network.js `buildNetwork`)."""
    d = mean_abs.shape[0]
    edges = network_edges(mean_abs, mean, k)
    nodes = network_nodes(d, edges, sizes)
    at = {f: p for p, f in enumerate(nodes)}
    drawn = [{**e, "a": at[e["i"]], "b": at[e["j"]]} for e in edges if e["i"] in at and e["j"] in at]
    return {"nodes": nodes, "edges": drawn, "pos": force_layout(len(nodes), drawn, seed)}
