"""Index sets for k-way interactions: validation, enumeration, candidate extension, and the
"representative samples" of Lerman et al. (ICCV 2021). Private: the public functions in
cross_derivatives.py and nid.py call into it, so every method sees sets in one form, a
(M, k) long tensor of sorted distinct indices.
"""
from __future__ import annotations

import itertools
import math
import numbers
import sys
import time

import torch

from .. import options as opt

#: Refuse exhaustive enumeration beyond this many k-subsets (C(50, 4) is 230,300).
MAX_EXHAUSTIVE_SETS = 200_000

REPRESENTATIVE_KINDS = ("mean", "median", "min", "max", "mode", "random")


def check_order(order, d: int, name: str = "order") -> int:
    """An interaction order k with 2 ≤ k ≤ d."""
    order = opt.integer(order, name)
    if order < 2:
        raise ValueError(f"{name}: interactions need at least 2 features, got {order}")
    if order > d:
        raise ValueError(f"{name}: {order} exceeds the number of features d={d}")
    return order


def as_sets(sets, d: int, order: int | None, name: str = "sets") -> torch.Tensor:
    """Validate index tuples into a (M, k) long tensor, each row sorted; all sets share k = order."""
    if isinstance(sets, torch.Tensor):
        if sets.is_floating_point() or sets.dim() != 2:
            raise TypeError(f"{name}: expected a (M, k) integer tensor or a list of index tuples, got "
                            f"dtype {sets.dtype} shape {tuple(sets.shape)}")
        sets = sets.tolist()
    if isinstance(sets, (str, bytes)) or not hasattr(sets, "__iter__"):
        raise TypeError(f"{name}: expected a list of index tuples, got {type(sets).__name__}")
    rows = [tuple(int(i) if isinstance(i, numbers.Integral) and not isinstance(i, bool) else i for i in s)
            if hasattr(s, "__iter__") else s for s in sets]  # numpy integers become ints
    if not rows:
        raise ValueError(f"{name}: expected at least one index set")
    for s in rows:
        if not isinstance(s, tuple):
            raise TypeError(f"{name}: expected index tuples such as (0, 3), got {s!r}")
        for i in s:
            if isinstance(i, bool) or not isinstance(i, int):
                raise TypeError(f"{name}: expected integer feature indices, got {i!r} in {s}")
            if not -d <= i < d:
                raise ValueError(f"{name}: index {i} in {s} is out of range for d={d} features")
        if len(set(j % d for j in s)) != len(s):
            raise ValueError(f"{name}: {s} repeats an index; cross derivatives use distinct indices only")
    ks = sorted({len(s) for s in rows})
    if len(ks) > 1:
        raise ValueError(f"{name}: all sets must have the same size, got sizes {ks}; call once per order")
    k = ks[0]
    if order is not None and k != order:
        raise ValueError(f"{name}: sets have {k} indices but order={order}")
    check_order(k, d, name=f"{name} (set size)")
    return torch.tensor([sorted(j % d for j in s) for s in rows], dtype=torch.long)


def check_count(d: int, k: int, limit: int | None = None, name: str = "exhaustive") -> int:
    """C(d, k), or a ValueError when it exceeds `limit` (default MAX_EXHAUSTIVE_SETS)."""
    n = math.comb(d, k)
    limit = MAX_EXHAUSTIVE_SETS if limit is None else limit
    if n > limit:
        raise ValueError(
            f"{name}: scoring all {k}-subsets of {d} features means {n:,} sets, above the limit of "
            f"{limit:,} (max_sets); use the top-K candidate search (exhaustive=False, top_k=...) instead"
        )
    return n


def all_subsets(d: int, k: int, limit: int | None = None, name: str = "exhaustive") -> torch.Tensor:
    """Every k-subset of range(d) in lexicographic order: (C(d, k), k)."""
    n = check_count(d, k, limit, name)
    if k == 2:
        return torch.triu_indices(d, d, 1).T.contiguous()
    return torch.tensor(list(itertools.combinations(range(d), k)), dtype=torch.long).reshape(n, k)


def extend_sets(kept: torch.Tensor, d: int) -> torch.Tensor:
    """Extend each (k−1)-set by one index not in it; sorted, deduplicated, lexicographic: (M, k)."""
    m, k1 = kept.shape
    add = torch.arange(d).repeat(m)  # (m·d,)
    base = kept.repeat_interleave(d, 0)  # (m·d, k−1)
    fresh = (base != add[:, None]).all(1)
    ext = torch.cat([base[fresh], add[fresh, None]], 1).sort(1).values
    return torch.unique(ext, dim=0)


def representative_rows(data: torch.Tensor, kinds=None, seed: int = 0, bins: int = 10) -> list[int]:
    """Row indices of the representative samples of `data` (N, D), one per kind, in order.

    For "mean", "median", "min", "max" and "mode" a feature-wise reference point is built
    (the per-feature mean, median (lower median), minimum, maximum, or mode: the centre of the
    most populated of `bins` equal-width bins of that feature, lowest bin on ties), and the
    representative is the data row nearest to it in Euclidean distance (lowest index on ties).
    "random" is a row drawn uniformly with a CPU generator seeded by `seed`.
    Rows may repeat when two kinds pick the same sample; the average then counts it once per kind.
    """
    kinds = REPRESENTATIVE_KINDS if kinds is None else tuple(kinds)
    if not kinds:
        raise ValueError("representative: expected at least one kind of representative sample")
    for k in kinds:
        if k not in REPRESENTATIVE_KINDS:
            raise ValueError(f"representative: unknown kind {k!r}; expected some of {REPRESENTATIVE_KINDS}")
    rows = []
    for kind in kinds:
        if kind == "random":
            g = torch.Generator().manual_seed(int(seed))
            rows.append(int(torch.randint(0, data.shape[0], (1,), generator=g)))
            continue
        ref = _reference_point(data, kind, bins)
        rows.append(int(torch.cdist(data[None], ref[None, None])[0, :, 0].argmin()))
    return rows


def _reference_point(data: torch.Tensor, kind: str, bins: int) -> torch.Tensor:
    if kind == "mean":
        return data.mean(0)
    if kind == "median":
        return data.median(0).values
    if kind == "min":
        return data.amin(0)
    if kind == "max":
        return data.amax(0)
    lo, hi = data.amin(0), data.amax(0)
    width = (hi - lo).clamp_min(torch.finfo(data.dtype).tiny) / bins
    b = ((data - lo) / width).floor().clamp(0, bins - 1).long()  # (N, D)
    counts = torch.zeros(bins, data.shape[1], dtype=torch.long).scatter_add_(0, b.cpu(), torch.ones_like(b.cpu()))
    top = counts.argmax(0).to(data.device)  # first maximum: lowest bin on ties
    return lo + (top.to(data.dtype) + 0.5) * width


class Progress:
    """A one-line stderr progress report (tqdm when installed); silent unless enabled."""

    def __init__(self, enabled: bool, total: int, desc: str):
        self.enabled, self.total, self.desc, self.done = bool(enabled), total, desc, 0
        self.bar, self.t0 = None, time.perf_counter()
        if self.enabled:
            try:
                from tqdm.auto import tqdm

                self.bar = tqdm(total=total, desc=desc, file=sys.stderr, leave=False)
            except ImportError:
                pass

    def update(self, n: int) -> None:
        if not self.enabled:
            return
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
        else:
            dt = time.perf_counter() - self.t0
            print(f"\r{self.desc}: {self.done}/{self.total} ({dt:.1f}s)", end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.enabled:
            print(file=sys.stderr, flush=True)
