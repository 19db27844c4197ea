"""Results of the Taylor-interaction family: dividends, Taylor effects, and the audit of attribution methods."""
from __future__ import annotations

from dataclasses import dataclass

import torch

from .. import options as opt
from ..results import Result, max_abs
from .attribution_methods import METHODS
from .subsets import shapley_from_dividends, subset_bits

PRINCIPLES = ("P1", "P2", "P3")
#: How P2 and P3 are judged: "ours" counts leaks and amounts, "paper" leaks only.
READINGS = ("ours", "paper")


def subset_label(subset: int, names: list[str]) -> str:
    """'a × b' for the players in bitmask `subset` ('∅' for the empty set)."""
    members = [names[i] for i in range(len(names)) if subset >> i & 1]
    return " × ".join(members) if members else "∅"


@dataclass(repr=False)
class HarsanyiResult(Result):
    """Dividends I(S) (B, 2^n) for every subset S of n players, indexed by bitmask (bit i = player i).

    `to_numpy()` gives `dividends`; `to_frame()` one row per (example, subset): its label, order
    and dividend.
    """

    dividends: torch.Tensor  # (B, 2^n) float64; dividends[:, 0] = v(b)
    values: torch.Tensor  # (B, 2^n) float64 v(x_T, b_−T)
    masks: torch.Tensor  # (n, D) 0/1: which flat features belong to each player
    x: torch.Tensor  # (B, *S)
    baseline: torch.Tensor  # (B, *S)
    target: torch.Tensor | None  # (B,) class indices or None
    feature_names: list[str] | None = None

    method = "harsanyi"

    @property
    def n_players(self) -> int:
        return self.masks.shape[0]

    @property
    def output(self) -> torch.Tensor:
        """v(x) (B,)."""
        return self.values[:, -1]

    @property
    def baseline_output(self) -> torch.Tensor:
        """v(b) (B,)."""
        return self.values[:, 0]

    @property
    def orders(self) -> torch.Tensor:
        """|S| for every subset (2^n,)."""
        return subset_bits(self.n_players, self.dividends.device).sum(-1)

    @property
    def completeness_error(self) -> torch.Tensor:
        """Σ_{S≠∅} I(S) − (v(x) − v(b)) (B,): zero up to rounding, since the dividends are exact."""
        return self.dividends[:, 1:].sum(-1) - (self.output - self.baseline_output)

    def members(self, subset: int) -> tuple[int, ...]:
        """The players in bitmask `subset`."""
        return tuple(i for i in range(self.n_players) if subset >> i & 1)

    def shapley(self) -> torch.Tensor:
        """Exact Shapley values φ_i = Σ_{S∋i} I(S)/|S| (B, n)."""
        return shapley_from_dividends(self.dividends, self.n_players)

    def _main(self) -> torch.Tensor:
        return self.dividends

    def _frame(self, pd):
        I = self.dividends.detach().cpu()
        B, P = I.shape
        names = self.names(self.n_players)
        labels = [subset_label(s, names) for s in range(P)]
        return pd.DataFrame({"example": torch.arange(B).repeat_interleave(P).numpy(), "set": labels * B,
                             "order": self.orders.cpu().repeat(B).numpy(), "dividend": I.reshape(-1).numpy()})

    def _top(self, n: int):
        """Interaction effects (|S| ≥ 2) by mean |I(S)| over the batch."""
        mean = self.dividends.abs().mean(0).detach().cpu()
        mean[self.orders.cpu() < 2] = -1.0
        names = self.names(self.n_players)
        order = torch.sort(mean, descending=True, stable=True).indices[:n]
        return [(tuple(names[i] for i in self.members(int(s))), float(mean[s])) for s in order if mean[s] >= 0]

    def _completeness(self):
        return max_abs(self.completeness_error)


@dataclass(repr=False)
class TaylorEffects(Result):
    """The dividends split into independent effects (|S| = 1) and interaction effects (|S| ≥ 2).

    `to_numpy()` gives (B, n, 3): independent, interaction_per_feature and interaction_share per
    player; `to_frame()` the same as one row per (example, player).
    """

    independent: torch.Tensor  # (B, n) I({i}) = v(x_i, b_−i) − v(b)
    interaction: torch.Tensor  # (B, 2^n) I(S) for |S| ≥ 2, zero elsewhere
    interaction_per_feature: torch.Tensor  # (B, n) Σ_{S∋i, |S|≥2} I(S): every interaction i takes part in
    interaction_share: torch.Tensor  # (B, n) Σ_{S∋i, |S|≥2} I(S)/|S|: i's even share (Shapley's)
    pairs: torch.Tensor  # (B, n, n) I({i, j}), zero diagonal
    by_order: torch.Tensor  # (B, n + 1) Σ_{|S|=k} I(S); by_order[:, 0] = v(b)
    dividends: HarsanyiResult

    method = "taylor_effects"

    @property
    def feature_names(self) -> list[str] | None:
        return self.dividends.feature_names

    def feature(self, i: int, example: int = 0, top: int = 10) -> list[tuple[tuple[int, ...], float]]:
        """The `top` largest |I(S)| over effects S ∋ i of one example, as (members, value)."""
        n, B = self.dividends.n_players, self.independent.shape[0]
        i, example, top = opt.integer(i, "i"), opt.integer(example, "example"), opt.positive_int(top, "top")
        if not 0 <= i < n:
            raise ValueError(f"i: expected a player index in [0, {n}), got {i}")
        if not 0 <= example < B:
            raise ValueError(f"example: expected an example index in [0, {B}), got {example}")
        bits = subset_bits(n, self.interaction.device)
        idx = torch.nonzero(bits[:, i]).reshape(-1)
        vals = self.dividends.dividends[example, idx]
        order = vals.abs().argsort(descending=True)[:top]
        return [(self.dividends.members(int(idx[k])), float(vals[k])) for k in order]

    def top_interactions(self, k: int = 10, example: int = 0) -> list[tuple[tuple[int, ...], float]]:
        """The k interaction effects (|S| ≥ 2) of largest magnitude, as (members, value)."""
        k, example = opt.positive_int(k, "k"), opt.integer(example, "example")
        if not 0 <= example < self.independent.shape[0]:
            raise ValueError(f"example: expected an example index in [0, {self.independent.shape[0]}), got {example}")
        vals = self.interaction[example]
        order = vals.abs().argsort(descending=True)[:k]
        return [(self.dividends.members(int(s)), float(vals[s])) for s in order if vals[s] != 0]

    def _main(self) -> torch.Tensor:
        return torch.stack([self.independent, self.interaction_per_feature, self.interaction_share], -1)

    def _frame(self, pd):
        m = self._main().detach().cpu()
        B, n, _ = m.shape
        index = pd.MultiIndex.from_product([range(B), self.names(n)], names=["example", "player"])
        return pd.DataFrame(m.reshape(B * n, 3).numpy(), index=index,
                            columns=["independent", "interaction_per_feature", "interaction_share"])

    def _top(self, n: int):
        return self.dividends._top(n)

    def _completeness(self):
        return self.dividends._completeness()


@dataclass(repr=False)
class MethodAudit(Result):
    """One method's attributions, allocation matrix and principle measures (all per input).

    `to_numpy()` gives `attributions` (B, n); `to_frame()` one row per example, one column per player.
    """

    name: str
    attributions: torch.Tensor  # (B, n) a_i(x)
    allocation: torch.Tensor  # (B, n, 2^n) E_{i,S}
    p1: torch.Tensor  # (B,) relative completeness error
    p2_leak: torch.Tensor  # (B,)
    p2_amount: torch.Tensor  # (B,)
    p3_leak: torch.Tensor  # (B,)
    p3_amount: torch.Tensor  # (B,)
    game: str  # "baseline" or "background"
    feature_names: list[str] | None = None

    @property
    def method(self) -> str:
        return self.name

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

    def _main(self) -> torch.Tensor:
        return self.attributions


@dataclass(repr=False)
class AuditResult(Result):
    """Per-method audits, the dividends they are measured against, and what could not run.

    `to_numpy()` gives the measures (M, 3, B) of the M audited methods (in `methods` order) on
    P1, P2, P3; `to_frame()` one row per (method, principle, example) with the measure and
    whether it passes.
    """

    methods: dict  # name → MethodAudit
    skipped: dict  # name → reason
    dividends: torch.Tensor  # (B, 2^n) fixed-baseline game
    expected_dividends: torch.Tensor | None  # (B, 2^n) background game, or None
    n_players: int
    tol: float
    feature_names: list[str] | None = None

    method = "attribution_audit"

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

    def _main(self) -> torch.Tensor:
        B = self.dividends.shape[0]
        if not self.methods:
            return torch.zeros(0, len(PRINCIPLES), B, dtype=self.dividends.dtype)
        return torch.stack([torch.stack([m.measure(p) for p in PRINCIPLES]) for m in self.methods.values()])

    def _frame(self, pd):
        rows = []
        for name, m in self.methods.items():
            for p in PRINCIPLES:
                for b, v in enumerate(m.measure(p).tolist()):
                    rows.append((name, p, b, v, v <= self.tol))
        return pd.DataFrame(rows, columns=["method", "principle", "example", "measure", "passes"])

    def __repr__(self) -> str:
        return (f"AuditResult(methods={len(self.methods)}, skipped={sorted(self.skipped)}, "
                f"players={self.n_players}, inputs={self.dividends.shape[0]}, tol={self.tol:g})")


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
