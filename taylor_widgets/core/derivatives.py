"""The one derivative layer every second-order method shares (IH/EH, cross derivatives,
Taylor-CAM, CASO), built on `torch.func`.

The maths is written for one example as a scalar function of a flat vector, then transformed
(`grad`; Hessian-vector products; nested products for k-th order directional derivatives) and
`vmap`-ed over examples in chunks, so peak memory is bounded by the chunk size.

How products are taken, and why every op the users' models have works:
- R Hessian-vector products at one point (`grad_and_hvps`) build one gradient graph and pull R
  vectors back through it, vmapped (reverse-over-reverse): on CPU faster than vmapped
  forward-over-reverse (jvp of grad) at equal values, by the factors that
  `benchmarks/hvp_modes.py` prints (README, "Cost and memory").
- Fused scaled-dot-product attention (`nn.MultiheadAttention`, `nn.TransformerEncoder`,
  `F.scaled_dot_product_attention`) runs on its math kernel during every derivative call
  (`every_op_differentiable`): the fused CPU kernel has neither forward-mode AD, nor a second
  backward, nor a vmap rule.
- Every product has more than one way to be computed (`_first_that_works`): if an op lacks the
  derivative one way needs (no double backward, no forward-mode AD as for `F.grid_sample` or an
  `autograd.Function` without `jvp`, or a backward that writes in place where vmap refuses), the
  next way is tried, and the way that worked is remembered for that function. Each jvp here
  differentiates a map with a symmetric Jacobian (a gradient, or z ↦ H(z)u), so a vjp with the
  same vector gives the same product.
"""
from __future__ import annotations

import contextlib
import math
import weakref
from typing import Callable, Sequence

import torch
from torch.func import grad, jvp, vjp, vmap
from torch.nn.attention import SDPBackend, sdpa_kernel

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


def every_op_differentiable() -> contextlib.AbstractContextManager:
    """Select the math kernel of scaled-dot-product attention for the duration of a derivative call.

    The fused CPU/GPU kernels have first derivatives only; the math kernel is plain matmuls and a
    softmax, so jvp, vmap and double backward all work. It keeps the (T, T) attention matrix per
    head in memory where a fused kernel would not, which at the sequence lengths of explanations
    (T ≤ a few thousand) is small next to the HVPs' tangents.
    """
    return sdpa_kernel(SDPBackend.MATH)


#: For each example function, the way (index into its list of ways) that last worked, per product.
_WORKING: "weakref.WeakKeyDictionary[Callable, dict[str, int]]" = weakref.WeakKeyDictionary()

#: Fragments of the errors torch raises when a derivative is missing one way but may exist another.
_GAPS = ("forward AD", "forward mode AD", "jvp", "derivative for", "not implemented", "out-of-place", "vmap:",
         "doesn't match the broadcast shape")  # the last: an in-place backward op on an unbatched tensor


def _first_that_works(f: Callable, product: str, ways: Sequence[Callable[[], object]]):
    """Run the first of `ways` that the ops inside f support, starting at the one that worked last."""
    memo = _WORKING.setdefault(f, {})
    first_error = None
    with every_op_differentiable():
        for i in range(memo.get(product, 0), len(ways)):
            try:
                out = ways[i]()
            except (NotImplementedError, RuntimeError) as e:
                if not any(g in str(e) for g in _GAPS):
                    raise
                first_error = first_error or e
                continue
            memo[product] = i
            return out
    raise first_error


def _symmetric_jvp(fn: Callable, z: torch.Tensor, v: torch.Tensor, forward: bool):
    """(fn(z), J(z) v) for a map whose Jacobian J is symmetric (a gradient, or z ↦ H(z) u)."""
    if forward:
        return jvp(fn, (z,), (v,))
    out, pull = vjp(fn, z)
    return out, pull(v)[0]


def hvp(f: ScalarFn, z: torch.Tensor, v: torch.Tensor, *args) -> tuple[torch.Tensor, torch.Tensor]:
    """(∇f(z), H(z) v) for one example."""
    gradient = lambda zz: grad(f)(zz, *args)  # noqa: E731
    return _first_that_works(f, "hvp", [lambda: _symmetric_jvp(gradient, z, v, False),
                                        lambda: _symmetric_jvp(gradient, z, v, True)])


def grad_and_hvps(f: ScalarFn, z: torch.Tensor, U: torch.Tensor, *args) -> tuple[torch.Tensor, torch.Tensor]:
    """(∇f(z) (D,), H(z) Uᵀ as rows (R, D)) for one example: R Hessian-vector products, batched.

    Ways, in order: one gradient graph with R vmapped pullbacks; vmapped jvps of the gradient
    (forward-over-reverse); R independent pullbacks with the point batched too (for backward
    formulas that write in place into a tensor derived from the point, which vmap refuses when
    only the pulled-back vector is batched).
    """
    gradient = lambda zz: grad(f)(zz, *args)  # noqa: E731

    def shared_graph():
        g, pull = vjp(gradient, z)
        return g, vmap(lambda u: pull(u)[0])(U)

    def forward():
        g, HU = vmap(lambda u: jvp(gradient, (z,), (u,)))(U)
        return g[0], HU

    def pairs():
        g, HU = vmap(lambda zz, u: _symmetric_jvp(gradient, zz, u, False))(z.expand(U.shape[0], *z.shape).clone(), U)
        return g[0], HU

    return _first_that_works(f, "hvps", [shared_graph, forward, pairs])


def hessian(f: ScalarFn, z: torch.Tensor, *args) -> torch.Tensor:
    """Full Hessian (D, D) of one example: D HVPs against the identity, batched."""
    eye = torch.eye(z.numel(), device=z.device, dtype=z.dtype)
    return grad_and_hvps(f, z, eye, *args)[1]


def directional_derivative(f: ScalarFn, z: torch.Tensor, vs: torch.Tensor, *args) -> torch.Tensor:
    """D^k f(z)[v1, …, vk] for one example by nesting k−1 jvps over one grad; vs: (k, D).

    With basis vectors this is the mixed partial ∂^k f / ∂x_i1 … ∂x_ik. Without forward-mode AD
    the jvps of these scalar functions become gradients dotted with the direction.
    """
    k = vs.shape[0]

    def nested(forward: bool):
        def level(j: int):
            if j == 0:
                return lambda zz: grad(f)(zz, *args) @ vs[k - 1]
            inner = level(j - 1)
            if forward:
                return lambda zz: jvp(inner, (zz,), (vs[k - 1 - j],))[1]
            return lambda zz: grad(inner)(zz) @ vs[k - 1 - j]

        return level(k - 1)(z)

    return _first_that_works(f, "directional", [lambda: nested(True), lambda: nested(False)])


def line_derivatives(f: ScalarFn, z: torch.Tensor, v: torch.Tensor, *args) -> tuple[torch.Tensor, torch.Tensor]:
    """(vᵀ∇f(z), vᵀH(z)v): first and second derivatives of ε ↦ f(z + εv) at 0, for one example."""
    g, hv = hvp(f, z, v, *args)
    return g @ v, hv @ v


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


def activation_bytes(f: ScalarFn, z: torch.Tensor, *args) -> int:
    """Bytes that one backward pass of f at z keeps alive: the tensors autograd saves that depend
    on z (weights excluded), measured on one plain forward. 0 if the model resists the probe."""
    total = 0

    def pack(t: torch.Tensor):
        nonlocal total
        base = t._base if t._base is not None else t
        weight = base.grad_fn is None and base is not leaf  # a parameter, or a view of one
        if not weight and (t.grad_fn is not None or t is leaf):
            total += t.numel() * t.element_size()
        return t

    try:
        with torch.enable_grad(), torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t), every_op_differentiable():
            leaf = z.detach().requires_grad_(True)
            f(leaf, *args)
    except Exception:  # a probe only: the real call reports the model's own errors
        return 0
    return total


def plan_chunks(points: int, rows: int, d: int, itemsize: int, act_bytes: int, requested: int | None = None,
                budget: int | None = None) -> tuple[int, int]:
    """(points per chunk, rows per block) so that one vmapped chunk's working set stays near `budget`.

    Each (point, row) pair holds a tangent, its HVP and the weighted product (≈ 4·d floats) and the
    forward and backward tangents of the activations (≈ 2 × `act_bytes`). Rows are split into
    blocks only when all rows of a single point exceed the budget (e.g. a dense d = 23000 matrix);
    then peak memory is the output plus about one budget. `requested` fixes the points per chunk.
    """
    budget = CHUNK_BYTES if budget is None else budget
    pair = itemsize * 4 * d + 2 * act_bytes
    rows_per_block = max(1, min(rows, int(budget // max(pair, 1))))
    if requested is not None:
        return max(1, int(requested)), rows_per_block
    per_point = rows_per_block * pair + itemsize * 3 * d + act_bytes
    return max(1, min(points, 4096, int(budget // max(per_point, 1)))), rows_per_block


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

    gradient = lambda zz: grad(f)(zz, *args)  # noqa: E731

    def rows(forward: bool):
        def one(zz, u, v):
            h_u = lambda w: _symmetric_jvp(gradient, w, u, forward)[1]  # noqa: E731
            return _symmetric_jvp(h_u, zz, v, forward)[1]

        if forward:
            return vmap(one, in_dims=(None, 0, 0))(z, U, V)
        return vmap(one)(z.expand(U.shape[0], *z.shape).clone(), U, V)  # see grad_and_hvps

    return _first_that_works(f, "third", [lambda: rows(True), lambda: rows(False)])


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
    with torch.enable_grad(), every_op_differentiable():  # the graph must support a second backward
        z = Z.detach().requires_grad_(True)
        (g,) = torch.autograd.grad(F(z), z, create_graph=True)

    def op(V: torch.Tensor) -> torch.Tensor:
        with torch.enable_grad():
            if not g.requires_grad:  # F is linear in Z: the Hessian is zero
                return torch.zeros_like(V)
            (hv,) = torch.autograd.grad(g, z, V, retain_graph=True, allow_unused=True)
        return torch.zeros_like(V) if hv is None else hv.detach()

    return g.detach(), op
