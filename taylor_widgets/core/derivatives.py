"""The one derivative layer every second-order method shares (IH/EH, cross derivatives,
Taylor-CAM, CASO), built on `torch.func`.

The maths is written for one example as a scalar function of a flat vector, then transformed
(`grad`, `jvp` of `grad` for a Hessian-vector product, nested `jvp` for k-th order directional
derivatives) and `vmap`-ed over examples in chunks, so peak memory is bounded by the chunk size.
"""
from __future__ import annotations

import math
from typing import Callable, Sequence

import torch
from torch.func import grad, jvp, vmap

from . import options as opt

ScalarFn = Callable[..., torch.Tensor]

#: Soft budget for the tensors one vmapped chunk materialises (tangents and results).
CHUNK_BYTES = 256 * 1024**2


def example_function(model, target, feature_shape: Sequence[int]) -> ScalarFn:
    """f(z, sel) → scalar for one example: z is the flat input (D,), sel its row of `target.rows()`.

    target: a `Target`. `sel` is the example's one-hot row when the target is a class index and
    ignored otherwise; passing it as an argument keeps the function pure under vmap.
    """
    shape = (1, *feature_shape)

    def f(z: torch.Tensor, sel: torch.Tensor) -> torch.Tensor:
        return target.pick(model(z.reshape(shape)), sel[None])[0]

    return f


def hvp(f: ScalarFn, z: torch.Tensor, v: torch.Tensor, *args) -> tuple[torch.Tensor, torch.Tensor]:
    """(∇f(z), H(z) v) for one example by forward-over-reverse."""
    return jvp(lambda zz: grad(f)(zz, *args), (z,), (v,))


def grad_and_hvps(f: ScalarFn, z: torch.Tensor, U: torch.Tensor, *args) -> tuple[torch.Tensor, torch.Tensor]:
    """(∇f(z) (D,), H(z) Uᵀ as rows (R, D)) for one example: R Hessian-vector products, batched."""
    g, HU = vmap(lambda u: hvp(f, z, u, *args))(U)
    return g[0], HU


def hessian(f: ScalarFn, z: torch.Tensor, *args) -> torch.Tensor:
    """Full Hessian (D, D) of one example: D HVPs against the identity, batched."""
    eye = torch.eye(z.numel(), device=z.device, dtype=z.dtype)
    return grad_and_hvps(f, z, eye, *args)[1]


def directional_derivative(f: ScalarFn, z: torch.Tensor, vs: torch.Tensor, *args) -> torch.Tensor:
    """D^k f(z)[v1, …, vk] for one example by nesting k−1 jvps over one grad; vs: (k, D).

    With basis vectors this is the mixed partial ∂^k f / ∂x_i1 … ∂x_ik.
    """
    k = vs.shape[0]

    def level(j: int):
        if j == 0:
            return lambda zz: grad(f)(zz, *args) @ vs[k - 1]
        inner = level(j - 1)
        return lambda zz: jvp(inner, (zz,), (vs[k - 1 - j],))[1]

    return level(k - 1)(z)


def batched_outputs(model, target, z: torch.Tensor, sel: torch.Tensor, feature_shape, chunk: int = 4096) -> torch.Tensor:
    """f(z) for flat points z (N, D) with their `target.rows(owner)` selectors sel (N, ·) → (N,), without a graph."""
    outs = []
    with torch.no_grad():
        for s in range(0, z.shape[0], chunk):
            out = model(z[s : s + chunk].reshape(-1, *feature_shape))
            outs.append(target.pick(out, sel[s : s + chunk]))
    return torch.cat(outs)


def chunk_size(per_item_bytes: float, requested: int | None = None, budget: int = CHUNK_BYTES) -> int:
    """Items per vmapped chunk so that one chunk stays near `budget` bytes."""
    if requested is not None:
        return opt.positive_int(requested, "chunk_size")
    return max(1, min(4096, int(budget // max(per_item_bytes, 1.0))))


def map_chunks(fn: Callable, tensors: Sequence[torch.Tensor], size: int, in_dims=0) -> list:
    """vmap `fn` over dim 0 of `tensors` in chunks of `size`; returns the list of chunk outputs."""
    n = tensors[0].shape[0]
    vfn = vmap(fn, in_dims=in_dims)
    return [vfn(*(t[s : s + size] for t in tensors)) for s in range(0, n, size)]


def per_item_bytes(n_vectors: int, d: int, itemsize: int, activations: int = 0) -> float:
    """Rough bytes per vmapped item: n_vectors tangents and results of length d, plus activations."""
    return itemsize * n_vectors * (3 * d + 2 * activations) + itemsize * 4 * d


def numel(shape: Sequence[int]) -> int:
    return int(math.prod(shape))


def third_order_rows(f: ScalarFn, z: torch.Tensor, U: torch.Tensor, V: torch.Tensor, *args) -> torch.Tensor:
    """D³f(z)[u_r, v_r, ·] as rows (R, *z.shape) for one example: the jvp of an HVP, batched.

    Row r is ∂/∂ε (H(z + ε v_r) u_r), i.e. Σ_{m,n} ∂³f/∂z ∂z_m ∂z_n u_rm v_rn; one nested HVP each.
    """

    def one(u, v):
        return jvp(lambda zz: hvp(f, zz, u, *args)[1], (z,), (v,))[1]

    return vmap(one)(U, V)


def lanczos(op: Callable[[torch.Tensor], torch.Tensor], v0: torch.Tensor, steps: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Ritz values (B, m) ascending and Ritz vectors (B, m, D) of B symmetric operators, by Lanczos.

    op: maps a batch of vectors (B, D) to (B, D), e.g. one HVP per example. v0: (B, D) start
    vectors. m = min(steps, D). Full reorthogonalisation keeps the basis orthogonal in floating
    point. A low-rank operator (a ReLU network's loss Hessian has rank ≤ C−1) makes the Krylov
    space invariant early; that example then restarts from a fresh orthogonal vector with a zero
    coupling, which is exact because the complement of an invariant subspace is invariant too.
    """
    B, D = v0.shape
    m = max(1, min(int(steps), D))
    Q = v0.new_zeros(B, m, D)
    alpha, beta = v0.new_zeros(B, m), v0.new_zeros(B, m)
    gen = torch.Generator(device="cpu").manual_seed(0)
    q = v0 / v0.norm(dim=-1, keepdim=True).clamp_min(torch.finfo(v0.dtype).tiny)
    for k in range(m):
        Q[:, k] = q
        w = op(q)
        alpha[:, k] = (w * q).sum(-1)
        for _ in range(2):  # twice is enough (Kahan–Parlett)
            w = w - torch.einsum("bk,bkd->bd", torch.einsum("bkd,bd->bk", Q[:, : k + 1], w), Q[:, : k + 1])
        if k == m - 1:
            break
        b = w.norm(dim=-1)
        scale = alpha[:, : k + 1].abs().amax(-1) + beta[:, : k + 1].abs().amax(-1)
        broke = b <= 1e3 * torch.finfo(v0.dtype).eps * scale.clamp_min(torch.finfo(v0.dtype).tiny)
        r = torch.randn(B, D, generator=gen, dtype=torch.float64).to(v0)
        for _ in range(2):
            r = r - torch.einsum("bk,bkd->bd", torch.einsum("bkd,bd->bk", Q[:, : k + 1], r), Q[:, : k + 1])
        r = r / r.norm(dim=-1, keepdim=True).clamp_min(torch.finfo(v0.dtype).tiny)
        q = torch.where(broke[:, None], r, w / b.clamp_min(torch.finfo(v0.dtype).tiny)[:, None])
        beta[:, k] = torch.where(broke, torch.zeros_like(b), b)
    off = beta[:, : m - 1]
    T = torch.diag_embed(alpha) + torch.diag_embed(off, 1) + torch.diag_embed(off, -1)
    theta, S = torch.linalg.eigh(T)
    return theta, torch.einsum("bkm,bkd->bmd", S, Q)


def hvp_operator(F: Callable[[torch.Tensor], torch.Tensor], Z: torch.Tensor) -> tuple[torch.Tensor, Callable]:
    """(∇F(Z), V ↦ H(Z) V) at one fixed point Z (B, D), F summing independent per-example scalars.

    For iterative solvers (CASO's FISTA, Lanczos) that take hundreds of HVPs at the same point:
    the gradient graph is built once (reverse-over-reverse) and each HVP is one backward pass
    through it, which on small models is ~10× cheaper than re-tracing torch.func's jvp-of-grad.
    Because examples are independent, row b of H(Z)V is example b's HVP. Results are detached.
    """
    with torch.enable_grad():
        z = Z.detach().requires_grad_(True)
        (g,) = torch.autograd.grad(F(z), z, create_graph=True)

    def op(V: torch.Tensor) -> torch.Tensor:
        with torch.enable_grad():
            if not g.requires_grad:  # F is linear in Z: the Hessian is zero
                return torch.zeros_like(V)
            (hv,) = torch.autograd.grad(g, z, V, retain_graph=True, allow_unused=True)
        return torch.zeros_like(V) if hv is None else hv.detach()

    return g.detach(), op
