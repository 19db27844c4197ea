"""The evaluation engine behind IG, EG, IH and EH.

Every path method is a weighted sum over evaluation points z = x' + γ(x − x'). IG needs the
gradient there; IH needs, besides, Hessian-vector products with directions u_r = Δ ⊙ 1_r, one
per requested row (or feature group). One evaluation's maths is written once and `vmap`-ed over
all (example, point) pairs in chunks, accumulating into the output as it goes, so peak memory is
the output plus one chunk.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from .. import derivatives as dv


@dataclass
class Points:
    """Evaluation points for a batch: each row belongs to example `owner` and carries its own baseline."""

    owner: torch.Tensor  # (N,) long, example index in [0, B)
    baseline: torch.Tensor  # (N, D)
    gamma: torch.Tensor  # (N,)
    w_grad: torch.Tensor  # (N,)
    w_hess: torch.Tensor  # (N,)


def deterministic_points(baseline: torch.Tensor, gamma, w_grad, w_hess) -> Points:
    """One baseline per example (B, D), the same rule for every example."""
    B, P = baseline.shape[0], gamma.shape[0]
    owner = torch.arange(B, device=baseline.device).repeat_interleave(P)
    return Points(owner, baseline.repeat_interleave(P, 0), gamma.repeat(B), w_grad.repeat(B), w_hess.repeat(B))


@torch.no_grad()  # torch.func ignores an outer no_grad; this only stops graphs on the parameters
def gradient_term(f, x: torch.Tensor, sel: torch.Tensor, pts: Points, chunk: int | None) -> torch.Tensor:
    """Σ_p w_grad,p · Δ_p ⊙ ∇f(z_p) per example: (B, D)."""
    B, D = x.shape
    out = torch.zeros(B, D, device=x.device, dtype=x.dtype)

    def one(xb, bb, g, w, s):
        delta = xb - bb
        return w * delta * torch.func.grad(f)(bb + g * delta, s)

    size = dv.chunk_size(dv.per_item_bytes(1, D, x.element_size()), chunk)
    _accumulate(out, one, x, sel, pts, size)
    return out


@torch.no_grad()
def hessian_terms(
    f, x: torch.Tensor, sel: torch.Tensor, pts: Points, directions: torch.Tensor, chunk: int | None
) -> tuple[torch.Tensor, torch.Tensor, float]:
    """Integrated-Hessian sums for a batch.

    directions: (R, D) 0/1 masks; direction r is u_r = Δ ⊙ mask_r (a single feature for rows, a
    group of features for grouped/embedding inputs).
    Returns (A, G, max|Hu|): A (B, R, D) = Σ_p w_hess,p Δ_p ⊙ H(z_p) u_r, and the gradient term
    G (B, D) = Σ_p w_grad,p Δ_p ⊙ ∇f(z_p), both fine-grained over features.
    """
    B, D = x.shape
    R = directions.shape[0]
    A = torch.zeros(B, R, D, device=x.device, dtype=x.dtype)
    G = torch.zeros(B, D, device=x.device, dtype=x.dtype)
    peak = torch.zeros((), device=x.device, dtype=x.dtype)

    def one(xb, bb, g, wg, wh, s):
        delta = xb - bb
        grad_z, HU = dv.grad_and_hvps(f, bb + g * delta, directions * delta, s)
        return wh * delta * HU, wg * delta * grad_z, HU.abs().amax()

    size = dv.chunk_size(dv.per_item_bytes(R, D, x.element_size()), chunk)
    for s in range(0, pts.owner.shape[0], size):
        idx = slice(s, s + size)
        own = pts.owner[idx]
        a, g, m = torch.func.vmap(one)(x[own], pts.baseline[idx], pts.gamma[idx], pts.w_grad[idx], pts.w_hess[idx], sel[own])
        A.index_add_(0, own, a)
        G.index_add_(0, own, g)
        peak = torch.maximum(peak, m.amax())
    return A, G, float(peak)


def _accumulate(out, one, x, sel, pts: Points, size: int) -> None:
    for s in range(0, pts.owner.shape[0], size):
        idx = slice(s, s + size)
        own = pts.owner[idx]
        vals = torch.func.vmap(one)(x[own], pts.baseline[idx], pts.gamma[idx], pts.w_grad[idx], sel[own])
        out.index_add_(0, own, vals)
