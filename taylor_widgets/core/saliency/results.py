"""Results of second-order saliency: CASO/CAFO maps and the Hessian rank diagnostic."""
from __future__ import annotations

from dataclasses import dataclass

import torch

from ..results import Result


@dataclass(repr=False)
class SaliencyResult(Result):
    """CASO/CAFO saliency maps Δ* (B, *S) and how the solver got there (all per example, (B,)).

    `to_numpy()` gives `values`; `to_frame()` one row per example, one column per (flattened) feature.
    """

    values: torch.Tensor  # (B, *S) Δ*, averaged over noisy copies when smooth_samples > 0
    gradient: torch.Tensor  # (B, *S) g = ∇ℓ at x
    method: str  # "caso" or "cafo"
    target: torch.Tensor  # (B,) the label of the cross-entropy
    lambda1: torch.Tensor  # (B,)
    lambda2: torch.Tensor  # (B,)
    objective: torch.Tensor  # (B,) gᵀΔ + ½ΔᵀHΔ − λ1‖Δ‖₁ − (λ2/2)‖Δ‖² at Δ* (mean over noisy copies)
    gap: torch.Tensor  # (B,) relative proximal-gradient residual ‖Δ − prox(Δ − ∇h/L)‖ / ‖Δ‖ (0 at the optimum)
    iterations: torch.Tensor  # (B,) FISTA iterations until gap ≤ tol (max over noisy copies)
    converged: torch.Tensor  # (B,) bool
    smooth_samples: int = 0
    feature_names: list[str] | None = None

    def _main(self) -> torch.Tensor:
        return self.values

    def __repr__(self) -> str:
        return (f"SaliencyResult(method={self.method!r}, values={tuple(self.values.shape)}, "
                f"converged={int(self.converged.sum())}/{self.converged.numel()}, max gap={float(self.gap.max()):.2e})")


@dataclass(repr=False)
class RankDiagnostic(Result):
    """How close the loss Hessian is to rank one and to the gradient's direction (B,) each.

    `method` is how the eigenvalues were found ("closed_form" or "lanczos"). `to_numpy()` gives
    (B, 3): p_max, sigma_ratio, cosine; `to_frame()` the same with named columns.
    """

    p_max: torch.Tensor  # (B,) top softmax probability
    sigma_ratio: torch.Tensor  # (B,) σ2/σ1 of H = ∇²ℓ
    cosine: torch.Tensor  # (B,) |cos(v1, g)|, v1 the top eigenvector of H
    eigenvalues: torch.Tensor  # (B, k) eigenvalues of H with the largest |λ|, by |λ| descending
    method: str  # "closed_form" (piecewise-linear network) or "lanczos" (HVPs)

    feature_names = None

    def _main(self) -> torch.Tensor:
        return torch.stack([self.p_max, self.sigma_ratio, self.cosine], -1)

    def _frame(self, pd):
        v = self._main().detach().cpu().numpy()
        return pd.DataFrame(v, columns=["p_max", "sigma_ratio", "cosine"], index=pd.RangeIndex(len(v), name="example"))
