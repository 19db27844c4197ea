"""The result of the path methods (IG, EG, IH, EH): tensors plus the context needed to read them."""
from __future__ import annotations

from dataclasses import dataclass, field

import torch

from ..results import Result, max_abs, top_pairs


@dataclass(repr=False)
class PathResult(Result):
    """Attributions `(B, *S)` or interactions `(B, *S, *S)` / `(B, len(rows), *S)` of a path method.

    `completeness_error` is Σ values − (f(x) − f(x')) per example: over the attributions, or over
    the whole interaction matrix. With `rows` it is still the full matrix's: the extra all-ones
    direction computed alongside the rows measures ΣΓ without forming the other rows.
    `to_numpy()` gives `values`; `to_frame()` one row per example (attributions) or per
    (example, feature) row of Γ (interactions), one column per feature; `summary()` ranks pairs
    by mean |Γ_ij| over the batch (full matrices only).
    """

    values: torch.Tensor
    method: str
    x: torch.Tensor
    baseline: torch.Tensor  # (B, *S): the baseline, or the mean of the sampled baselines
    target: torch.Tensor | None  # (B,) class indices, or None
    output: torch.Tensor  # (B,) f(x)
    baseline_output: torch.Tensor  # (B,) f(x'), or the mean over sampled baselines
    completeness_error: torch.Tensor  # (B,)
    rule: str
    feature_names: list[str] | None = None
    rows: list[int] | None = None
    attributions: torch.Tensor | None = None  # interactions only: row sums Σ_j Γ_ij = φ_i
    feature_shape: tuple[int, ...] = field(default=())

    @property
    def relative_completeness_error(self) -> torch.Tensor:
        """|completeness_error| / |f(x) − f(x')| per example."""
        gap = (self.output - self.baseline_output).abs().clamp_min(torch.finfo(self.output.dtype).tiny)
        return self.completeness_error.abs() / gap

    @property
    def is_interaction(self) -> bool:
        """True for IH/EH (a matrix or rows of one), False for IG/EG attributions."""
        return self.attributions is not None

    def _main(self) -> torch.Tensor:
        return self.values

    def _matrix(self) -> torch.Tensor:
        """Interactions as (B, R, n) over flattened features (R = n, or len(rows))."""
        B, n = self.values.shape[0], int(torch.Size(self.feature_shape).numel())
        return self.values.reshape(B, -1, n)

    def _frame(self, pd):
        if not self.is_interaction:
            return super()._frame(pd)
        m = self._matrix().detach().cpu()
        B, R, n = m.shape
        names = self.names(n)
        rows = self.rows if self.rows is not None else range(n)
        index = pd.MultiIndex.from_product([range(B), [names[r] for r in rows]], names=["example", "feature"])
        return pd.DataFrame(m.reshape(B * R, n).numpy(), index=index, columns=names)

    def _top(self, n: int):
        if not self.is_interaction or self.rows is not None:
            return None
        m = self._matrix().abs().mean(0)  # mean |Γ_ij| over the batch
        return top_pairs(m, self.names(m.shape[-1]), n)

    def _completeness(self):
        return max_abs(self.completeness_error)

    def __repr__(self) -> str:
        return (
            f"PathResult(method={self.method!r}, values={tuple(self.values.shape)}, rule={self.rule!r}, "
            f"max |completeness error|={self.completeness_error.abs().max().item():.2e})"
        )
