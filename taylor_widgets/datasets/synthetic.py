"""Tsang et al.'s F1–F10 interaction test suite, generated procedurally, and the ROC-AUC used to
score interaction rankings against it (Tsang, Cheng, Liu, ICLR 2018, Table 1,
https://arxiv.org/abs/1705.04977; also the benchmark of Lerman et al., ICCV 2021).

Ten functions of 10 variables. Indices are 0-based here (the paper's x1 is column 0).
Domains follow the paper: every variable U(−1, 1), except F1, which uses Hooker's (2004) ranges,
x4, x5, x8, x10 ~ U(0.6, 1) and the others U(0, 1).

Two terms are made real-valued on U(−1, 1) where the paper's formula is not: F2's
√(x7/(1+|x8|)) is √(|x7|/(1+|x8|)) and F3/F4's x3^(2|x4|) is |x3|^(2|x4|), as in the reference
code. Neither changes the ground-truth sets.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

Sets = tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class SyntheticFunction:
    """One test function: `fn(x)` maps (N, 10) to (N,); `interactions` are its true sets (0-based)."""

    name: str
    fn: Callable[[torch.Tensor], torch.Tensor]
    interactions: Sets
    formula: str

    def sample(self, n: int, seed: int = 0, dtype=torch.float64) -> tuple[torch.Tensor, torch.Tensor]:
        """(X (n, 10), y (n,)) with X drawn from the paper's domain by a generator seeded with `seed`."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"n: expected a positive integer, got {n!r}")
        g = torch.Generator().manual_seed(int(seed))
        u = torch.rand(n, 10, generator=g, dtype=torch.float64)
        if self.name == "F1":
            lo = torch.tensor([0, 0, 0, 0.6, 0.6, 0, 0, 0.6, 0, 0.6], dtype=torch.float64)
            X = lo + (1 - lo) * u
        else:
            X = 2 * u - 1
        return X.to(dtype), self.fn(X).to(dtype)


def _cols(x):
    return [x[:, i] for i in range(10)]


def _f1(x):
    x1, x2, x3, x4, x5, x6, x7, x8, x9, x10 = _cols(x)
    return (math.pi ** (x1 * x2) * torch.sqrt(2 * x3) - torch.asin(x4) + torch.log(x3 + x5)
            - (x9 / x10) * torch.sqrt(x7 / x8) - x2 * x7)


def _f2(x):
    x1, x2, x3, x4, x5, x6, x7, x8, x9, x10 = _cols(x)
    return (math.pi ** (x1 * x2) * torch.sqrt(2 * x3.abs()) - torch.asin(0.5 * x4) + torch.log((x3 + x5).abs() + 1)
            + (x9 / (1 + x10.abs())) * torch.sqrt(x7.abs() / (1 + x8.abs())) - x2 * x7)


def _f3(x, with_14=False):
    x1, x2, x3, x4, x5, x6, x7, x8, x9, x10 = _cols(x)
    y = (torch.exp((x1 - x2).abs()) + (x2 * x3).abs() - x3.abs() ** (2 * x4.abs())
         + torch.log(x4**2 + x5**2 + x7**2 + x8**2) + x9 + 1 / (1 + x10**2))
    return y + (x1 * x4) ** 2 if with_14 else y


def _f5(x):
    x1, x2, x3, x4, x5, x6, x7, x8, x9, x10 = _cols(x)
    return 1 / (1 + x1**2 + x2**2 + x3**2) + torch.sqrt(torch.exp(x4 + x5)) + (x6 + x7).abs() + x8 * x9 * x10


def _f6(x):
    x1, x2, x3, x4, x5, x6, x7, x8, x9, x10 = _cols(x)
    return (torch.exp((x1 * x2).abs() + 1) - torch.exp((x3 + x4).abs() + 1) + torch.cos(x5 + x6 - x8)
            + torch.sqrt(x8**2 + x9**2 + x10**2))


def _f7(x):
    x1, x2, x3, x4, x5, x6, x7, x8, x9, x10 = _cols(x)
    return ((torch.atan(x1) + torch.atan(x2)) ** 2 + torch.clamp(x3 * x4 + x6, min=0)
            - 1 / (1 + (x4 * x5 * x6 * x7 * x8) ** 2) + (x7.abs() / (1 + x9.abs())) ** 5 + x.sum(1))


def _f8(x):
    x1, x2, x3, x4, x5, x6, x7, x8, x9, x10 = _cols(x)
    return (x1 * x2 + 2 ** (x3 + x5 + x6) + 2 ** (x3 + x4 + x5 + x7) + torch.sin(x7 * torch.sin(x8 + x9))
            + torch.acos(0.9 * x10))


def _f9(x):
    x1, x2, x3, x4, x5, x6, x7, x8, x9, x10 = _cols(x)
    return (torch.tanh(x1 * x2 + x3 * x4) * torch.sqrt(x5.abs()) + torch.exp(x5 + x6)
            + torch.log((x6 * x7 * x8) ** 2 + 1) + x9 * x10 + 1 / (1 + x10.abs()))


def _f10(x):
    x1, x2, x3, x4, x5, x6, x7, x8, x9, x10 = _cols(x)
    return torch.sinh(x1 + x2) + torch.acos(torch.tanh(x3 + x5 + x7)) + torch.cos(x4 + x5) + 1 / torch.cos(x7 * x9)


_F1_SETS = ((0, 1, 2), (2, 4), (6, 7, 8, 9), (1, 6))
_F3_SETS = ((0, 1), (1, 2), (2, 3), (3, 4, 6, 7))

FUNCTIONS: dict[str, SyntheticFunction] = {
    f.name: f
    for f in [
        SyntheticFunction("F1", _f1, _F1_SETS, "π^(x1x2)√(2x3) − asin(x4) + log(x3+x5) − (x9/x10)√(x7/x8) − x2x7"),
        SyntheticFunction("F2", _f2, _F1_SETS,
                          "π^(x1x2)√(2|x3|) − asin(0.5x4) + log(|x3+x5|+1) + x9/(1+|x10|)·√(|x7|/(1+|x8|)) − x2x7"),
        SyntheticFunction("F3", _f3, _F3_SETS,
                          "exp|x1−x2| + |x2x3| − |x3|^(2|x4|) + log(x4²+x5²+x7²+x8²) + x9 + 1/(1+x10²)"),
        SyntheticFunction("F4", lambda x: _f3(x, True), _F3_SETS + ((0, 3),), "F3 + (x1x4)²"),
        SyntheticFunction("F5", _f5, ((0, 1, 2), (3, 4), (5, 6), (7, 8, 9)),
                          "1/(1+x1²+x2²+x3²) + √exp(x4+x5) + |x6+x7| + x8x9x10"),
        SyntheticFunction("F6", _f6, ((0, 1), (2, 3), (4, 5, 7), (7, 8, 9)),
                          "exp(|x1x2|+1) − exp(|x3+x4|+1) + cos(x5+x6−x8) + √(x8²+x9²+x10²)"),
        SyntheticFunction("F7", _f7, ((0, 1), (2, 3, 5), (3, 4, 5, 6, 7), (6, 8)),
                          "(atan x1 + atan x2)² + max(x3x4+x6, 0) − 1/(1+(x4x5x6x7x8)²) + (|x7|/(1+|x9|))⁵ + Σxi"),
        SyntheticFunction("F8", _f8, ((0, 1), (2, 4, 5), (2, 3, 4, 6), (6, 7, 8)),
                          "x1x2 + 2^(x3+x5+x6) + 2^(x3+x4+x5+x7) + sin(x7 sin(x8+x9)) + acos(0.9x10)"),
        SyntheticFunction("F9", _f9, ((0, 1, 2, 3, 4), (4, 5), (5, 6, 7), (8, 9)),
                          "tanh(x1x2+x3x4)√|x5| + exp(x5+x6) + log((x6x7x8)²+1) + x9x10 + 1/(1+|x10|)"),
        SyntheticFunction("F10", _f10, ((0, 1), (2, 4, 6), (3, 4), (6, 8)),
                          "sinh(x1+x2) + acos(tanh(x3+x5+x7)) + cos(x4+x5) + sec(x7x9)"),
    ]
}


def tsang_function(name: str | int) -> SyntheticFunction:
    """F1–F10 by name ("F3") or number (3)."""
    key = f"F{name}" if isinstance(name, int) and not isinstance(name, bool) else str(name).upper()
    if key not in FUNCTIONS:
        raise ValueError(f"name: expected one of F1..F10 (or 1..10), got {name!r}")
    return FUNCTIONS[key]


def candidate_labels(sets, truth) -> np.ndarray:
    """1 for each candidate set that is a subset of some true interaction set, else 0: (M,).

    Every candidate is labelled by this one rule, whatever its score, so zero-score candidates
    (NID's "padding") count as negatives unless they truly are subsets of a true set.
    """
    truth = [set(t) for t in truth]
    rows = sets.tolist() if isinstance(sets, (torch.Tensor, np.ndarray)) else list(sets)
    return np.array([int(any(set(s) <= t for t in truth)) for s in rows], dtype=np.int64)


def roc_auc(scores, labels) -> float:
    """Area under the ROC curve of `scores` (M,) against 0/1 `labels` (M,); ties count one half.

    Computed as the Mann–Whitney statistic with mid-ranks, so it needs no threshold sweep and
    matches sklearn.metrics.roc_auc_score. Raises ValueError when only one class is present.
    """
    s = (scores.detach().cpu().numpy() if isinstance(scores, torch.Tensor) else np.asarray(scores)).astype(np.float64)
    y = labels.detach().cpu().numpy() if isinstance(labels, torch.Tensor) else np.asarray(labels)
    if s.ndim != 1 or y.shape != s.shape:
        raise ValueError(f"scores, labels: expected two 1-D arrays of equal length, got shapes {s.shape} and {y.shape}")
    if not np.isfinite(s).all():
        raise ValueError("scores: contains NaN or Inf")
    if not np.isin(y, (0, 1)).all():
        raise ValueError(f"labels: expected 0/1 (or bool) labels, got values {sorted(set(y.tolist()))[:5]}")
    y = y.astype(bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        raise ValueError(f"labels: ROC-AUC needs both classes, got {n_pos} positive and {n_neg} negative")
    _, inv, counts = np.unique(s, return_inverse=True, return_counts=True)
    mid = np.cumsum(counts) - (counts - 1) / 2.0  # 1-based average rank of each distinct score
    ranks = mid[inv.reshape(-1)]
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))
