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

ScalarFn = Callable[..., torch.Tensor]

#: Soft budget for the tensors one vmapped chunk materialises (tangents and results).
CHUNK_BYTES = 256 * 1024**2


def example_function(model, target_fn, feature_shape: Sequence[int]) -> ScalarFn:
    """f(z, sel) → scalar for one example: z is the flat input (D,), sel the target's row.

    `sel` is the example's one-hot row when the target is a class index, and ignored otherwise;
    passing it as an argument keeps the function pure under vmap.
    """
    shape = (1, *feature_shape)
    onehot = getattr(target_fn, "onehot", None)

    def f(z: torch.Tensor, sel: torch.Tensor) -> torch.Tensor:
        out = model(z.reshape(shape))
        if onehot is not None:
            return (out * sel).sum()
        return target_fn(out)[0]

    return f


def selector_rows(target_fn, B: int, device, dtype) -> torch.Tensor:
    """Per-example rows to pass as `sel`: the one-hot matrix, or a dummy column."""
    onehot = getattr(target_fn, "onehot", None)
    return onehot if onehot is not None else torch.zeros(B, 1, device=device, dtype=dtype)


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


def chunk_size(per_item_bytes: float, requested: int | None = None, budget: int = CHUNK_BYTES) -> int:
    """Items per vmapped chunk so that one chunk stays near `budget` bytes."""
    if requested is not None:
        return max(1, int(requested))
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
