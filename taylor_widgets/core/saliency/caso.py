"""Second-order saliency CASO and its first-order counterpart CAFO, and the Hessian rank diagnostic.

Singla, Wallace, Feng, Feizi, "Understanding Impacts of High-Order Loss Approximations and
Features in Deep Learning Interpretation", ICML 2019 (https://arxiv.org/abs/1902.00407).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch.func import jacrev, vmap

from .. import derivatives as dv
from .. import draws
from .. import inputs as inp
from .. import options as opt
from .results import RankDiagnostic, SaliencyResult

#: Lanczos needs two steps to bracket the spectrum (one Ritz value is both extremes).
MIN_LANCZOS_STEPS = 2


def caso(model, x, target=None, lambda1=None, lambda2=None, tol=1e-6, max_iter=500, smooth_samples=0,
         smooth_sigma=0.1, seed=None, margin=0.1, lanczos_steps=30):
    """CASO Δ* = argmax gᵀΔ + ½ΔᵀHΔ − λ1‖Δ‖₁ − (λ2/2)‖Δ‖², with g, H of the cross-entropy ℓ.

    x: (B, *S). target: None (the predicted label), an int or a (B,) tensor of labels; the model
    must return logits (B, C). lambda1: float, (B,) tensor, or None for 0.1·max|g| per example.
    lambda2: float, (B,) tensor, or None for max(λ_max(H), 0) + margin·max|λ(H)| (Lanczos on
    HVPs), which keeps the problem strictly concave. tol: stop when the relative proximal-gradient
    residual is below tol; max_iter caps FISTA. smooth_samples > 0 averages Δ* over noisy copies
    x + N(0, (smooth_sigma·(max x − min x))²) (SmoothGrad); seed fixes the noise.
    Only Hessian-vector products are used, never the full Hessian.
    """
    return _solve("caso", model, x, target, lambda1, lambda2, tol, max_iter, smooth_samples, smooth_sigma, seed,
                  margin, lanczos_steps)


def cafo(model, x, target=None, lambda1=None, lambda2=None, tol=1e-6, max_iter=500, smooth_samples=0,
         smooth_sigma=0.1, seed=None, margin=0.1, lanczos_steps=30):
    """CAFO: CASO without the Hessian term; the optimum is sign(g)·max(|g| − λ1, 0)/λ2.

    Arguments as `caso`; the default λ2 is the same Hessian-based value as CASO's so that the two
    maps are on one scale. Solved by the same FISTA loop (the closed form is the test).
    """
    return _solve("cafo", model, x, target, lambda1, lambda2, tol, max_iter, smooth_samples, smooth_sigma, seed,
                  margin, lanczos_steps)


def hessian_rank_diagnostic(model, x, target=None, method="auto", lanczos_steps=30, k=4):
    """p_max, σ2/σ1 of H = ∇²ℓ and |cos(top eigenvector, g)| per example, ℓ the cross-entropy.

    x: (B, *S). method: "closed_form" uses H = Wᵀ(diag p − ppᵀ)W with W the logit Jacobian (C, D)
    (exact for piecewise-linear networks: C Jacobian rows, no HVPs); "lanczos" uses HVPs;
    "auto" picks the closed form for an nn.Sequential of piecewise-linear layers.
    """
    method = opt.choice(method, "method", ("auto", "closed_form", "lanczos"))
    lanczos_steps = opt.integer(lanczos_steps, "lanczos_steps", minimum=MIN_LANCZOS_STEPS)
    k = opt.positive_int(k, "k")
    with torch.no_grad():  # derivatives w.r.t. the input only; no graph to the parameters
        return _diagnose(model, x, target, method, lanczos_steps, k)


def _diagnose(model, x, target, method, lanczos_steps, k):
    s = _setup(model, x, target)
    if method == "auto":
        method = "closed_form" if _is_piecewise_linear(model) else "lanczos"
    if method == "closed_form":
        W, p = _logit_jacobian(s)
        evals, vecs = _closed_form_eigs(W, p)
        # p − e_y with the label's entry −Σ_{c≠y} p_c: stays exact when p_y rounds to 1
        others = (p * (1 - s.onehot)).sum(-1, keepdim=True)
        g = torch.einsum("bcd,bc->bd", W, torch.where(s.onehot.bool(), -others, p))
    elif method == "lanczos":
        g, hvp = s.operator()
        evals, vecs = dv.lanczos(hvp, g.clone(), lanczos_steps)
    else:
        raise ValueError(f"method: expected 'auto', 'closed_form' or 'lanczos', got {method!r}")
    order = evals.abs().argsort(dim=-1, descending=True)
    evals = evals.gather(1, order)
    v1 = vecs[torch.arange(vecs.shape[0]), order[:, 0]]
    tiny = torch.finfo(g.dtype).tiny
    cos = (v1 * g).sum(-1).abs() / (v1.norm(dim=-1) * g.norm(dim=-1)).clamp_min(tiny)
    ratio = evals[:, 1].abs() / evals[:, 0].abs().clamp_min(tiny) if evals.shape[1] > 1 else torch.zeros_like(cos)
    with torch.no_grad():
        p_max = torch.softmax(s.logits, -1).amax(-1)
    return RankDiagnostic(p_max, ratio, cos, evals[:, :k], method)


# --- set-up -------------------------------------------------------------------------------------


@dataclass
class _Setup:
    z: torch.Tensor  # (B, D) flat inputs
    feature_shape: tuple
    labels: torch.Tensor  # (B,)
    onehot: torch.Tensor  # (B, C)
    logits: torch.Tensor  # (B, C)
    f: object  # ℓ(z, onehot) for one example (torch.func form)
    model: object
    feature_names: list[str] | None = None

    def loss_sum(self, Z: torch.Tensor) -> torch.Tensor:
        """Σ_b ℓ_b(Z_b): examples are independent, so its gradient/HVP rows are per example."""
        logits = self.model(Z.reshape(Z.shape[0], *self.feature_shape))
        return -(torch.log_softmax(logits, -1) * self.onehot).sum()

    def operator(self):
        """(g (B, D), V ↦ H V) at x, built once for the solver's many HVPs."""
        return dv.hvp_operator(self.loss_sum, self.z)


def _setup(model, x, target) -> _Setup:
    if callable(target) and not isinstance(target, torch.Tensor):
        raise TypeError("target: the cross-entropy needs a class index (int or (B,) tensor), not a callable")
    p = inp.prepare(model, x, target, default_target="predicted")
    logits = p.raw_output
    if logits.dim() != 2 or logits.shape[1] < 2:
        raise ValueError(f"model: CASO/CAFO need class logits of shape (B, C) with C ≥ 2, got {tuple(logits.shape)}")
    B = logits.shape[0]
    feature_shape = p.feature_shape
    shape = (1, *feature_shape)
    model = p.model

    def loss(z, sel):
        return -(torch.log_softmax(model(z.reshape(shape)), -1)[0] * sel).sum()

    return _Setup(p.x.reshape(B, -1), feature_shape, p.target.index, p.target.onehot(p.x), logits, loss, model,
                  p.feature_names(None, math.prod(feature_shape)))


def _per_example(value, B, name, ref, default):
    """A float or (B,) tensor of non-negative values → (B,); None → default."""
    if value is None:
        return default
    if not (opt.is_real(value) or isinstance(value, torch.Tensor)):
        raise TypeError(f"{name}: expected a float or a ({B},) tensor, got {type(value).__name__}")
    t = torch.as_tensor(value, dtype=ref.dtype, device=ref.device).reshape(-1)
    if t.numel() == 1:
        t = t.expand(B)
    if t.numel() != B or not torch.isfinite(t).all() or (t < 0).any():
        raise ValueError(f"{name}: expected one finite non-negative value or {B} of them, got {value!r}")
    return t.clone()


# --- the solver ---------------------------------------------------------------------------------


def _solve(method, model, x, target, lambda1, lambda2, tol, max_iter, smooth_samples, smooth_sigma, seed, margin,
           lanczos_steps):
    tol = opt.positive_real(tol, "tol")
    max_iter = opt.positive_int(max_iter, "max_iter")
    smooth_samples = opt.non_negative_int(smooth_samples, "smooth_samples")
    smooth_sigma = opt.non_negative_real(smooth_sigma, "smooth_sigma")
    margin = opt.positive_real(margin, "margin")
    lanczos_steps = opt.integer(lanczos_steps, "lanczos_steps", minimum=MIN_LANCZOS_STEPS)
    draws.check_seed(seed)
    with torch.no_grad():  # derivatives w.r.t. the input only; no graph to the parameters
        return _solve_nograd(method, model, x, target, lambda1, lambda2, tol, max_iter, smooth_samples, smooth_sigma,
                             seed, margin, lanczos_steps)


def _solve_nograd(method, model, x, target, lambda1, lambda2, tol, max_iter, smooth_samples, smooth_sigma, seed,
                  margin, lanczos_steps):
    s = _setup(model, x, target)
    B = s.z.shape[0]
    g, H = s.operator()
    g0 = g
    if smooth_samples:
        n = smooth_samples
        span = (s.z.amax(-1) - s.z.amin(-1)).clamp_min(torch.finfo(s.z.dtype).eps)
        gens = draws.generators(s.z.reshape(B, *s.feature_shape), 0 if seed is None else seed)  # per input
        noise = torch.cat([torch.randn(n, s.z.shape[1], generator=g, dtype=torch.float64) for g in gens]).to(s.z)
        z = s.z.repeat_interleave(n, 0) + smooth_sigma * span.repeat_interleave(n)[:, None] * noise
        s = _Setup(z, s.feature_shape, s.labels.repeat_interleave(n), s.onehot.repeat_interleave(n, 0),
                   s.logits.repeat_interleave(n, 0), s.f, s.model, s.feature_names)
        g, H = s.operator()
    rep = lambda t: t.repeat_interleave(smooth_samples, 0) if smooth_samples and t.shape[0] == B else t  # noqa: E731
    lam1 = rep(_per_example(lambda1, B, "lambda1", g, None)) if lambda1 is not None else 0.1 * g.abs().amax(-1)
    if method == "cafo" and lambda2 is not None:  # no H term and no default to compute: skip the HVPs
        theta = torch.zeros(g.shape[0], 1, dtype=g.dtype, device=g.device)
    else:
        theta, _ = dv.lanczos(H, g.clone(), lanczos_steps)
    rho = theta.abs().amax(-1)
    auto = theta[:, -1].clamp_min(0) + margin * rho
    lam2 = rep(_per_example(lambda2, B, "lambda2", g, None)) if lambda2 is not None else auto
    lam2 = lam2.clamp_min(1e-12)
    if method == "caso" and lambda2 is not None and (lam2 <= theta[:, -1]).any():
        raise ValueError(f"lambda2: must exceed λ_max(H) ≈ {theta[:, -1].tolist()} so that the problem is concave")
    hvp = H if method == "caso" else (lambda v: torch.zeros_like(v))
    L0 = lam2 - (theta[:, 0] if method == "caso" else 0.0)
    delta, obj, gap, iters, conv = _fista(hvp, g, lam1, lam2, L0.clamp_min(1e-12), tol, max_iter)
    if smooth_samples:
        n = smooth_samples
        delta = delta.reshape(B, n, -1).mean(1)
        obj, gap = obj.reshape(B, n).mean(1), gap.reshape(B, n).amax(1)
        iters, conv = iters.reshape(B, n).amax(1), conv.reshape(B, n).all(1)
        lam1, lam2 = lam1.reshape(B, n).mean(1), lam2.reshape(B, n).mean(1)
    shape = (B, *s.feature_shape)
    return SaliencyResult(delta.reshape(shape), g0.reshape(shape), method, s.labels[::max(smooth_samples, 1)], lam1,
                          lam2, obj, gap, iters, conv, smooth_samples, s.feature_names)


def _soft(v, t):
    return v.sign() * (v.abs() - t).clamp_min(0)


def _fista(hvp, g, lam1, lam2, L, tol, max_iter):
    """FISTA with backtracking and adaptive restart on min h(Δ) + λ1‖Δ‖₁, h = ½Δᵀ(λ2I − H)Δ − gᵀΔ.

    H enters only through HVPs; since H is fixed, H·y for the momentum point follows from the HVPs
    already taken by linearity, so one iteration costs one HVP (plus one per backtracking halving).
    """
    g, lam1, lam2, L = g.detach(), lam1.detach(), lam2.detach(), L.detach()
    N, D = g.shape
    c2 = lam2[:, None]
    step = 1.0 / L
    delta, Hd = torch.zeros_like(g), torch.zeros_like(g)
    y, Hy = delta.clone(), Hd.clone()
    t = torch.ones(N, dtype=g.dtype, device=g.device)
    iters = torch.full((N,), max_iter, dtype=torch.long, device=g.device)
    active = torch.ones(N, dtype=torch.bool, device=g.device)
    gap = torch.full((N,), float("inf"), dtype=g.dtype, device=g.device)
    tiny = torch.finfo(g.dtype).tiny
    for k in range(1, max_iter + 1):
        gy = c2 * y - g - Hy
        while True:
            p = _soft(y - step[:, None] * gy, (step * lam1)[:, None])
            Hp = hvp(p).detach()
            d = p - y
            curv = 0.5 * (lam2 * (d * d).sum(-1) - (d * (Hp - Hy)).sum(-1))
            bad = active & (curv > (d * d).sum(-1) / (2 * step) * (1 + 1e-9) + tiny)
            if not bad.any():
                break
            step = torch.where(bad, step / 2, step)
        a = active[:, None]
        p, Hp = torch.where(a, p, delta), torch.where(a, Hp, Hd)
        # natural residual at p with the current step: zero exactly at the optimum
        gp = c2 * p - g - Hp
        res = (p - _soft(p - step[:, None] * gp, (step * lam1)[:, None])).norm(dim=-1)
        gap = torch.where(active, res / p.norm(dim=-1).clamp_min(tiny), gap)
        done = active & (gap <= tol)
        iters = torch.where(done, torch.full_like(iters, k), iters)
        restart = ((y - p) * (p - delta)).sum(-1) > 0
        t_next = (1 + torch.sqrt(1 + 4 * t * t)) / 2
        beta = torch.where(restart, torch.zeros_like(t), (t - 1) / t_next)[:, None]
        y, Hy = p + beta * (p - delta), Hp + beta * (Hp - Hd)
        delta, Hd = p, Hp
        t = torch.where(restart, torch.ones_like(t), t_next)
        active = active & ~done
        if not active.any():
            break
    obj = (g * delta).sum(-1) + 0.5 * (delta * Hd).sum(-1) - lam1 * delta.abs().sum(-1) - 0.5 * lam2 * (delta * delta).sum(-1)
    return delta, obj, gap, iters, ~active


# --- the closed form for piecewise-linear networks ----------------------------------------------

_PIECEWISE_LINEAR = (torch.nn.Linear, torch.nn.Conv1d, torch.nn.Conv2d, torch.nn.Conv3d, torch.nn.ReLU, torch.nn.LeakyReLU,
                     torch.nn.Flatten, torch.nn.Identity, torch.nn.MaxPool1d, torch.nn.MaxPool2d, torch.nn.AvgPool1d,
                     torch.nn.AvgPool2d, torch.nn.AdaptiveAvgPool2d, torch.nn.Dropout, torch.nn.Sequential)


def _is_piecewise_linear(model) -> bool:
    """An nn.Sequential (nested) of piecewise-linear layers: its logits are locally linear in x."""
    return isinstance(model, torch.nn.Sequential) and all(isinstance(m, _PIECEWISE_LINEAR) for m in model.modules())


def _logit_jacobian(s: _Setup) -> tuple[torch.Tensor, torch.Tensor]:
    """W = ∂logits/∂x (B, C, D) by C reverse passes per example, and p = softmax (B, C)."""
    shape = (1, *s.feature_shape)
    W = vmap(jacrev(lambda z: s.model(z.reshape(shape))[0]))(s.z)
    return W, torch.softmax(s.logits, -1)


def _closed_form_eigs(W: torch.Tensor, p: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Eigenpairs of H = Wᵀ(diag p − ppᵀ)W through the thin SVD W = U S Vᵀ: only C×C matrices."""
    M = _softmax_covariance(p)
    U, S, Vh = torch.linalg.svd(W, full_matrices=False)
    K = S[:, :, None] * (U.transpose(1, 2) @ M @ U) * S[:, None, :]
    lam, Q = torch.linalg.eigh(K)
    return lam, torch.einsum("brm,brd->bmd", Q, Vh)


def _closed_form_hessian(model, x, target=None) -> torch.Tensor:
    """Dense H = Wᵀ(diag p − ppᵀ)W (B, D, D), for tests and small inputs only."""
    s = _setup(model, x, target)
    W, p = _logit_jacobian(s)
    M = _softmax_covariance(p)
    return W.transpose(1, 2) @ M @ W


def _softmax_covariance(p: torch.Tensor) -> torch.Tensor:
    """diag p − ppᵀ (B, C, C) with the diagonal p_c·Σ_{c'≠c} p_c', not p_c(1 − p_c).

    When p_max rounds to 1 the naive diagonal cancels to 0 while the off-diagonal terms survive,
    which fakes a second eigenvalue; summing the other classes keeps M's rank-one structure.
    """
    C = p.shape[-1]
    others = (p[:, None, :] * (1 - torch.eye(C, dtype=p.dtype, device=p.device))).sum(-1)
    M = -p[:, :, None] * p[:, None, :]
    M.diagonal(dim1=1, dim2=2).copy_(p * others)
    return M
