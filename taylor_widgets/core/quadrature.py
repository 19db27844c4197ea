"""Quadrature rules for path methods: each returns `Rule(points, w_grad, w_hess)` on (0, 1).

IG needs ∫₀¹ g(α) dα. Integrated Hessians need two double integrals over α, β ∈ (0, 1) whose
integrand depends on γ = αβ only (docs/methods.md §1.2). With γ's density −ln γ they become

    ∫∫ g(αβ) dα dβ    = ∫₀¹ (−ln γ)   g(γ) dγ     (weights `w_grad`)
    ∫∫ αβ g(αβ) dα dβ = ∫₀¹ (−γ ln γ) g(γ) dγ     (weights `w_hess`)

so one Gauss rule for the weight −ln γ evaluates both at the same n points. The methods never
write their own stepping; they ask this module for a rule.

Integrands that change sharply near the baseline (LayerNorm at a zero baseline: the output moves
between γ = 1e-6 and 1e-2) need rules that resolve scales, not positions. So there are panel
rules: on a head panel [0, b] a Gauss rule in γ (for IH, for the weight −ln γ restricted to it),
and on [a, b] with a > 0 Gauss–Legendre in t = ln γ, where such an integrand is smooth (a
complex singularity of the integrand at γ = ±iη sits at distance π/2 from the real t axis). The
adaptive loop (paths/adaptive.py) picks the panels; `composite` joins their rules.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch


@dataclass(frozen=True)
class Rule:
    """Points on (0, 1) with weights for the first-order and second-order integrals."""

    points: np.ndarray  # (n,) interpolation constants α (IG) or γ = αβ (IH)
    w_grad: np.ndarray  # (n,) weights of the gradient term
    w_hess: np.ndarray  # (n,) weights of the Hessian term (IH only; zeros for IG rules)
    name: str

    def tensors(self, device, dtype) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        as_t = lambda a: torch.as_tensor(a, device=device, dtype=dtype)  # noqa: E731
        return as_t(self.points), as_t(self.w_grad), as_t(self.w_hess)


@lru_cache(maxsize=64)
def gauss_legendre(n: int) -> Rule:
    """n-point Gauss–Legendre on (0, 1): exact for polynomials of degree 2n−1 in α."""
    x, w = np.polynomial.legendre.leggauss(n)
    return Rule((x + 1) / 2, w / 2, np.zeros(n), f"gauss-legendre-{n}")


@lru_cache(maxsize=64)
def log_weight_gauss(n: int) -> Rule:
    """n-point Gauss rule for ∫₀¹ (−ln γ) g(γ) dγ, exact for polynomials of degree 2n−1 in γ.

    Built by Lanczos (full reorthogonalisation) on a discretisation of the measure that is
    accurate to machine precision: composite Gauss–Legendre on panels [2⁻ᵏ⁻¹, 2⁻ᵏ], on which
    −ln γ is analytic, down to 2⁻⁶⁰ (the mass left below is < 1e-16).
    """
    x, w = _log_measure()
    nodes, weights = _lanczos_gauss(x, w, n)
    return Rule(nodes, weights, weights * nodes, f"log-weight-gauss-{n}")


@lru_cache(maxsize=64)
def uniform_grid(n: int) -> Rule:
    """path_explain's IG rule: n equally spaced α from 0 to 1, endpoints included, averaged."""
    a = np.linspace(0.0, 1.0, n) if n > 1 else np.ones(1)
    return Rule(a, np.full(n, 1.0 / n), np.zeros(n), f"uniform-{n}")


@lru_cache(maxsize=64)
def uniform_product_grid(n: int) -> Rule:
    """path_explain's IH rule: the n×n grid of α, β ∈ linspace(0, 1, n), as γ = αβ with weights.

    Equal products are merged, so the rule evaluates each distinct point once; the estimate is
    identical to the n² grid. `num_samples` in path_explain corresponds to n = round(√num_samples).
    """
    a = np.linspace(0.0, 1.0, n) if n > 1 else np.ones(1)
    g = np.outer(a, a).ravel()
    keys = np.round(g, 14)
    uniq, inv = np.unique(keys, return_inverse=True)
    w1 = np.bincount(inv, minlength=len(uniq)) / n**2
    return Rule(uniq, w1, w1 * uniq, f"uniform-product-{n}x{n}")


def ig_rule(steps: int | None, rule: str) -> Rule:
    if rule == "gauss":
        return gauss_legendre(steps or DEFAULT_IG_STEPS)
    if rule == "uniform":
        return uniform_grid(steps or 50)
    raise ValueError(f"rule: expected 'gauss' or 'uniform', got {rule!r}")


def ih_rule(steps: int | None, rule: str) -> Rule:
    if rule == "gauss":
        return log_weight_gauss(steps or DEFAULT_IH_STEPS)
    if rule == "uniform":
        return uniform_product_grid(steps or 10)
    raise ValueError(f"rule: expected 'gauss' or 'uniform', got {rule!r}")


#: Defaults chosen for completeness error ≤ 1e-5 relative on smooth models (tests check it).
DEFAULT_IG_STEPS = 32
DEFAULT_IH_STEPS = 16


@lru_cache(maxsize=4096)
def ig_panel(a: float, b: float, n: int) -> Rule:
    """n-point rule for ∫_a^b g(α) dα: Gauss–Legendre in α on [0, b], in t = ln α on [a, b] (a > 0).

    Exact for polynomials of degree 2n−1 in α (head) or of the form e^t·p(t), deg p ≤ 2n−1 (a > 0).
    """
    if a == 0.0:
        r = gauss_legendre(n)
        return Rule(b * r.points, b * r.w_grad, np.zeros(n), f"gauss-legendre-{n}[0,{b:.3g}]")
    t, v = _legendre_on(np.log(a), np.log(b), n)
    g = np.exp(t)
    return Rule(g, v * g, np.zeros(n), f"gauss-legendre-log-{n}[{a:.3g},{b:.3g}]")


@lru_cache(maxsize=4096)
def ih_panel(a: float, b: float, n: int) -> Rule:
    """n-point rule for ∫_a^b (−ln γ) g(γ) dγ (w_grad) and ∫_a^b (−γ ln γ) g(γ) dγ (w_hess).

    Head panel [0, b]: with γ = b·s the weight is b·(−ln b − ln s) on s ∈ (0, 1), and the rule is
    the Gauss rule of that weight (built like `log_weight_gauss`), exact for polynomials of degree
    2n−1 in γ. Panel a > 0: Gauss–Legendre in t = ln γ, exact when (−t)·e^t·g(e^t) is a polynomial
    of degree 2n−1 in t.
    """
    if a == 0.0:
        if b == 1.0:
            return log_weight_gauss(n)
        x, w_leb = _unit_measure()
        s, w = _lanczos_gauss(x, w_leb * (-np.log(b) - np.log(x)), n)
        g = b * s
        return Rule(g, b * w, b * w * g, f"log-weight-gauss-{n}[0,{b:.3g}]")
    t, v = _legendre_on(np.log(a), np.log(b), n)
    g = np.exp(t)
    w = v * (-t) * g
    return Rule(g, w, w * g, f"log-weight-log-{n}[{a:.3g},{b:.3g}]")


def composite(rules: list[Rule], name: str) -> Rule:
    """One rule from panel rules: the union of their points and weights."""
    cat = lambda field: np.concatenate([getattr(r, field) for r in rules])  # noqa: E731
    return Rule(cat("points"), cat("w_grad"), cat("w_hess"), name)


def _legendre_on(lo: float, hi: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    x, w = np.polynomial.legendre.leggauss(n)
    return lo + (x + 1) * (hi - lo) / 2, w * (hi - lo) / 2


@lru_cache(maxsize=1)
def _unit_measure(panels: int = 60, per_panel: int = 24) -> tuple[np.ndarray, np.ndarray]:
    """Lebesgue measure on (0, 1) as composite Gauss–Legendre on [2⁻ᵏ⁻¹, 2⁻ᵏ], k < 60.

    Multiplied by −ln x (analytic on each panel) it discretises the log weight to machine
    precision; the mass left below 2⁻⁶⁰ is < 1e-16.
    """
    t, v = np.polynomial.legendre.leggauss(per_panel)
    xs, ws = [], []
    for k in range(panels):
        lo, hi = 2.0 ** -(k + 1), 2.0**-k
        xs.append(lo + (t + 1) * (hi - lo) / 2)
        ws.append(v * (hi - lo) / 2)
    return np.concatenate(xs), np.concatenate(ws)


def _log_measure() -> tuple[np.ndarray, np.ndarray]:
    x, w = _unit_measure()
    return x, w * -np.log(x)


def _lanczos_gauss(x: np.ndarray, w: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss nodes/weights of the discrete measure Σ w_k δ(x_k) via the Lanczos process."""
    mu0 = w.sum()
    q = np.sqrt(w / mu0)
    Q = [q]
    alpha, beta = np.zeros(n), np.zeros(max(n - 1, 0))
    prev, b = np.zeros_like(q), 0.0
    for j in range(n):
        r = x * Q[j] - b * prev
        alpha[j] = Q[j] @ r
        r -= alpha[j] * Q[j]
        for qq in Q:  # full reorthogonalisation keeps the recurrence stable
            r -= (qq @ r) * qq
        if j == n - 1:
            break
        b = np.linalg.norm(r)
        beta[j] = b
        prev = Q[j]
        Q.append(r / b)
    J = np.diag(alpha) + np.diag(beta, 1) + np.diag(beta, -1)
    nodes, vecs = np.linalg.eigh(J)
    return nodes, mu0 * vecs[0] ** 2
