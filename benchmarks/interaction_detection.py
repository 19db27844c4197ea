"""Interaction detection on Tsang et al.'s F1–F10: ROC-AUC of 2-way and 3-way rankings.

    .venv/bin/python benchmarks/interaction_detection.py            # default size, < 10 min on 2 CPU cores
    .venv/bin/python benchmarks/interaction_detection.py --full     # the paper's size: 30k samples, 10k/10k/10k
    .venv/bin/python benchmarks/interaction_detection.py --functions F1,F8 --activation relu

Per function: sample the paper's domain, standardise X and y on the training split, train the
paper's MLP 10→140→100→60→20→1 with MSE (Adam, L1 5e-5 on weights as in NID's code, early
stopping on the validation split), then rank interactions with
- CD-rep: cross derivatives at the six representative samples of the test split (mean |∂^k f|);
- CD-global: mean |∂^k f| over the test split (the default of tw.global_interactions);
- NID: Tsang et al.'s weight rule; 3-way by the paper's prefix search (sets that are no unit's
  prefix score 0); NID-min: the full ω(S) = Σ_h z_h min_{i∈S}|W1[h,i]| on every triplet;
- IH / EH: mean over test samples of |Γ_ij| (IH at the zero baseline = the training mean; EH
  with training rows as baselines); a triplet scores the MIN of its three pair scores
  (a 3-way interaction needs all its pairs);
- true-f: mean |∂^k f| of the true function over the same points (the ceiling of derivative
  methods: piecewise-linear terms have zero cross derivatives even here).
Every method is scored on the SAME candidates, all 45 pairs and all 120 triplets, each labelled
positive iff it is a subset of a true set. Zero-score candidates keep their true label (the
reference code counted NID's zero-score padding as positives).
Activation: Softplus (β=1) by default, so the explained model is the trained one; with
--activation relu the net is trained with ReLU and derivative methods explain
tw.smooth_relu(model, beta=10) while NID reads the (identical) weights.
"""
from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import taylor_widgets as tw  # noqa: E402
from taylor_widgets.core.higher_order import sets as _sets  # noqa: E402
from taylor_widgets.datasets.synthetic import FUNCTIONS, candidate_labels, roc_auc  # noqa: E402

METHODS = ["CD-rep", "CD-global", "NID", "NID-min", "IH", "EH", "true-f"]
SIZES = {  # n per split, max epochs, patience, eval points for CD, IH/EH points, EH draws
    "default": dict(split=1000, epochs=150, patience=15, n_cd=500, n_ih=200, eh_draws=32),
    "full": dict(split=10000, epochs=300, patience=20, n_cd=10000, n_ih=1000, eh_draws=64),
}


def mlp(activation: str) -> nn.Module:
    act = nn.Softplus if activation == "softplus" else nn.ReLU
    dims = [10, 140, 100, 60, 20, 1]
    layers = []
    for a, b in zip(dims[:-1], dims[1:]):
        layers += [nn.Linear(a, b), act()]
    return nn.Sequential(*layers[:-1])


def train(model, Xtr, ytr, Xva, yva, epochs, patience, seed, batch=100, lr=1e-3, l1=5e-5):
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    weights = [p for n, p in model.named_parameters() if n.endswith("weight")]
    best, best_state, bad = float("inf"), None, 0
    for _ in range(epochs):
        perm = torch.randperm(len(Xtr), generator=g)
        for s in range(0, len(Xtr), batch):
            i = perm[s : s + batch]
            opt.zero_grad()
            loss = ((model(Xtr[i])[:, 0] - ytr[i]) ** 2).mean() + l1 * sum(w.abs().sum() for w in weights)
            loss.backward()
            opt.step()
        with torch.no_grad():
            val = ((model(Xva)[:, 0] - yva) ** 2).mean().item()
        if val < best - 1e-6:
            best, best_state, bad = val, {k: v.clone() for k, v in model.state_dict().items()}, 0
        else:
            bad += 1
            if bad >= patience:
                break
    model.load_state_dict(best_state)
    return model, best


class TrueF(nn.Module):
    """The true function on standardised inputs (float64), for the derivative ceiling."""

    def __init__(self, fn, mu, sd):
        super().__init__()
        self.fn, self.dummy = fn, nn.Parameter(torch.zeros((), dtype=torch.float64))
        self.register_buffer("mu", mu.double())
        self.register_buffer("sd", sd.double())

    def forward(self, x):
        return self.fn(x * self.sd + self.mu)[:, None] + self.dummy


def lookup(sets, scores, cands):
    table = {tuple(s): float(v) for s, v in zip(sets.tolist(), scores.tolist())}
    return np.array([table.get(tuple(c), 0.0) for c in cands.tolist()])


def pair_matrix_scores(M, pairs, triples):
    """Pair scores from a (d, d) matrix; a triplet scores the min of its three pairs."""
    p = M[pairs[:, 0], pairs[:, 1]].numpy()
    t = torch.stack([M[triples[:, a], triples[:, b]] for a, b in ((0, 1), (0, 2), (1, 2))]).amin(0).numpy()
    return p, t


def run_function(name, cfg, args, pairs, triples):
    f = FUNCTIONS[name]
    n = cfg["split"]
    X, y = f.sample(3 * n, seed=args.seed + int(name[1:]))
    X, y = X.float(), y.float()
    mu, sd = X[:n].mean(0), X[:n].std(0)
    ym, ys = y[:n].mean(), y[:n].std()
    Z, t = (X - mu) / sd, (y - ym) / ys
    Ztr, Zva, Zte = Z[:n], Z[n : 2 * n], Z[2 * n :]
    torch.manual_seed(args.seed)
    t0 = time.perf_counter()
    model, val = train(mlp(args.activation), Ztr, t[:n], Zva, t[n : 2 * n], cfg["epochs"], cfg["patience"], args.seed)
    model.eval()
    with torch.no_grad():
        test_mse = ((model(Zte)[:, 0] - t[2 * n :]) ** 2).mean().item()
    times = {"train": time.perf_counter() - t0}
    explained = model if args.activation == "softplus" else tw.smooth_relu(model, beta=10.0)
    lab2, lab3 = candidate_labels(pairs, f.interactions), candidate_labels(triples, f.interactions)
    scores = {}

    def timed(key, fn):
        s = time.perf_counter()
        scores[key] = fn()
        times[key] = time.perf_counter() - s

    def cd(model_, data, **kw):
        g = tw.global_interactions(model_, data, order=3, exhaustive=True, **kw)
        return lookup(g.sets[2], g.scores[2], pairs), lookup(g.sets[3], g.scores[3], triples)

    Zcd = Zte[: cfg["n_cd"]]
    timed("CD-rep", lambda: cd(explained, Zte, aggregate="representative", seed=args.seed))
    timed("CD-global", lambda: cd(explained, Zcd))

    def nid_scores():
        p = tw.nid(model, order=2)
        t3 = tw.nid(model, order=3)
        return lookup(p.sets[2], p.scores[2], pairs), lookup(t3.sets[3], t3.scores[3], triples)

    timed("NID", nid_scores)
    timed("NID-min", lambda: (scores["NID"][0], lookup(*_nid_min(model, triples), triples)))
    Zih = Zte[: cfg["n_ih"]]
    # no_grad: torch.func ignores it, but it stops autograd recording through the parameters
    with torch.no_grad():
        timed("IH", lambda: pair_matrix_scores(tw.integrated_hessians(explained, Zih).values.abs().mean(0).double(), pairs, triples))
        timed("EH", lambda: pair_matrix_scores(
            tw.expected_hessians(explained, Zih, Ztr, samples=cfg["eh_draws"], seed=args.seed).values.abs().mean(0).double(),
            pairs, triples))
    timed("true-f", lambda: cd(TrueF(f.fn, mu, sd), Zcd.double()))
    aucs = {}
    for m in METHODS:
        p, t3 = scores[m]
        aucs[m] = (_auc(p, lab2), _auc(t3, lab3))
    return aucs, times, test_mse


def _nid_min(model, triples):
    r = tw.nid(model, order=3, sets=triples)
    return r.sets[3], r.scores[3]


def _auc(s, lab):
    return roc_auc(s, lab) if np.isfinite(s).all() else float("nan")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--full", action="store_true", help="the paper's size: 30k samples split 10k/10k/10k")
    ap.add_argument("--functions", default=",".join(FUNCTIONS), help="comma-separated subset of F1..F10")
    ap.add_argument("--activation", choices=["softplus", "relu"], default="softplus")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1, help="torch threads (more oversubscribes shared CPUs)")
    ap.add_argument("--epochs", type=int, help="override the maximum number of epochs")
    ap.add_argument("--patience", type=int, help="override the early-stopping patience (epochs)")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    cfg = dict(SIZES["full" if args.full else "default"])
    cfg.update({k: getattr(args, k) for k in ("epochs", "patience") if getattr(args, k) is not None})
    names = [s.strip().upper() for s in args.functions.split(",") if s.strip()]
    pairs, triples = _sets.all_subsets(10, 2), _sets.all_subsets(10, 3)
    print("$ " + " ".join(shlex.quote(a) for a in [sys.executable.split("/")[-1], *sys.argv]))
    print(f"size={'full' if args.full else 'default'}: {3 * cfg['split']} samples split "
          f"{cfg['split']}/{cfg['split']}/{cfg['split']} (train/val/test); MLP 10-140-100-60-20-1 "
          f"{args.activation}{' (derivatives on smooth_relu β=10)' if args.activation == 'relu' else ''}; "
          f"Adam lr 1e-3, batch 100, L1 5e-5, ≤{cfg['epochs']} epochs, patience {cfg['patience']}; seed {args.seed}")
    print(f"CD-global/true-f over {cfg['n_cd']} test points; IH/EH over {cfg['n_ih']} (EH {cfg['eh_draws']} draws); "
          f"candidates: all 45 pairs, all 120 triplets; IH/EH triplet = min of its pair scores; "
          f"torch {torch.__version__}, {args.threads} threads")
    head = f"{'fn':4} {'mse':>6} " + " ".join(f"{m:>9}" for m in METHODS)
    rows2, rows3, total_t = [], [], {}
    t_all = time.perf_counter()
    for name in names:
        aucs, times, mse = run_function(name, cfg, args, pairs, triples)
        rows2.append((name, mse, [aucs[m][0] for m in METHODS]))
        rows3.append((name, mse, [aucs[m][1] for m in METHODS]))
        for k, v in times.items():
            total_t[k] = total_t.get(k, 0.0) + v
        print(f"  {name} done: test MSE {mse:.3f} (standardised y), "
              + ", ".join(f"{k} {v:.1f}s" for k, v in times.items()), file=sys.stderr, flush=True)
    for title, rows in (("2-way ROC-AUC", rows2), ("3-way ROC-AUC", rows3)):
        print(f"\n{title}\n{head}")
        for name, mse, vals in rows:
            print(f"{name:4} {mse:6.3f} " + " ".join(f"{v:9.3f}" for v in vals))
        mean = np.nanmean(np.array([r[2] for r in rows]), 0)
        print(f"{'mean':4} {'':6} " + " ".join(f"{v:9.3f}" for v in mean))
    print("\ntime (s, all functions): " + ", ".join(f"{k} {v:.1f}" for k, v in total_t.items())
          + f"; total {time.perf_counter() - t_all:.0f}")


if __name__ == "__main__":
    main()
