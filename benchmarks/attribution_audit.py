"""Reproduce Deng et al.'s verdict table (TPAMI 2024) by measurement.

Three models: a polynomial with known Taylor terms, a small ReLU MLP trained on tabular data with
interactions (6 features), and a small ReLU CNN trained on 8×8 images with 8 pixel groups (4×2
patches). For each of the fourteen methods and each principle the table prints ✓ (passes on every
input), ✗ (fails on every input) or k/B, and the worst measure (a fraction of the total effect
mass Σ|I(S)|; tol 1e-2). Run: `.venv/bin/python benchmarks/attribution_audit.py` (≈1–2 min on CPU).
"""
from __future__ import annotations

import time
import warnings

import torch
from torch import nn

import taylor_widgets as tw

warnings.filterwarnings("ignore", module="captum")


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


def main():
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
    print(tw.verdict_table(results))
    print()
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


if __name__ == "__main__":
    main()
