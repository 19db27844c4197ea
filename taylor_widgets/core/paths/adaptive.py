"""Adaptive panel rules for IG and IH, designed on the one-dimensional path integrand.

Along the path z(γ) = x' + γΔ the output is φ(γ) = f(z(γ)). Every panel [a, b] of the γ axis
has an exactly known integral, so the error of a rule on it is known, not estimated:

    IG:  ∫_a^b φ'(γ) dγ                                  = φ(b) − φ(a)
    IH:  ∫_a^b (−ln γ) φ'(γ) + (−γ ln γ) φ''(γ) dγ        = ψ(b) − ψ(a),  ψ = φ − γ ln γ · φ'

(the IH identity is integration by parts; summed over [0, 1] both are completeness). The IH
matrix sums to its panel estimates, so the rule that makes the scalar check pass is the rule
for the whole matrix. The scalar integrand costs one gradient (IG) or one Hessian-vector
product along Δ (IH) per node, against one per *row* for the matrix, so the panels are chosen
on it and the matrix is evaluated once, on the final panels.

Refinement (`Panel.refined`): a failing head panel [0, b] splits into [0, b·e⁻⁸] and
[b·e⁻⁸, b]; a panel [a, b] with a > 0 takes more nodes, or bisects in t = ln γ when more nodes
stopped paying. Panels are refined, worst first, until the sum of |panel error|
is within tol·|f(x) − f(x')|, or the remaining errors sit at the round-off floor of the
model's dtype, estimated from the magnitudes actually summed, or the node budget is spent.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch

from .. import quadrature as quad
from ..derivatives import activation_bytes
from .engine import path_derivatives

#: Nodes of a new head panel [0, b], of a new panel in ln γ, and the counts a panel in ln γ steps
#: through when it is refined in place. Chosen on the 2-layer transformer at the zero baseline
#: (the fewest final nodes among the settings tried, README "Accuracy: the quadrature rule").
HEAD_NODES = 8
PANEL_NODES = 20
MORE_NODES = (24, 32, 40, 48, 64)
#: A failing head panel [0, b] keeps [0, b·e^-HEAD_SPLIT] as its new head.
HEAD_SPLIT = 8.0
#: Most nodes one input may use before the loop stops and warns.
MAX_NODES = 512
#: Panels narrower than this in ln γ, or heads below SMALLEST_HEAD, are not split again.
MIN_LOG_WIDTH = 1.0 / 16
SMALLEST_HEAD = 1e-30
#: Round-off floor of a sum: this many ulps of the magnitudes that went into it.
FLOOR_ULPS = 8.0
#: The public functions' default tol. At this default, a miss that sits entirely at the dtype's
#: round-off floor is not warned about: no rule can do better in that dtype, float32 models would
#: warn on most calls, and `completeness_error` still shows it. An explicit other tol is warned.
DEFAULT_TOL = 1e-5
#: IH with more rows than this chooses its panels before evaluating the matrix at all; with fewer,
#: it tries the root rule on the matrix first (free when it passes, as on smooth models).
DESIGN_FIRST_ROWS = 16


@dataclass(frozen=True)
class Panel:
    """[a, b] on the γ axis with n nodes: a Gauss rule in γ when a = 0 (the head), in ln γ otherwise."""

    a: float
    b: float
    n: int

    def refined(self, previous_error: float | None, error: float) -> tuple["Panel", ...]:
        """What replaces this panel when it fails.

        A panel in ln γ first takes more nodes: the integrand of a LayerNorm near its zero-spread
        point is analytic in a strip of half-width π/2 around the real ln γ axis, where Gauss
        converges geometrically and one wide panel beats many narrow ones. If the last increase
        gained less than 10× (a singularity near the axis, such as a large-β Softplus kink), or
        the node steps are used up, it bisects in ln γ instead. The head splits off its lower end.
        """
        if self.a == 0.0:
            m = self.b * math.exp(-HEAD_SPLIT)
            return Panel(0.0, m, HEAD_NODES), Panel(m, self.b, PANEL_NODES)
        more = [n for n in MORE_NODES if n > self.n]
        stalled = previous_error is not None and abs(error) > abs(previous_error) / 10
        if more and not stalled:
            return (Panel(self.a, self.b, more[0]),)
        m = math.sqrt(self.a * self.b)
        return Panel(self.a, m, PANEL_NODES), Panel(m, self.b, PANEL_NODES)

    def refinable(self) -> bool:
        if self.a == 0.0:
            return self.b * math.exp(-HEAD_SPLIT) > SMALLEST_HEAD
        return self.n < MORE_NODES[-1] or math.log(self.b / self.a) > 2 * MIN_LOG_WIDTH

    def coarser(self) -> "Panel | None":
        """The same panel one node step down (its error tells whether adding nodes still pays)."""
        steps = (PANEL_NODES, *MORE_NODES)
        fewer = [n for n in steps if n < self.n]
        return Panel(self.a, self.b, fewer[-1]) if fewer and self.a > 0.0 else None


@dataclass
class Outcome:
    """The panels chosen for one input, with the scalar check's verdict."""

    panels: list[Panel]
    error: float  # Σ panel errors: the completeness error the matrix will have (up to round-off)
    floor: float  # round-off floor of that error
    reason: str  # "converged", "round-off" (what is left sits at the floor), "budget", or "flat"
    nodes: int = field(init=False)

    def __post_init__(self):
        self.nodes = sum(p.n for p in self.panels)

    @property
    def converged(self) -> bool:
        return self.reason == "converged"


def panel_rule(kind: str, p: Panel) -> quad.Rule:
    return quad.ig_panel(p.a, p.b, p.n) if kind == "ig" else quad.ih_panel(p.a, p.b, p.n)


def composite_rule(kind: str, panels: list[Panel]) -> quad.Rule:
    if len(panels) == 1:
        return panel_rule(kind, panels[0])
    rules = [panel_rule(kind, p) for p in sorted(panels, key=lambda p: p.a)]
    return quad.composite(rules, f"{'gauss-legendre' if kind == 'ig' else 'log-weight'}-panels-{len(panels)}")


def design(
    kind: str,
    derivs: Callable[[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]],
    ends: Callable[[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]],
    examples: list[int],
    f_x: np.ndarray,
    f_base: np.ndarray,
    tol: float,
    eps: float,
    root: Panel,
    root_failed: bool,
) -> dict[int, Outcome]:
    """Choose panels per input so that the scalar completeness check passes.

    kind: "ig" or "ih". derivs(owner, γ) → (φ', φ'') per node (φ'' ignored for IG).
    ends(owner, γ) → (ψ, magnitude of ψ's terms) per endpoint. examples: input indices.
    f_x, f_base: (B,) float64 outputs at the input and the baseline (ψ(1), ψ(0)).
    root_failed: the root rule is already known to fail for these inputs (skip evaluating it).
    """
    psi: dict[tuple[int, float], tuple[float, float]] = {}
    for e in examples:
        psi[(e, 0.0)] = (f_base[e], abs(f_base[e]))
        psi[(e, 1.0)] = (f_x[e], abs(f_x[e]))
    panels = {e: ([*root.refined(None, 1.0)] if root_failed else [root]) for e in examples}
    est: dict[tuple[int, Panel], tuple[float, float]] = {}
    curved: dict[tuple[int, Panel], bool] = {}  # φ'' ≠ 0 somewhere on the panel
    out: dict[int, Outcome] = {}
    active = list(examples)
    while active:
        _evaluate(kind, derivs, ends, [(e, p) for e in active for p in panels[e] if (e, p) not in est], est, psi, curved)
        still = []
        for e in active:
            errs, floors = {}, {}
            for p in panels[e]:
                (ya, ma), (yb, mb), (value, mag) = psi[(e, p.a)], psi[(e, p.b)], est[(e, p)]
                errs[p] = value - (yb - ya)
                floors[p] = FLOOR_ULPS * eps * (mag + ma + mb)
            allowed = tol * abs(f_x[e] - f_base[e])
            total = sum(abs(v) for v in errs.values())
            error, floor = sum(errs.values()), sum(floors.values())
            worst = sorted((p for p in panels[e] if abs(errs[p]) > floors[p] and p.refinable()), key=lambda p: -abs(errs[p]))
            split, rest = [], total
            for p in worst:
                if rest <= allowed / 2:
                    break
                split.append(p)
                rest -= abs(errs[p])
            new = {p: p.refined(_error_of(est, psi, e, p.coarser()), errs[p]) for p in split}
            nodes = sum(c.n for p in panels[e] for c in new.get(p, (p,)))
            # a piecewise-linear model (ReLU) has φ'' = 0 at every node: its Hessian term is a sum
            # of kinks no rule resolves, so refining would only spend nodes
            flat = kind == "ih" and not any(curved.get((e, p)) for p in panels[e])
            reason = ("converged" if total <= allowed else "round-off" if not split
                      else "flat" if flat else "budget" if nodes > MAX_NODES else None)
            if reason:
                out[e] = Outcome(list(panels[e]), error, floor, reason)
                continue
            panels[e] = [c for p in panels[e] for c in new.get(p, (p,))]
            still.append(e)
        active = still
    return out


def _error_of(est, psi, e, p: Panel | None) -> float | None:
    if p is None or (e, p) not in est:
        return None
    return est[(e, p)][0] - (psi[(e, p.b)][0] - psi[(e, p.a)][0])


def _evaluate(kind, derivs, ends, todo, est, psi, curved) -> None:
    """Scalar estimates of the panels in `todo` and ψ at their new endpoints, in one batch each."""
    if not todo:
        return
    rules = [panel_rule(kind, p) for _, p in todo]
    owner = torch.tensor(np.repeat([e for e, _ in todo], [len(r.points) for r in rules]))
    gamma = np.concatenate([r.points for r in rules])
    d1, d2 = (t.detach().double().cpu().numpy() for t in derivs(owner, torch.from_numpy(gamma)))
    t1 = np.concatenate([r.w_grad for r in rules]) * d1
    t2 = np.concatenate([r.w_hess for r in rules]) * (d2 if kind == "ih" else 0.0)
    bounds = np.cumsum([0] + [len(r.points) for r in rules])
    for k, (e, p) in enumerate(todo):
        sl = slice(bounds[k], bounds[k + 1])
        est[(e, p)] = (float(t1[sl].sum() + t2[sl].sum()), float(np.abs(t1[sl]).sum() + np.abs(t2[sl]).sum()))
        curved[(e, p)] = bool(np.any(d2[sl] != 0))
    new = sorted({(e, g) for e, p in todo for g in (p.a, p.b) if (e, g) not in psi})
    if new:
        values, mags = (t.detach().double().cpu().numpy() for t in ends(torch.tensor([e for e, _ in new]),
                                                                         torch.tensor([g for _, g in new], dtype=torch.float64)))
        for (e, g), v, m in zip(new, values, mags):
            psi[(e, g)] = (float(v), float(m))


def integrate(kind: str, s, xb: torch.Tensor, fb: torch.Tensor, evaluate, totals, tol: float, method: str,
              design_first: bool, chunk: int | None) -> str:
    """Run the adaptive rule of `kind` ("ig" or "ih") for every input; return the rule's name.

    evaluate(examples (k,), rules) fills the result rows of `examples` (clearing them first);
    totals() → (Σ result, Σ |terms|) per input, (B,) float64: the completeness check's two sums.
    """
    B = s.x.shape[0]
    root_rule = quad.ig_rule(None, "gauss") if kind == "ig" else quad.ih_rule(None, "gauss")
    root = Panel(0.0, 1.0, len(root_rule.points))
    f_x, f_b = s.output.double().cpu().numpy(), fb.double().cpu().numpy()
    gap = f_x - f_b
    eps = torch.finfo(s.x.dtype).eps
    todo = list(range(B))
    if not design_first:
        evaluate(torch.arange(B, device=s.x.device), [root_rule] * B)
        total, mag = (t.cpu().numpy() for t in totals())
        err = np.abs(total - gap)
        floor = FLOOR_ULPS * eps * (mag + np.abs(f_x) + np.abs(f_b))
        todo = [e for e in range(B) if err[e] > tol * abs(gap[e]) and err[e] > floor[e]]
    outcomes = {}
    if todo:
        derivs, ends = scalar_path(kind, s, xb, chunk)
        outcomes = design(kind, derivs, ends, todo, f_x, f_b, tol, eps, root, root_failed=not design_first)
        evaluate(torch.tensor(todo, device=s.x.device), [composite_rule(kind, outcomes[e].panels) for e in todo])
    total, mag = (t.cpu().numpy() for t in totals())
    _warn_unconverged(method, total - gap, gap, mag, f_x, f_b, eps, tol, outcomes)
    nodes = [outcomes[e].nodes if e in outcomes else root.n for e in range(B)]
    if max(nodes) == root.n and all(len(o.panels) == 1 for o in outcomes.values()):
        return root_rule.name
    return f"adaptive-{'gauss-legendre' if kind == 'ig' else 'log-weight'}-panels ({min(nodes)}-{max(nodes)} nodes per input)"


def scalar_path(kind: str, s, xb: torch.Tensor, chunk: int | None):
    """The scalar integrand and ψ of each input's path, as the callbacks `design` takes."""
    dev, dt = s.x.device, s.x.dtype
    act = activation_bytes(s.f, s.x[0], s.sel[0])

    def derivs(owner, gamma):
        o = owner.to(dev)
        if kind == "ig":
            d1 = path_derivatives(s.f, s.x, s.sel, o, xb[o], gamma.to(dev, dt), 1, chunk, act)[1]
            return d1, torch.zeros_like(d1)
        return path_derivatives(s.f, s.x, s.sel, o, xb[o], gamma.to(dev, dt), 2, chunk, act)

    def ends(owner, gamma):
        o, g = owner.to(dev), gamma.to(dev, dt)
        if kind == "ig":
            z = xb[o] + g[:, None] * (s.x[o] - xb[o])
            phi = s.outputs(z, s.sel[o])
            return phi, phi.abs()
        phi, dphi = path_derivatives(s.f, s.x, s.sel, o, xb[o], g, 1, chunk, act)
        gl = gamma.to(dev, torch.float64)
        corr = gl * torch.log(gl) * dphi.double()
        return phi.double() - corr, phi.double().abs() + corr.abs()

    return derivs, ends


def _warn_unconverged(method, err, gap, mag, f_x, f_b, eps, tol, outcomes) -> None:
    rel = np.abs(err) / np.maximum(np.abs(gap), np.finfo(np.float64).tiny)
    bad = np.flatnonzero(np.abs(err) > tol * np.abs(gap))
    if bad.size == 0:
        return
    floor = FLOOR_ULPS * eps * (mag + np.abs(f_x) + np.abs(f_b))
    worst = int(bad[np.argmax(rel[bad])])
    outcome = outcomes.get(worst)
    if outcome is not None and outcome.reason == "flat":
        advice = ("a model whose second derivatives vanish along the path (piecewise linear, such as ReLU): "
                  "its interactions sit in kinks no rule resolves; explain tw.smooth_relu(model) instead")
    elif np.all(np.abs(err[bad]) <= floor[bad]) or (outcome is not None and outcome.reason == "round-off"):
        if tol == DEFAULT_TOL and np.all(np.abs(err[bad]) <= floor[bad]):
            return  # as accurate as the dtype allows (see DEFAULT_TOL)
        dtype = "float32" if eps > 1e-10 else "this dtype"
        advice = (f"at the round-off floor of {dtype} (about {floor[worst] / max(abs(gap[worst]), 1e-300):.1e} "
                  "relative here): explain model.double() on float64 inputs, or pass a larger tol=")
    else:
        spent = f"after {outcome.nodes} nodes " if outcome is not None else ""
        advice = (f"{spent}the node budget ({MAX_NODES} per input) is spent: pass steps= (a fixed rule) or a "
                  "larger tol=, or choose a baseline nearer the input; kinks (ReLU, also inside attention "
                  "blocks) make the path non-smooth: explain tw.smooth_relu(model)")
    warnings.warn(
        f"{method}: {bad.size} input(s) miss the completeness tolerance tol={tol:g} (relative to |f(x) − f(x')|); "
        f"worst: input {worst}, {rel[worst]:.1e} relative ({abs(err[worst]):.1e} absolute, "
        f"{rel[worst] / tol:.0f}× tol); indices {bad.tolist()[:10]}. This is {advice}.",
        RuntimeWarning,
        stacklevel=4,
    )
