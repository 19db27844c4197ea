"""Grad-CAM (Selvaraju et al., ICCV 2017, https://arxiv.org/abs/1610.02391) and its second-order
extension Taylor-CAM (Lerman, Xu, Venuto, Kautz, ICCV 2021, https://arxiv.org/abs/2103.11803).

On a layer activation A read as N = h·w cells of K channels, with score y:

    Grad-CAM      α_k = mean_i ∂y/∂A_ik,  map_i = ReLU(Σ_k α_k A_ik)
    Taylor-CAM    s_{i→j} = Σ_k A_ik Σ_l ∂²y/∂A_ik ∂A_jl,   TC(i,j) = s_{i→j}² + s_{j→i}²  (i ≠ j)
    3-way         s_{i→j,l} = Σ_k A_ik Σ_{m,n} ∂³y/∂A_ik ∂A_jm ∂A_ln,
                  TC(i,j,l) = s_{i→j,l}² + s_{j→i,l}² + s_{l→i,j}²

s_{i→j} is the change of cell i's first-order (gradient × activation) contribution when every
channel of cell j shifts by one (shift="uniform", the paper's definition). shift="activation"
scales cell j along its own activation instead, Σ_l A_jl ∂/∂A_jl, which gives the symmetric
second-order Taylor cross term s_{i→j} = A_iᵀ (∂²y/∂A_i∂A_j) A_j: it ignores cells that are empty. The column s_{·→j} is one Hessian-vector product with the
indicator of cell j, contracted with A, so the N×N map costs N HVPs (vmapped in chunks) and the
(N·K)² Hessian is never formed. A 3-way column s_{·→j,l} is one nested HVP.

Grad-CAM runs on plain autograd; Taylor-CAM re-runs the network with the layer's output replaced
by a function input, so torch.func can differentiate y with respect to A.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from .. import derivatives as dv
from .. import inputs as inp
from .. import options as opt
from .hooks import Grid, LayerTap, make_grid, resolve_layer
from .results import GradCAMResult, TaylorCAMResult


def grad_cam(model, x, layer, target=None, *, grid=None, cls_token=False) -> GradCAMResult:
    """Grad-CAM of `target` at `layer` (module or dotted name).

    x: (B, C, H, W). The layer's output is (B, K, h, w), or tokens (B, T, K) with `grid=(h, w)`
    (`cls_token=True` drops a leading CLS token). target: None (scalar model) | int | (B,) | callable.
    """
    cls_token = opt.flag(cls_token, "cls_token")
    p, module, name = _prepare(model, x, layer, target)
    x, tgt = p.x, p.target
    tap = LayerTap(module, name)
    try:
        tap.attach()
        with torch.enable_grad():
            y = tgt(tap.run(p.model, x))
            A = tap.output
            (G,) = torch.autograd.grad(y.sum(), A)
    finally:
        tap.detach()
    g = make_grid(A, name, grid, cls_token)
    return _grad_cam_result(g, A.detach(), G, x, name, tgt, y.detach())


def taylor_cam(model, x, layer, target=None, order=2, cells=None, top_k=10, chunk_size=None, *,
               grid=None, cls_token=False, shift="uniform", max_bytes=None) -> TaylorCAMResult:
    """Taylor-CAM pair scores of `target` at `layer`, with Grad-CAM alongside.

    x: (B, C, H, W); layer output (B, K, h, w), or tokens (B, T, K) with `grid=(h, w)`
    (`cls_token=True` drops a leading CLS token). target: None | int | (B,) | callable.
    order=2: cells are the cells whose partner maps TC(i, ·) to return (default: the first
    min(top_k, N) distinct cells of the ranked top pairs). order=3: cells are (i, j, l) triples to
    score (default: each of the top_k pairs extended by its strongest third cell l, ranked by
    s_{l→i,j}²). top_k: pairs per image in `top_pairs`. chunk_size: HVPs per vmapped chunk
    (default: about 256 MiB of tangents). shift: "uniform" (the paper) or "activation" (each
    partner cell moves along its own activation; see the module doc). Cost: N HVPs per image,
    plus 3 nested HVPs per triple.
    """
    shift = opt.choice(shift, "shift", ("uniform", "activation"))
    order = opt.choice(order, "order", (2, 3))
    top_k = opt.positive_int(top_k, "top_k")
    chunk_size = opt.optional_positive_int(chunk_size, "chunk_size")
    cls_token = opt.flag(cls_token, "cls_token")
    p, module, name = _prepare(model, x, layer, target)
    x, tgt = p.x, p.target
    tap = LayerTap(module, name)
    try:
        tap.attach()
        with torch.no_grad():
            y = tgt(tap.run(p.model, x))
            A = tap.output.detach()
        g = make_grid(A, name, grid, cls_token)
        if g.n < 2:
            raise ValueError(f"layer: {name!r} has a single cell; Taylor-CAM needs at least 2 to pair")
        B, N = x.shape[0], g.n
        inp.check_result_size((B, N, N), A.element_size(), max_bytes, "Pick an earlier layer with fewer cells.")
        size = dv.chunk_size(dv.per_item_bytes(1, A[0].numel(), A.element_size(), x[0].numel()), chunk_size)
        sel = tgt.rows(dtype=x.dtype, device=x.device)
        fns = [_example_fn(p.model, tap, x[b : b + 1], tgt, g.shape) for b in range(B)]
        dirs = _Shifted(g, A, shift == "activation")
        S, G = torch.zeros(B, N, N, dtype=A.dtype, device=A.device), torch.zeros_like(A)
        # no_grad: torch.func's transforms ignore it, and it stops autograd recording the
        # parameters' graph through every HVP (results come back detached, memory stays flat)
        with torch.no_grad():
            peak = _pair_columns(fns, A, sel, dirs, size, S, G)
        if peak == 0.0:
            inp.warn_if_piecewise_linear(p.user_model)
        TC = S**2 + S.transpose(1, 2) ** 2
        TC.diagonal(dim1=1, dim2=2).zero_()
        top = _top_pairs(TC, top_k)
        triples = scores3 = None
        if order == 3:
            with torch.no_grad():
                triples, scores3 = _three_way(fns, A, sel, dirs, cells, top)
    finally:
        tap.detach()
    gc = _grad_cam_result(g, A, G, x, name, tgt, y.detach())
    partner = _partner_cells(top, N, top_k, cells if order == 2 else None, A.device)
    strength = TC.sum(-1).reshape(B, g.h, g.w)
    return TaylorCAMResult(
        pair_scores=TC, directed=S, top_pairs=top, partner_cells=partner,
        partner_maps=torch.gather(TC, 1, partner[:, :, None].expand(-1, -1, N)).reshape(B, -1, g.h, g.w),
        strength=strength, strength_upsampled=_upsample(strength, x), grad_cam=gc, grid=(g.h, g.w),
        image_size=tuple(x.shape[-2:]), layer=name, order=order, shift=shift, triples=triples, triple_scores=scores3,
    )


def _prepare(model, x, layer, target):
    """The checked call (images (B, C, H, W)) and the hooked layer, looked up on the user's model."""
    module, name = resolve_layer(model, layer)
    return inp.prepare(model, x, target, layout=(4, "images (B, C, H, W)")), module, name


def _example_fn(model, tap: LayerTap, xb: torch.Tensor, target, shape):
    """f(a, sel) → y for one image as a pure function of the layer's activation a (*shape)."""
    # The hook was registered outside every transform; inside vmap/jvp it only hands back `a`,
    # so f stays pure. The layers before it see the unbatched image once per vmapped chunk.
    return dv.example_function(lambda a: tap.run_replaced(model, xb, a), target, shape)


class _Shifted:
    """A grid whose cell-j direction is its indicator (uniform shift) or A ⊙ indicator."""

    def __init__(self, grid: Grid, A: torch.Tensor, scale: bool):
        self.grid, self.A, self.scale = grid, A, scale
        self.n, self.cells = grid.n, grid.cells

    def directions(self, b: int, cells: torch.Tensor) -> torch.Tensor:
        U = self.grid.indicators(cells, self.A.dtype)
        return U * self.A[b] if self.scale else U


def _pair_columns(fns, A, sel, g: _Shifted, size: int, S, G) -> float:
    """Fill S[b, :, j] = s_{·→j} (one HVP with cell j's indicator each) and G[b] = ∂y/∂A; return max |Hu|."""
    peak = 0.0
    for b in range(A.shape[0]):
        for s in range(0, g.n, size):
            js = torch.arange(s, min(s + size, g.n), device=A.device)
            grad_b, HU = dv.grad_and_hvps(fns[b], A[b], g.directions(b, js), sel[b])
            S[b, :, js] = (g.cells(A[b])[None] * g.cells(HU)).sum(-1).T
            G[b], peak = grad_b, max(peak, float(HU.abs().amax()))
    return peak


def _upsample(m: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """(B, h, w) → (B, H, W) bilinear, as Grad-CAM draws maps on the image."""
    return F.interpolate(m[:, None], size=tuple(x.shape[-2:]), mode="bilinear", align_corners=False)[:, 0]


def _grad_cam_result(g: Grid, A, G, x, name, tgt, y) -> GradCAMResult:
    cells, grads = g.cells(A), g.cells(G)  # (B, N, K)
    alpha = grads.mean(1)  # (B, K)
    cam = torch.relu((cells * alpha[:, None, :]).sum(-1)).reshape(-1, g.h, g.w)
    return GradCAMResult(cam.detach(), _upsample(cam, x).detach(), alpha.detach(), name, tuple(A.shape), tgt.index, y,
                         x.detach())


def _top_pairs(TC: torch.Tensor, k: int) -> list[list[tuple[int, int, float]]]:
    N = TC.shape[-1]
    iu = torch.triu_indices(N, N, offset=1, device=TC.device)
    vals = TC[:, iu[0], iu[1]]  # (B, N(N-1)/2)
    v, idx = vals.topk(min(k, vals.shape[1]), dim=1)
    return [[(int(iu[0, t]), int(iu[1, t]), float(s)) for s, t in zip(vb, ib)] for vb, ib in zip(v, idx)]


def _partner_cells(top, N: int, top_k: int, cells, device) -> torch.Tensor:
    if cells is not None:
        rows = inp.as_rows(cells, N, "cells")
        return torch.tensor(rows, device=device).expand(len(top), -1).clone()
    m = min(top_k, N)
    out = []
    for pairs in top:
        seen = list(dict.fromkeys(c for i, j, _ in pairs for c in (i, j)))
        seen += [c for c in range(N) if c not in seen]  # pad past the top pairs in cell order
        out.append(seen[:m])
    return torch.tensor(out, device=device, dtype=torch.long)


def _three_way(fns, A, sel, g: _Shifted, cells, top):
    """3-way scores for `cells` triples (same for every image) or the top pairs extended."""
    B, N = A.shape[0], g.n

    def columns(b, pairs):  # s_{·→j,l} for each (j, l): (P, N)
        js = torch.tensor(pairs, device=A.device).reshape(-1, 2)
        U, V = g.directions(b, js[:, 0]), g.directions(b, js[:, 1])
        T = dv.third_order_rows(fns[b], A[b], U, V, sel[b])
        return (g.cells(A[b])[None] * g.cells(T)).sum(-1)

    if cells is None:
        trip = []
        for b in range(B):
            pairs = [(i, j) for i, j, _ in top[b]]
            col = columns(b, pairs) ** 2  # (P, N): s_{l→i,j}² for every l
            for p, (i, j) in enumerate(pairs):
                col[p, [i, j]] = -1.0
            trip.append([(i, j, int(col[p].argmax())) for p, (i, j) in enumerate(pairs)])
    else:
        one = [tuple(inp.as_rows(list(t), N, "cells")) for t in cells]
        if not one or any(len(t) != 3 or len(set(t)) != 3 for t in one):
            raise ValueError(f"cells: for order=3, expected a list of (i, j, l) triples of distinct cells, got {cells!r}")
        trip = [one] * B
    scores = torch.zeros(B, len(trip[0]), dtype=A.dtype, device=A.device)
    for b in range(B):
        pairs = [p for i, j, l in trip[b] for p in ((j, l), (i, l), (i, j))]
        col = columns(b, pairs).reshape(-1, 3, N)
        src = torch.tensor(trip[b], device=A.device)  # the cell each column is read at
        scores[b] = (col.gather(2, src[:, :, None])[..., 0] ** 2).sum(-1)
    return torch.tensor(trip, device=A.device, dtype=torch.long), scores
