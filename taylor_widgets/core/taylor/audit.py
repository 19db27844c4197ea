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

from dataclasses import dataclass

import torch

from .. import inputs as inp
from .attribution_methods import METHODS, Probe
from .harsanyi import HarsanyiResult, as_groups, masked_values, mobius, subset_bits, zeta

#: The audit runs every method on 2^n masked inputs; keep n modest.
MAX_AUDIT_PLAYERS = 12
PRINCIPLES = ("P1", "P2", "P3")
#: How P2 and P3 are judged: "ours" counts leaks and amounts, "paper" leaks only.
READINGS = ("ours", "paper")


@dataclass
class MethodAudit:
    """One method's attributions, allocation matrix and principle measures (all per input)."""

    name: str
    attributions: torch.Tensor  # (B, n) a_i(x)
    allocation: torch.Tensor  # (B, n, 2^n) E_{i,S}
    p1: torch.Tensor  # (B,) relative completeness error
    p2_leak: torch.Tensor  # (B,)
    p2_amount: torch.Tensor  # (B,)
    p3_leak: torch.Tensor  # (B,)
    p3_amount: torch.Tensor  # (B,)
    game: str  # "baseline" or "background"

    def measure(self, principle: str, reading: str = "ours") -> torch.Tensor:
        """The (B,) number a principle is judged on.

        reading="ours": P2 and P3 take the larger of their leak and amount errors (an effect must
        go to its own players and be received exactly once); reading="paper": P2 and P3 take the
        leak alone (effects go only to their own players; how much is judged by P1 only).
        """
        _check_reading(reading)
        if principle == "P1":
            return self.p1
        leak, amount = (self.p2_leak, self.p2_amount) if principle == "P2" else (self.p3_leak, self.p3_amount)
        return leak if reading == "paper" else torch.maximum(leak, amount)


@dataclass
class AuditResult:
    """Per-method audits, the dividends they are measured against, and what could not run."""

    methods: dict  # name → MethodAudit
    skipped: dict  # name → reason
    dividends: torch.Tensor  # (B, 2^n) fixed-baseline game
    expected_dividends: torch.Tensor | None  # (B, 2^n) background game, or None
    n_players: int
    tol: float

    def verdicts(self, reading: str = "ours") -> dict:
        """name → {principle: (passes on every input, inputs passed, inputs, worst measure)}.

        reading: "ours" (P2/P3 count leaks and amounts) or "paper" (leaks only); see MethodAudit.measure.
        """
        out = {}
        for name, m in self.methods.items():
            out[name] = {}
            for pr in PRINCIPLES:
                v = m.measure(pr, reading)
                ok = v <= self.tol
                out[name][pr] = (bool(ok.all()), int(ok.sum()), v.numel(), float(v.max()))
        return out

    def table(self) -> str:
        """A markdown verdict table for this model."""
        return verdict_table({"model": self})


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
    inp.check_model(model)
    device, dtype = inp.model_device_dtype(model)
    x = inp.as_input(x, "x", device, dtype)
    b = inp.as_baseline(baseline, x)
    if callable(target) and not isinstance(target, torch.Tensor):
        raise TypeError("target: the audit needs a class index (int or (B,) tensor) or None, not a callable")
    tgt, _ = inp.as_target(model, x, target)
    S = tuple(x.shape[1:])
    masks = as_groups(groups, S, device, dtype)
    n, B = masks.shape[0], x.shape[0]
    if n > MAX_AUDIT_PLAYERS:
        raise ValueError(f"groups: the audit runs every method on 2^n masked inputs; {n} players is above "
                         f"{MAX_AUDIT_PLAYERS}. Pass groups= with fewer, larger groups")
    names = list(METHODS) if methods is None else list(methods)
    unknown = [m for m in names if m not in METHODS]
    if unknown:
        raise ValueError(f"methods: unknown {unknown}; expected names from {list(METHODS)}")
    bg = b[:1] if background is None else inp.as_data(background, x, "background")
    pshape = (n,) if player_shape is None else tuple(player_shape)
    if int(torch.Size(pshape).numel()) != n:
        raise ValueError(f"player_shape: {pshape} does not hold the {n} players")
    lo = torch.minimum(torch.minimum(x.min(), b.min()), bg.min())
    hi = torch.maximum(torch.maximum(x.max(), b.max()), bg.max())
    opts = dict(ig_steps=ig_steps, occlusion_window=occlusion_window, gradcam_layer=gradcam_layer,
                lrp_epsilon=lrp_epsilon, bounds=(lo, hi))
    probe = Probe(model, masks, pshape, opts)

    I = mobius(masked_values(model, tgt.fn, x, b, masks), n)
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
                                       tgt.index, chunk_rows)
        except (TypeError, NotImplementedError) as e:
            skipped[name] = str(e)
            continue
        results[name] = _measure(name, aT, dividends, n, "background" if expected else "baseline")
    return AuditResult(results, skipped, I, Ibg, n, float(tol))


def _background_dividends(model, tgt, x, bg, masks):
    """Dividends of the expected game v̄(T) = mean_k v(x_T, b_k,−T): (B, 2^n)."""
    n = masks.shape[0]
    vals = torch.stack([masked_values(model, tgt.fn, x, bk.expand_as(x), masks) for bk in bg]).mean(0)
    return mobius(vals, n)


def _on_masked_inputs(fn, probe, x, b, bg, keep, idx, chunk_rows):
    """a_i(T) (B, 2^n, n): the method on every masked input, paired with b or with each background row."""
    B, P = x.shape[0], keep.shape[0]
    pairs = [(b, 1)] if bg is None else [(bk.expand_as(x), bg.shape[0]) for bk in bg]
    total = None
    for base, K in pairs:
        xf, bf = x.reshape(B, 1, -1), base.reshape(B, 1, -1)
        rows = (bf + keep[None] * (xf - bf)).reshape(B * P, *x.shape[1:])
        brow = base.repeat_interleave(P, 0)
        irow = None if idx is None else idx.repeat_interleave(P)
        parts = []
        for s in range(0, B * P, chunk_rows):
            sl = slice(s, s + chunk_rows)
            parts.append(fn(probe, rows[sl], brow[sl], None if irow is None else irow[sl]).detach())
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


def _check_reading(reading):
    if reading not in READINGS:
        raise ValueError(f"reading: expected one of {READINGS}, got {reading!r}")


def verdict_table(results: dict, reading: str = "ours") -> str:
    """Markdown table: one row per method, one P1/P2/P3 column group per audited model.

    A cell is ✓ (passes on every input), ✗ (fails on every input) or k/B (passes on k inputs),
    followed by the worst measure over the inputs; n/a marks a method that does not apply.
    reading: "ours" (P2/P3 judge leaks and amounts) or "paper" (leaks only).
    """
    _check_reading(reading)
    models = list(results)
    header = "| method | " + " | ".join(f"{m} {p}" for m in models for p in PRINCIPLES) + " |"
    lines = [header, "|---|" + "---|" * (3 * len(models))]
    seen = {n for r in results.values() for n in (*r.methods, *r.skipped)}
    names = [n for n in METHODS if n in seen]
    for name in names:
        cells = []
        for m in models:
            r = results[m]
            if name not in r.methods:
                cells += ["n/a"] * 3
                continue
            for pr in PRINCIPLES:
                ok, k, of, worst = r.verdicts(reading)[name][pr]
                mark = "✓" if ok else ("✗" if k == 0 else f"{k}/{of}")
                cells.append(f"{mark} {worst:.1e}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
