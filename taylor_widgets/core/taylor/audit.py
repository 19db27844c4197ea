"""Audit attribution methods against the three principles of a fair allocation of Taylor effects.

Deng et al., "Understanding and Unifying Fourteen Attribution Methods with Taylor Interactions",
TPAMI 2024 (https://arxiv.org/abs/2303.01506).

**The allocation matrix, exactly.** Let a_i(T) be the method's attribution of player i on the
masked input x_T = (x_T, b_−T) with the same baseline b, for every T ⊆ N. Define

    E_{i,S} = Σ_{T⊆S} (−1)^{|S|−|T|} a_i(T)          (the Möbius transform over T)

so that a_i(x) = Σ_{S⊆N} E_{i,S} exactly, and E_{i,S} is what player i receives from effect S:
the part of i's attribution that appears when all of S is present and vanishes when any member
of S is masked. For every method of the unified form a_i = Σ_κ w_{i,κ} ψ(κ) with fixed weights
this is exactly Σ_{κ: S_κ = S} w_{i,κ} ψ(κ), the paper's allocation of the effects with support
S (a term with support S survives in x_T iff S ⊆ T); for the others (DeepLIFT, LRP, Grad-CAM …)
it is the unique such decomposition of what the method does on the masked inputs.

**Measures** (per input, each divided by the total effect mass M = Σ_{S≠∅} |I(S)|):
- P1 = |Σ_i a_i(x) − (v(x) − v(b))| / M (nothing lost or counted twice);
- P2 leak = Σ_j Σ_{i≠j} |E_{i,{j}}| / M; P2 amount = Σ_j |E_{j,{j}} − I({j})| / M
  (independent effects go only, and wholly, to their own player);
- P3 leak = Σ_{|S|≥2} Σ_{i∉S} |E_{i,S}| / M; P3 amount = Σ_{|S|≥2} |Σ_{i∈S} E_{i,S} − I(S)| / M
  (interaction effects go only to their members, exactly once in total).
A principle passes on an input when its measures are ≤ tol. Expected Gradients, DeepSHAP and
Prediction Difference are measured against the expected game v̄(T) = E_k v(x_T, b_k,−T) over
the background baselines b_k, with masked inputs x_T paired with each b_k.
"""
from __future__ import annotations

import torch

from .. import inputs as inp
from .. import options as opt
from ..paths.setup import check_steps
from .attribution_methods import METHODS, Probe
from .harsanyi import as_groups, masked_values
from .results import PRINCIPLES, AuditResult, MethodAudit, verdict_table  # noqa: F401  (re-exported)
from .subsets import mobius, subset_bits, zeta

#: The audit runs every method on 2^n masked inputs; keep n modest.
MAX_AUDIT_PLAYERS = 12


def attribution_audit(model, x, baseline=None, methods=None, groups=None, target=None, *, background=None,
                      tol=1e-2, player_shape=None, ig_steps=1024, occlusion_window=None, gradcam_layer=None,
                      lrp_epsilon=1e-6, chunk_rows=8192) -> AuditResult:
    """Measure P1/P2/P3 for each attribution method on each input (see the module docstring).

    x: (B, *S). baseline: None (zeros), (*S) or (B, *S). methods: names from METHODS (default all
    fourteen). groups: players as in `harsanyi` (at most 12: every method runs on 2^n masked
    inputs). target: None for scalar models, an int or a (B,) tensor (no callables: the hooked
    methods need a class index). background: (K, *S) baselines for EG, DeepSHAP and Prediction
    Difference (default: the baseline alone, which makes them IG, DeepLIFT and Occlusion-1).
    player_shape: layout of the players for Occlusion-patch (default (n,)). Methods that do not
    apply to the model (Grad-CAM without a Conv2d, LRP or RevealCancel on unsupported layers)
    are reported in `skipped` with the reason. tol: the largest measure (a fraction of the total
    effect mass) that still passes. On piecewise-linear (ReLU) models IG/EG carry a quadrature
    error (their P1) that the Möbius transform amplifies in P3's amount error: raise ig_steps.
    """
    tol, chunk_rows = opt.non_negative_real(tol, "tol"), opt.positive_int(chunk_rows, "chunk_rows")
    ig_steps = opt.positive_int(check_steps(ig_steps, "gauss", "ig", "ig_steps"), "ig_steps")
    lrp_epsilon = opt.positive_real(lrp_epsilon, "lrp_epsilon")
    occlusion_window = _window(occlusion_window)
    if callable(target) and not isinstance(target, torch.Tensor):
        raise TypeError("target: the audit needs a class index (int or (B,) tensor) or None, not a callable")
    if isinstance(methods, (str, bytes)):
        raise TypeError(f"methods: expected a list of method names, got the single string {methods!r}; pass [{methods!r}]")
    p = inp.prepare(model, x, target)
    x, tgt, b = p.x, p.target, p.baseline(baseline)
    device, dtype = x.device, x.dtype
    masks = as_groups(groups, p.feature_shape, device, dtype)
    n = masks.shape[0]
    if n > MAX_AUDIT_PLAYERS:
        raise ValueError(f"groups: the audit runs every method on 2^n masked inputs; {n} players is above "
                         f"{MAX_AUDIT_PLAYERS}. Pass groups= with fewer, larger groups")
    names = list(METHODS) if methods is None else list(methods)
    unknown = [m for m in names if not isinstance(m, str) or m not in METHODS]
    if unknown:
        raise ValueError(f"methods: unknown {unknown}; expected names from {list(METHODS)}")
    bg = b[:1] if background is None else p.data(background, "background")
    pshape = (n,) if player_shape is None else _player_shape(player_shape)
    if int(torch.Size(pshape).numel()) != n:
        raise ValueError(f"player_shape: {pshape} does not hold the {n} players")
    lo = torch.minimum(torch.minimum(x.min(), b.min()), bg.min())
    hi = torch.maximum(torch.maximum(x.max(), b.max()), bg.max())
    opts = dict(ig_steps=ig_steps, occlusion_window=occlusion_window, gradcam_layer=gradcam_layer,
                lrp_epsilon=lrp_epsilon, bounds=(lo, hi))
    probe = Probe(p.model, masks, pshape, opts)
    model = p.model

    I = mobius(masked_values(model, tgt, x, b, masks), n)
    need_bg = any(METHODS[m][1] for m in names)
    Ibg = _background_dividends(model, tgt, x, bg, masks) if need_bg else None
    keep = subset_bits(n, device).to(dtype) @ masks  # (2^n, D)
    results, skipped = {}, {}
    for name in names:
        fn, expected = METHODS[name]
        dividends = Ibg if expected else I
        try:
            if fn is None:  # Shapley values of every masked input, from the dividends: Σ_{S⊆T, S∋i} I(S)/|S|
                aT = _shapley_on_subgames(I, n)
            else:
                aT = _on_masked_inputs(fn, probe, x, b if not expected else None, bg if expected else None, keep,
                                       tgt, chunk_rows)
        except (TypeError, NotImplementedError) as e:
            skipped[name] = str(e)
            continue
        results[name] = _measure(name, aT, dividends, n, "background" if expected else "baseline")
    return AuditResult(results, skipped, I, Ibg, n, float(tol))


def _window(window):
    """occlusion_window: None, a positive int, or one positive int per axis of player_shape."""
    if window is None or opt.is_int(window):
        return None if window is None else opt.positive_int(window, "occlusion_window")
    if isinstance(window, (str, bytes)) or not hasattr(window, "__iter__"):
        raise TypeError(f"occlusion_window: expected None, an int or a tuple of ints, got {window!r}")
    return tuple(opt.positive_int(w, "occlusion_window") for w in window)


def _player_shape(shape) -> tuple[int, ...]:
    if opt.is_int(shape):
        return (opt.positive_int(shape, "player_shape"),)
    if isinstance(shape, (str, bytes)) or not hasattr(shape, "__iter__"):
        raise TypeError(f"player_shape: expected a tuple of ints such as (2, 4), got {shape!r}")
    return tuple(opt.positive_int(v, "player_shape") for v in shape)


def _background_dividends(model, tgt, x, bg, masks):
    """Dividends of the expected game v̄(T) = mean_k v(x_T, b_k,−T): (B, 2^n)."""
    n = masks.shape[0]
    vals = torch.stack([masked_values(model, tgt, x, bk.expand_as(x), masks) for bk in bg]).mean(0)
    return mobius(vals, n)


def _on_masked_inputs(fn, probe, x, b, bg, keep, target, chunk_rows):
    """a_i(T) (B, 2^n, n): the method on every masked input, paired with b or with each background row."""
    B, P = x.shape[0], keep.shape[0]
    pairs = [(b, 1)] if bg is None else [(bk.expand_as(x), bg.shape[0]) for bk in bg]
    owner = torch.arange(B, device=x.device).repeat_interleave(P)  # the example each masked row belongs to
    total = None
    for base, K in pairs:
        xf, bf = x.reshape(B, 1, -1), base.reshape(B, 1, -1)
        rows = (bf + keep[None] * (xf - bf)).reshape(B * P, *x.shape[1:])
        brow = base.repeat_interleave(P, 0)
        parts = []
        for s in range(0, B * P, chunk_rows):
            sl = slice(s, s + chunk_rows)
            parts.append(fn(probe, rows[sl], brow[sl], target.take(owner[sl])).detach())
        a = torch.cat(parts).reshape(B, P, -1).to(torch.float64) / K
        total = a if total is None else total + a
    return total


def _shapley_on_subgames(I, n):
    """φ_i on every masked input x_T: the subset sum over T of J_i(S) = I(S)/|S|·[i ∈ S] → (B, 2^n, n)."""
    bits = subset_bits(n, I.device).to(I.dtype)
    J = (I / bits.sum(-1).clamp_min(1))[:, None, :] * bits.T[None]  # (B, n, 2^n)
    return zeta(J, n).transpose(1, 2)


def _measure(name, aT, I, n, game) -> MethodAudit:
    E = mobius(aT.transpose(1, 2).contiguous(), n)  # (B, n, 2^n)
    bits = subset_bits(n, I.device)
    order = bits.sum(-1)
    mass = I[:, 1:].abs().sum(-1).clamp_min(torch.finfo(I.dtype).tiny)
    attributions = aT[:, -1]
    gap = I[:, 1:].sum(-1)  # = v(x) − v(b) (or its background mean)
    p1 = (attributions.sum(-1) - gap).abs() / mass
    single = 2 ** torch.arange(n, device=I.device)
    Es = E[:, :, single]  # (B, i, j): what i receives from j's independent effect
    eye = torch.eye(n, dtype=torch.bool, device=I.device)
    p2_leak = Es.masked_fill(eye, 0).abs().sum((1, 2)) / mass
    p2_amount = (Es.diagonal(dim1=1, dim2=2) - I[:, single]).abs().sum(-1) / mass
    inter = order >= 2
    member = bits.T.bool()[None]  # (1, n, 2^n)
    p3_leak = (E.abs() * (~member & inter)).sum((1, 2)) / mass
    p3_amount = ((E * member).sum(1) - I).abs()[:, inter].sum(-1) / mass
    return MethodAudit(name, attributions, E, p1, p2_leak, p2_amount, p3_leak, p3_amount, game)




def even_share_audit(effects, tol: float = 1e-2) -> AuditResult:
    """The even split of every Taylor effect among its members (the Shapley value), as a one-method audit.

    effects: a TaylorEffects or HarsanyiResult (dividends (B, 2^n)). The allocation gives each
    member of S the share I(S)/|S|, so it passes P1–P3 by construction; it is what an allocation
    view draws for effects that no attribution method was run on. Deng et al., TPAMI 2024.
    """
    h = getattr(effects, "dividends", None)
    h = h if hasattr(h, "n_players") else effects
    if not hasattr(h, "n_players") or not isinstance(getattr(h, "dividends", None), torch.Tensor):
        raise TypeError(f"effects: expected a TaylorEffects or HarsanyiResult, got {type(effects).__name__}")
    I, n = h.dividends, h.n_players
    audit = _measure("shapley_value", _shapley_on_subgames(I, n), I, n, "baseline")
    return AuditResult({"shapley_value": audit}, {}, I, None, n, opt.non_negative_real(tol, "tol"),
                       feature_names=h.feature_names)
