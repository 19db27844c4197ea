"""Feature orders of the heatmap in numpy, for the pictures: js/src/lib/order.js and topk.js
(given, by score, average-linkage leaf order up to 1200 features, greedy seriation beyond; top-N),
with the same tie rules, so the picture's rows come in the view's order."""
from __future__ import annotations

import numpy as np

LINKAGE_MAX = 1200


def feature_scores(phi, m: np.ndarray) -> np.ndarray:
    """|φ_i| when known, else the row mass Σ_j |m_ij| (order.js `featureScores`)."""
    if phi is not None:
        return np.nan_to_num(np.abs(np.asarray(phi, dtype=np.float64)))
    return np.nan_to_num(np.abs(np.asarray(m, dtype=np.float64))).sum(1)


def by_score(scores: np.ndarray) -> list[int]:
    """Indices by score descending, ties to the lower index."""
    return sorted(range(len(scores)), key=lambda i: (-scores[i], i))


def average_linkage(m: np.ndarray) -> list[int]:
    """Leaf order of average-linkage clustering of the symmetrised |m| (order.js, NN-chain)."""
    d = m.shape[0]
    if d <= 2:
        return list(range(d))
    a = np.nan_to_num(np.abs(np.asarray(m, dtype=np.float64)))
    s = (a + a.T) / 2
    np.fill_diagonal(s, 0.0)
    size = np.ones(d, dtype=np.int64)
    active = np.ones(d, dtype=bool)
    members: list[list[int] | None] = [[k] for k in range(d)]
    chain: list[int] = []
    left = d
    while left > 1:
        if not chain:
            chain.append(int(np.argmax(active)))
        a_ = chain[-1]
        prev = chain[-2] if len(chain) > 1 else -1
        row = np.where(active, s[a_], -np.inf)
        row[a_] = -np.inf
        best_val = s[a_, prev] if prev >= 0 else -np.inf
        if prev >= 0:
            row[prev] = -np.inf
        c = int(np.argmax(row))
        if row[c] > best_val:
            chain.append(c)
            continue
        chain = chain[:-2]
        keep, drop = (a_, prev) if a_ < prev else (prev, a_)
        na, nb = size[keep], size[drop]
        ks = np.nonzero(active)[0]
        ks = ks[(ks != keep) & (ks != drop)]
        v = (na * s[keep, ks] + nb * s[drop, ks]) / (na + nb)
        s[keep, ks] = v
        s[ks, keep] = v
        first, second = (members[keep], members[drop]) if members[keep][0] < members[drop][0] else (members[drop], members[keep])
        members[keep] = first + second
        members[drop] = None
        size[keep] = na + nb
        active[drop] = False
        left -= 1
    return members[int(np.argmax(active))]


def seriation(m: np.ndarray) -> list[int]:
    """Greedy seriation for very large d (order.js `orderSeriation`)."""
    d = m.shape[0]
    if d <= 2:
        return list(range(d))
    a = np.nan_to_num(np.abs(np.asarray(m, dtype=np.float64)))
    off = a.copy()
    np.fill_diagonal(off, 0.0)
    mass = np.zeros(d)
    for j in range(d):  # summed in the JS order, column by column
        mass += off[:, j]
    placed = np.zeros(d, dtype=bool)
    pull = np.zeros(d)
    out = []
    cur = by_score(mass)[0]
    while True:
        placed[cur] = True
        out.append(cur)
        if len(out) == d:
            return out
        free = ~placed
        pull[free] = 0.5 * pull[free] + (a[cur, free] + a[free, cur]) / 2
        v = np.where(free, pull + 1e-12 * mass, -np.inf)
        cur = int(np.argmax(v))


def make_order(name: str, m: np.ndarray, scores: np.ndarray) -> list[int]:
    """The full order of the d features for an order name."""
    if name == "attribution":
        return by_score(scores)
    if name == "cluster":
        return average_linkage(m) if m.shape[0] <= LINKAGE_MAX else seriation(m)
    return list(range(m.shape[0]))


def visible(order: list[int], scores: np.ndarray, top_n: int) -> list[int]:
    """The top-N features by score, kept in the order's sequence (topk.js `topN`; 0 = all)."""
    if not top_n > 0 or top_n >= len(order):
        return list(order)
    keep = set(by_score(scores)[:top_n])
    return [i for i in order if i in keep]
