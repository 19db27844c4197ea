"""Results of the higher-order family: local cross derivatives, global rankings, and NID scores."""
from __future__ import annotations

from dataclasses import dataclass, field

import torch

from ..results import Result


def set_labels(sets: torch.Tensor, names) -> list[str]:
    """'a × b × c' for each index set (M, k), by feature name or x{i}."""
    if names is None:
        return [" × ".join(f"x{i}" for i in s) for s in sets.tolist()]
    return [" × ".join(names[i] for i in s) for s in sets.tolist()]


class _Ranked(Result):
    """Shared by GlobalInteractions and NIDResult: `sets[k]` (M_k, k) and `scores[k]` (M_k,), best first."""

    def ranking(self, order: int = 2, n: int | None = None) -> list[tuple[tuple[int, ...], float]]:
        """[(set, score), ...] best first, at most n."""
        s, v = self.sets[order][:n], self.scores[order][:n]
        return [(tuple(a), float(b)) for a, b in zip(s.tolist(), v.tolist())]

    def _main(self) -> torch.Tensor:
        return self.matrix

    def _frame(self, pd):
        """One row per scored set: order, rank within the order, members (labels), score."""
        rows = []
        names = getattr(self, "feature_names", None)
        for k in sorted(self.sets):
            for r, (label, score) in enumerate(zip(set_labels(self.sets[k], names), self.scores[k].tolist())):
                rows.append((k, r + 1, label, score))
        return pd.DataFrame(rows, columns=["order", "rank", "set", "score"])

    def _top(self, n: int):
        names = self.names(self.matrix.shape[-1])
        return [(tuple(names[i] for i in s), v) for k in sorted(self.sets) for s, v in self.ranking(k, n)]


@dataclass(repr=False)
class CrossDerivatives(Result):
    """Local k-way scores |∂^k f| per example and index set.

    values: (B, M) for sets (M, k). For order 2 without `sets`, sets are all pairs i<j in
    lexicographic order and `matrix` is the (B, D, D) absolute Hessian with a zero diagonal.
    `to_numpy()` gives `values`; `to_frame()` one row per example, one column per set.
    """

    values: torch.Tensor
    sets: torch.Tensor
    order: int
    x: torch.Tensor
    target: torch.Tensor | None
    output: torch.Tensor
    matrix: torch.Tensor | None = None
    feature_names: list[str] | None = None

    method = "cross_derivatives"

    def labels(self) -> list[str]:
        return set_labels(self.sets, self.feature_names)

    def _main(self) -> torch.Tensor:
        return self.values

    def _frame(self, pd):
        v = self.values.detach().cpu().numpy()
        return pd.DataFrame(v, columns=self.labels(), index=pd.RangeIndex(v.shape[0], name="example"))

    def _top(self, n: int):
        mean = self.values.mean(0).detach().cpu()
        order = torch.sort(mean, descending=True, stable=True).indices[:n]
        names = self.names(self.x[0].numel())
        return [(tuple(names[i] for i in self.sets[int(j)].tolist()), float(mean[j])) for j in order]

    def __repr__(self) -> str:
        B, M = self.values.shape
        j = int(self.values.mean(0).argmax())
        return (f"CrossDerivatives(order={self.order}, examples={B}, sets={M}, "
                f"strongest={tuple(self.sets[j].tolist())} mean={self.values[:, j].mean().item():.4g})")


@dataclass(repr=False)
class GlobalInteractions(_Ranked):
    """Ranked global interaction scores per order: `sets[k]` (M_k, k) and `scores[k]` (M_k,), best first.

    `matrix` is the aggregated (D, D) pair matrix (zero diagonal); `representatives` the data rows
    used by aggregate="representative" (None otherwise). `to_numpy()` gives `matrix`;
    `to_frame()` one row per scored set (order, rank, set, score).
    """

    sets: dict[int, torch.Tensor]
    scores: dict[int, torch.Tensor]
    aggregate: str
    n_samples: int
    matrix: torch.Tensor
    representatives: list[int] | None = None
    feature_names: list[str] | None = None
    candidates: dict[int, str] = field(default_factory=dict)  # order -> "exhaustive" | "top-K extension"

    method = "global_interactions"

    def __repr__(self) -> str:
        tops = ", ".join(f"{k}: {tuple(self.sets[k][0].tolist())}={self.scores[k][0].item():.4g}" for k in sorted(self.sets))
        return f"GlobalInteractions(aggregate={self.aggregate!r}, samples={self.n_samples}, top={{{tops}}})"


@dataclass(repr=False)
class NIDResult(_Ranked):
    """NID scores per order: `sets[k]` (M_k, k) and `scores[k]` (M_k,), best first.

    `matrix` is the (d, d) pairwise ω with a zero diagonal; `unit_influence` is z (H1,).
    `to_numpy()` gives `matrix`; `to_frame()` one row per scored set (order, rank, set, score).
    """

    sets: dict[int, torch.Tensor]
    scores: dict[int, torch.Tensor]
    matrix: torch.Tensor
    unit_influence: torch.Tensor
    rule: str  # "pairwise" | "prefix" | "given sets"

    method = "nid"
    feature_names = None

    def __repr__(self) -> str:
        tops = ", ".join(f"{k}: {tuple(self.sets[k][0].tolist())}={self.scores[k][0].item():.4g}"
                         for k in sorted(self.sets) if self.sets[k].shape[0])
        return f"NIDResult(rule={self.rule!r}, orders={sorted(self.sets)}, top={{{tops}}})"


__all__ = ["CrossDerivatives", "GlobalInteractions", "NIDResult", "set_labels"]
