"""Reproduce Deng et al.'s verdict table (TPAMI 2024) by measurement.

    .venv/bin/python benchmarks/attribution_audit.py                         # print the tables
    .venv/bin/python benchmarks/attribution_audit.py --write-readme README.md  # and fill <!-- audit -->

Three models: a polynomial with known Taylor terms, a small ReLU MLP trained on tabular data with
interactions (6 features), and a small ReLU CNN trained on 8×8 images with 8 pixel groups (4×2
patches). For each of the fourteen methods and each principle the table prints ✓ (passes on every
input), ✗ (fails on every input) or k/B, and the worst measure (a fraction of the total effect
mass Σ|I(S)|; tol 1e-2), under our reading of P2/P3 (leak and amount) and under the paper's
(leak only; docs/methods.md §7.2). A last table sets the paper's reading, pooled over the models,
beside the verdict that the allocation weights Deng et al. derive imply (IMPLIED below). ≈1–2 min
on an idle 2-core CPU.
"""
from __future__ import annotations

import argparse
import datetime
import sys
import time
import warnings
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import taylor_widgets as tw  # noqa: E402
from benchmarks.readme_table import write_section  # noqa: E402

warnings.filterwarnings("ignore", module="captum")

#: (P1, P2, P3) under the paper's reading, as implied by the allocation weights Deng et al. derive
#: (docs/methods.md §7.1): True passes, False fails, None where those weights do not settle it.
IMPLIED = {
    "gradient_x_input": (False, True, True),  # weight κ_i: only members, but an order-k term k times
    "integrated_gradients": (True, True, True),  # κ_i/|κ|: members' shares sum to the term
    "expected_gradients": (True, True, True),  # as IG, averaged over baselines
    "deeplift_rescale": (True, None, None),  # sums to the output difference; shares not given by the weights
    "deeplift_revealcancel": (True, None, None),
    "deepshap": (True, None, None),
    "lrp_epsilon": (False, True, True),  # equals Gradient×Input on ReLU networks
    "lrp_alphabeta": (False, False, False),  # gives effects of other variables to i
    "deep_taylor": (False, False, False),
    "occlusion_1": (False, True, True),  # the whole effect to every member
    "occlusion_patch": (False, False, False),
    "shapley_value": (True, True, True),  # I(S)/|S| to each member
    "prediction_difference": (False, True, True),  # Occlusion-1 averaged over baselines
    "grad_cam": (False, False, False),
}


class Poly(nn.Module):
    """v(x) = 2x0 + 3x0² + x0x1 + 0.5x0²x1 + x0x1x2 − x3."""

    def __init__(self):
        super().__init__()
        self.one = nn.Parameter(torch.ones((), dtype=torch.float64))

    def forward(self, x):
        x0, x1, x2, x3 = x.unbind(-1)
        return self.one * (2 * x0 + 3 * x0**2 + x0 * x1 + 0.5 * x0**2 * x1 + x0 * x1 * x2 - x3)


def _train(model, X, y, steps, lr=1e-2):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        nn.functional.cross_entropy(model(X), y).backward()
        opt.step()
    with torch.no_grad():
        return float((model(X).argmax(-1) == y).double().mean())


def tabular(gen):
    X = torch.randn(2000, 6, generator=gen, dtype=torch.float64)
    score = X[:, 0] * X[:, 1] + X[:, 2] - 0.5 * X[:, 3] * X[:, 4] * X[:, 5]
    y = torch.bucketize(score, torch.tensor([-0.5, 0.5], dtype=torch.float64))
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 3)).double()
    acc = _train(model, X, y, 300)
    return model, X[:4], X[100:104], acc


def images(gen):
    X = 0.3 * torch.randn(1000, 1, 8, 8, generator=gen, dtype=torch.float64)
    a, b = torch.rand(1000, generator=gen) < 0.5, torch.rand(1000, generator=gen) < 0.5
    X[a, :, :4, :4] += 1.0  # a bright top-left quadrant …
    X[b, :, 4:, 4:] += 1.0  # … and/or bottom-right: the label needs both (an interaction)
    y = (a & b).long() + (a ^ b).long() * 2
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.Conv2d(4, 4, 3, padding=1), nn.ReLU(),
                          nn.AvgPool2d(2), nn.Flatten(), nn.Linear(64, 3)).double()
    acc = _train(model, X, y, 150)
    return model, X[(a & b)][:2], X[500:502], acc


def comparison_table(results) -> str:
    """Per method: the implied verdicts beside the measured ones (paper's reading, all inputs of all models).

    An implied ✓ agrees with a pass on every input; an implied ✗ with a failure on at least one
    (an input without the effect a method misallocates passes trivially: the polynomial's third
    input has no interactions). "–" (not implied) is not compared.
    """
    mark = {True: "✓", False: "✗", None: "–"}
    lines = ["| method | implied by Deng et al.'s weights (P1 P2 P3) | measured, paper's reading (P1 P2 P3) | agree |",
             "|---|---|---|---|"]
    for name in tw.core.taylor.attribution_methods.METHODS:
        shown, agree = [], []
        for pr, want in zip(("P1", "P2", "P3"), IMPLIED[name]):
            cells = [r.verdicts("paper")[name][pr] for r in results.values() if name in r.methods]
            passed, total = sum(c[1] for c in cells), sum(c[2] for c in cells)
            shown.append("✓" if passed == total else ("✗" if passed == 0 else f"{passed}/{total}"))
            if want is not None:
                agree.append(want == (passed == total))
        verdict = ("yes" if all(agree) else "no") + ("" if len(agree) == 3 else " (P1 only)")
        lines.append(f"| {name} | {' '.join(mark[w] for w in IMPLIED[name])} | {' '.join(shown)} | {verdict} |")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write-readme", metavar="README", help="write the tables between its <!-- audit --> markers")
    args = ap.parse_args(argv)
    t_all = time.time()
    gen = torch.Generator().manual_seed(0)
    results, notes = {}, []
    t = time.time()
    xp = torch.tensor([[1.5, -2.0, 0.5, 3.0], [0.5, 1.0, -1.0, 2.0], [1.5, 0.0, 0.5, 3.0]], dtype=torch.float64)
    results["poly"] = tw.attribution_audit(Poly(), xp, None, background=torch.randn(3, 4, generator=gen,
                                           dtype=torch.float64), ig_steps=16)
    notes.append(f"poly: 3 inputs (the third has x1 = 0, so no interactions), baseline 0, {time.time() - t:.1f} s")
    t = time.time()
    mlp, x, bg, acc = tabular(gen)
    results["mlp"] = tw.attribution_audit(mlp, x, None, target=0, background=bg, ig_steps=2048)
    notes.append(f"mlp: 6→32→16→3 ReLU, train acc {acc:.2f}, 4 inputs, target class 0, 6 players, "
                 f"{time.time() - t:.1f} s")
    t = time.time()
    cnn, xi, bgi, acc = images(gen)
    groups = tw.patch_groups((1, 8, 8), (4, 2))
    results["cnn"] = tw.attribution_audit(cnn, xi, None, target=1, groups=groups, player_shape=(2, 4),
                                          background=bgi, ig_steps=256)
    notes.append(f"cnn: 2 conv + pool + linear, train acc {acc:.2f}, 2 inputs, class 1, 8 groups of 4×2 pixels, "
                 f"{time.time() - t:.1f} s")
    ours, paper = tw.verdict_table(results), tw.verdict_table(results, reading="paper")
    print("Our reading (P2/P3: leak and amount)\n" + ours + "\n\nThe paper's reading (P2/P3: leak only)\n" + paper)
    print()
    comparison = comparison_table(results)
    print(comparison + "\n")
    print("Where the mass goes (worst over inputs): P2/P3 leak = effect mass given to non-members")
    print("| method | " + " | ".join(f"{m} P2 leak | {m} P3 leak" for m in results) + " |")
    print("|---|" + "---|---|" * len(results))
    for name in tw.core.taylor.attribution_methods.METHODS:
        cells = []
        for r in results.values():
            a = r.methods.get(name)
            cells += ["n/a", "n/a"] if a is None else [f"{a.p2_leak.max():.1e}", f"{a.p3_leak.max():.1e}"]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print()
    for n in notes:
        print("-", n)
    for name, r in results.items():
        if r.skipped:
            print(f"- {name} skipped:", "; ".join(f"{k}: {v}" for k, v in r.skipped.items()))
    total = time.time() - t_all
    print(f"total {total:.0f} s")
    if args.write_readme:
        command = ".venv/bin/python benchmarks/attribution_audit.py --write-readme README.md"
        body = "\n".join([
            f"Generated by `{command}` on {datetime.date.today().isoformat()} ({total:.0f} s). Cells: ✓ passes on every "
            "audited input, ✗ fails on every one, k/B passes on k of B; then the worst measure (a fraction of "
            "Σ|I(S)|; a pass is ≤ 1e-2). Models: `poly` (a polynomial with known Taylor terms), `mlp` (a trained "
            "ReLU MLP, 6 features), `cnn` (a ReLU CNN on 8×8 images, 8 players of 4×2 pixels).", "",
            "**Our reading** (P2 and P3 judge leaks and amounts):", "", ours, "",
            "**The paper's reading** (P2 and P3 judge leaks only):", "", paper, "",
            "**Beside Deng et al.** (the paper's reading, pooled over all models):", "", comparison])
        write_section(args.write_readme, "audit", body)
        print(f"wrote the tables into {args.write_readme}")


if __name__ == "__main__":
    main()
