"""The evaluation engine behind IG, EG, IH and EH.

Every path method is a weighted sum over evaluation points z = x' + γ(x − x'). IG needs the
gradient there; IH needs, besides, Hessian-vector products with directions u_r = Δ ⊙ 1_r, one
per requested row (or feature group). One evaluation's maths is written once and `vmap`-ed over
all (example, point) pairs in chunks, accumulating in place into the caller's output as it goes.
Directions are built block by block, so peak memory is the output plus one chunk's working set
(`derivatives.plan_chunks`), however large the matrix.

A model bound to per-input token ids or keyword arguments (core/tokens.py) is vmapped over
points of many inputs at once, their ids and masks batched. If the model branches on such a
tensor's values (Hugging Face's attention masks do), vmap refuses; the engine then evaluates one
input per vmapped chunk with that input's row passed unbatched, so ids and masks are plain tensors.

`path_derivatives` gives, per point, the derivatives of the scalar path φ(γ) = f(x' + γΔ): the
one-dimensional integrand whose exact integral (the output gap) the adaptive rule checks.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from .. import derivatives as dv


@dataclass
class Points:
    """Evaluation points: each row belongs to example `owner` and carries its own baseline."""

    owner: torch.Tensor  # (N,) long, example index in [0, B)
    baseline: torch.Tensor  # (N, D)
    gamma: torch.Tensor  # (N,)
    w_grad: torch.Tensor  # (N,)
    w_hess: torch.Tensor  # (N,)


def rule_points(baseline: torch.Tensor, examples: torch.Tensor, rules: list) -> Points:
    """Points for `examples` (k,) with baselines (B, D), example examples[i] using rules[i]."""
    counts = torch.tensor([len(r.points) for r in rules], device=baseline.device)
    owner = examples.repeat_interleave(counts)
    cat = lambda field: torch.as_tensor(  # noqa: E731
        np.concatenate([getattr(r, field) for r in rules]), device=baseline.device, dtype=baseline.dtype
    )
    return Points(owner, baseline[owner], cat("points"), cat("w_grad"), cat("w_hess"))


class Directions:
    """R direction masks over D fine features, made block by block (never all R × D at once).

    group_of (D,) maps each fine feature to its group (the identity without an embedding axis).
    rows (R,) lists the groups wanted, −1 standing for every feature (the completeness row).
    """

    def __init__(self, group_of: torch.Tensor, n_groups: int, rows: torch.Tensor):
        self.group_of, self.n_groups, self.rows = group_of, n_groups, rows

    def __len__(self) -> int:
        return self.rows.shape[0]

    def block(self, r0: int, r1: int, dtype) -> torch.Tensor:
        want = self.rows[r0:r1, None]
        return ((self.group_of[None] == want) | (want < 0)).to(dtype)

    def reduce(self, t: torch.Tensor) -> torch.Tensor:
        """Sum the last (fine feature) axis into groups: (…, D) → (…, n_groups)."""
        if self.n_groups == self.group_of.shape[0]:
            return t
        out = t.new_zeros(*t.shape[:-1], self.n_groups)
        return out.index_add_(t.dim() - 1, self.group_of, t)


def chunks(owner: torch.Tensor, size: int, per_input: bool) -> list[tuple[slice, int | None]]:
    """Slices of at most `size` consecutive points with None; with `per_input`, slices that never
    mix inputs, each with its input's index."""
    N = owner.shape[0]
    if not per_input:
        return [(slice(s, min(N, s + size)), None) for s in range(0, N, size)]
    o = owner.tolist()
    out = []
    start = 0
    for i in range(1, N + 1):
        if i == N or o[i] != o[start] or i - start == size:
            out.append((slice(start, i), o[start]))
            start = i
    return out


#: The start of the error vmap raises when a model branches on a batched tensor's values.
_DATA_DEPENDENT = "vmap: It looks like you're either"


def over_chunks(f, owner: torch.Tensor, size: int, body: Callable[[slice, int | None], None]) -> None:
    """Run body(points, one_input) over the chunks of `owner`'s points, each chunk once.

    A function that can run one input per chunk (`one_input_per_chunk` is an attribute, False at
    first) starts batched over inputs; if its model branches on a per-input tensor's values, the
    rest runs one input per chunk, remembered on f. `body` must change nothing when it raises.
    """
    done = 0
    while True:
        per_input, base = bool(getattr(f, "one_input_per_chunk", False)), done
        try:
            for idx, one_input in chunks(owner[base:], size, per_input):
                body(slice(base + idx.start, base + idx.stop), one_input)
                done = base + idx.stop
            return
        except RuntimeError as e:
            if per_input or not hasattr(f, "one_input_per_chunk") or _DATA_DEPENDENT not in str(e):
                raise
            f.one_input_per_chunk = True
def selectors(sel: torch.Tensor, own: torch.Tensor, one_input: int | None) -> tuple[torch.Tensor, int | None]:
    """The target rows of a chunk and their vmap in_dim: batched rows, or one input's row unbatched."""
    return (sel[own], 0) if one_input is None else (sel[one_input], None)


@torch.no_grad()  # torch.func ignores an outer no_grad; this only stops graphs on the parameters
def gradient_term(f, x: torch.Tensor, sel: torch.Tensor, pts: Points, out: torch.Tensor, chunk: int | None) -> None:
    """out[b] += Σ_p w_grad,p · Δ_p ⊙ ∇f(z_p) over example b's points; out: (B, D)."""

    def one(xb, bb, g, w, s):
        delta = xb - bb
        return w * delta * torch.func.grad(f)(bb + g * delta, s)

    N = pts.owner.shape[0]
    act = dv.activation_bytes(f, x[0], sel[0]) if N else 0
    size = dv.plan_chunks(N, 1, x.shape[1], x.element_size(), act, chunk)[0]
    with dv.every_op_differentiable():  # fused attention has no vmap rule: it would run point by point
        def body(idx, one_input):
            own = pts.owner[idx]
            rows, dim = selectors(sel, own, one_input)
            out.index_add_(0, own, torch.func.vmap(one, in_dims=(0, 0, 0, 0, dim))(
                x[own], pts.baseline[idx], pts.gamma[idx], pts.w_grad[idx], rows))

        over_chunks(f, pts.owner, size, body)


@torch.no_grad()
def hessian_terms(
    f, x: torch.Tensor, sel: torch.Tensor, pts: Points, dirs: Directions, A: torch.Tensor, G: torch.Tensor,
    chunk: int | None,
) -> float:
    """Accumulate the Integrated-Hessian sums of `pts` into A and G in place; return max |Hu|.

    A (B, R, n_groups) += Σ_p w_hess,p · reduce(Δ_p ⊙ H(z_p) u_r) with u_r = Δ_p ⊙ mask_r, and
    G (B, D) += Σ_p w_grad,p · Δ_p ⊙ ∇f(z_p) (the diagonal's gradient term, per fine feature).
    """
    B, D = x.shape
    R, N = len(dirs), pts.owner.shape[0]
    act = dv.activation_bytes(f, x[0], sel[0]) if N else 0
    size, rows_per_block = dv.plan_chunks(N, R, D, x.element_size(), act, chunk)
    peak = torch.zeros((), device=x.device, dtype=x.dtype)

    def one(xb, bb, g, wg, wh, s, masks):
        delta = xb - bb
        grad_z, HU = dv.grad_and_hvps(f, bb + g * delta, masks * delta, s)
        return wh * delta * HU, wg * delta * grad_z, HU.abs().amax()

    for r0 in range(0, R, rows_per_block):
        r1 = min(R, r0 + rows_per_block)
        masks = dirs.block(r0, r1, x.dtype)

        def body(idx, one_input, r0=r0, r1=r1, masks=masks):
            nonlocal peak
            own = pts.owner[idx]
            rows, dim = selectors(sel, own, one_input)
            a, g, m = torch.func.vmap(one, in_dims=(0, 0, 0, 0, 0, dim, None))(
                x[own], pts.baseline[idx], pts.gamma[idx], pts.w_grad[idx], pts.w_hess[idx], rows, masks
            )
            A[:, r0:r1].index_add_(0, own, dirs.reduce(a))
            if r0 == 0:  # the gradient term does not depend on the rows
                G.index_add_(0, own, g)
            peak = torch.maximum(peak, m.amax())

        over_chunks(f, pts.owner, size, body)
    return float(peak)


@torch.no_grad()
def path_derivatives(f, x: torch.Tensor, sel: torch.Tensor, owner: torch.Tensor, baseline: torch.Tensor,
                     gamma: torch.Tensor, order: int, chunk: int | None = None, act: int = 0) -> tuple[torch.Tensor, ...]:
    """Derivatives of φ(γ) = f(x' + γΔ) at each point (N,), for example `owner` with `baseline` (N, D).

    order 1: (φ, φ') from one gradient each. order 2: (φ', φ'') = (∇f·Δ, Δᵀ H Δ) from one
    Hessian-vector product along Δ each. act: the model's activation bytes per point
    (`derivatives.activation_bytes`), which sizes the chunks.
    """

    def one(xb, bb, g, s):
        delta = xb - bb
        z = bb + g * delta
        if order == 1:
            gr, val = torch.func.grad_and_value(f)(z, s)
            return val, (gr * delta).sum()
        return dv.line_derivatives(f, z, delta, s)

    size = dv.plan_chunks(owner.shape[0], 1, x.shape[1], x.element_size(), act, chunk)[0]
    parts = []
    with dv.every_op_differentiable():
        def body(idx, one_input):
            rows, dim = selectors(sel, owner[idx], one_input)
            parts.append(torch.func.vmap(one, in_dims=(0, 0, 0, dim))(x[owner[idx]], baseline[idx], gamma[idx], rows))

        over_chunks(f, owner, size, body)
    return tuple(torch.cat([p[k] for p in parts]) for k in range(2))
