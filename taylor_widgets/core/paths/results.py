"""Result objects returned by the path methods: tensors plus the context needed to read them."""
from __future__ import annotations

from dataclasses import dataclass, field

import torch


@dataclass
class PathResult:
    """Attributions `(B, *S)` or interactions `(B, *S, *S)` / `(B, len(rows), *S)` of a path method.

    `completeness_error` is Σ values − (f(x) − f(x')) per example (for interactions, Σ over the
    whole matrix; with `rows` it is only defined against the rows' attributions and is NaN).
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

    def __repr__(self) -> str:
        return (
            f"PathResult(method={self.method!r}, values={tuple(self.values.shape)}, rule={self.rule!r}, "
            f"max |completeness error|={self.completeness_error.abs().max().item():.2e})"
        )
