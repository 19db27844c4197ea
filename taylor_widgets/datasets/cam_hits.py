"""Does a CAM pair land on the two objects a label depends on? Hit measures for the procedural
image tasks, whose generators return every object's bounding box (docs/methods.md §5.1).

On the explained layer's h×w grid each cell is a rectangle of image pixels. A cell *touches* an
object if its rectangle overlaps the object's box grown by `margin` pixels; a pair of cells
*hits* objects (A, B) if one cell touches A and the other touches B. Compared per image:
Taylor-CAM's top pair (and, given, the top pair of a second Taylor-CAM result, e.g.
shift="activation"); its best pair at least `sep` cells apart (max-norm); Grad-CAM's two
highest peaks at least `sep` apart (greedy non-maximum suppression, the best pair a first-order
map offers); the same two peaks of the Taylor-CAM strength map Σ_j TC(i, j); and chance, the
fraction of all pairs (or of all pairs ≥ sep apart) that hit.
"""
from __future__ import annotations

import numpy as np
import torch


def touches(cell_boxes: torch.Tensor, box, margin: float) -> torch.Tensor:
    """(N,) bool: which cells (N, 4) as (x0, y0, x1, y1) overlap `box` grown by `margin` pixels."""
    x0, y0, x1, y1 = (float(v) for v in box)
    c = cell_boxes
    return (c[:, 0] < x1 + margin) & (c[:, 2] > x0 - margin) & (c[:, 1] < y1 + margin) & (c[:, 3] > y0 - margin)


def _hit(i: int, j: int, a: torch.Tensor, b: torch.Tensor) -> bool:
    return bool((a[i] and b[j]) or (a[j] and b[i]))


def _apart(i: int, j: int, w: int, sep: int) -> bool:
    return max(abs(i // w - j // w), abs(i % w - j % w)) >= sep


def two_peaks(m: torch.Tensor, w: int, sep: int) -> tuple[int, int]:
    """The highest cell of a flat map (N,) on a grid of width w, and the highest one at least
    `sep` cells (max-norm) away from it."""
    order = m.argsort(descending=True).tolist()
    first = order[0]
    return first, next(c for c in order[1:] if _apart(first, c, w, sep))


def relational_hits(result, boxes_a, boxes_b, *, margin: float = 2.0, sep: int = 2, other=None,
                    other_name: str = "shift=activation") -> dict[str, np.ndarray]:
    """Per-image hit indicators of a `tw.taylor_cam` result against objects A and B.

    result: a TaylorCAMResult for B images (its `grad_cam` is used for the first-order pair).
    boxes_a, boxes_b: (B, 4) pixel boxes (x0, y0, x1, y1) of the two objects in each image.
    other: an optional second TaylorCAMResult of the same images (e.g. shift="activation"),
    scored by its top pair under the key f"taylor_cam {other_name} top pair".
    Returns name → (B,) array: booleans for the pairs, fractions for chance; the key
    "(taylor_cam top pair: both cells on one object)" counts top pairs that miss because both
    cells sit on the same object.
    """
    boxes_a, boxes_b = np.asarray(boxes_a), np.asarray(boxes_b)
    n_img = result.pair_scores.shape[0]
    if boxes_a.shape != (n_img, 4) or boxes_b.shape != (n_img, 4):
        raise ValueError(f"boxes_a, boxes_b: expected two ({n_img}, 4) arrays of pixel boxes, got "
                         f"{boxes_a.shape} and {boxes_b.shape}")
    if isinstance(sep, bool) or not isinstance(sep, int) or sep < 1:
        raise ValueError(f"sep: expected a positive integer (cells), got {sep!r}")
    cells, w = result.cell_boxes(), result.grid[1]
    N = cells.shape[0]
    pairs = [(i, j) for i in range(N) for j in range(i + 1, N)]
    far = [(p, q) for p, q in pairs if _apart(p, q, w, sep)]
    out: dict[str, list] = {k: [] for k in (
        "taylor_cam top pair", *([f"taylor_cam {other_name} top pair"] if other is not None else []),
        f"taylor_cam top pair >= {sep} apart", f"grad_cam two peaks >= {sep} apart",
        f"taylor_cam strength two peaks >= {sep} apart", "chance, any pair", f"chance, pairs >= {sep} apart",
        "(taylor_cam top pair: both cells on one object)")}
    for b in range(n_img):
        ta, tb = touches(cells, boxes_a[b], margin), touches(cells, boxes_b[b], margin)
        i, j, _ = result.top_pairs[b][0]
        top = _hit(i, j, ta, tb)
        out["taylor_cam top pair"].append(top)
        out["(taylor_cam top pair: both cells on one object)"].append(
            not top and bool((ta[i] and ta[j]) or (tb[i] and tb[j])))
        if other is not None:
            oi, oj, _ = other.top_pairs[b][0]
            out[f"taylor_cam {other_name} top pair"].append(_hit(oi, oj, ta, tb))
        tc = result.pair_scores[b]
        p, q = max(far, key=lambda pq: float(tc[pq]))
        out[f"taylor_cam top pair >= {sep} apart"].append(_hit(p, q, ta, tb))
        out[f"grad_cam two peaks >= {sep} apart"].append(_hit(*two_peaks(result.grad_cam.cam[b].reshape(-1), w, sep), ta, tb))
        out[f"taylor_cam strength two peaks >= {sep} apart"].append(
            _hit(*two_peaks(result.strength[b].reshape(-1), w, sep), ta, tb))
        out["chance, any pair"].append(float(np.mean([_hit(p, q, ta, tb) for p, q in pairs])))
        out[f"chance, pairs >= {sep} apart"].append(float(np.mean([_hit(p, q, ta, tb) for p, q in far])))
    return {k: np.asarray(v) for k, v in out.items()}
