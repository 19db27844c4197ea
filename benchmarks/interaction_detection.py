"""Interaction detection on Tsang et al.'s F1–F10: ROC-AUC of 2-way and 3-way rankings.

    .venv/bin/python benchmarks/interaction_detection.py --protocol paper          # NID's protocol, all ten
    .venv/bin/python benchmarks/interaction_detection.py --protocol paper --functions F4
    .venv/bin/python benchmarks/interaction_detection.py                           # quick: 1k per split, plain MLP
    .venv/bin/python benchmarks/interaction_detection.py --protocol full           # plain MLP at 10k per split

Protocols (data from the paper's domains, X and y standardised on the training split):
- paper: 30k samples split 10k/10k/10k; NID's "MLP-M" (tw.MainEffectMLP: the MLP 10-140-100-60-20-1
  plus one 1-10-10-10-1 network per feature, ReLU) trained as in NID's reference code
  (tw.train_main_effect_mlp: Adam lr 1e-2, batch 100, L1 5e-5 on the interaction MLP's weights,
  ≤ 100 epochs, early stopping with patience 5 on the validation MSE);
- default / full: the plain MLP 10-140-100-60-20-1 (Softplus) at 1k / 10k per split, Adam lr 1e-3,
  L1 5e-5 on every weight, patience 15 / 20.
Each function is ranked, on the SAME trained model, by
- NID (tw.nid on the interaction MLP): pairs by ω(i, j); triplets by the paper's prefix search
  (sets that are no unit's prefix score 0); NID-min: the full ω(S) on every triplet;
- CD-rep: mean |∂^k f| at the six representative test samples (Lerman et al.'s aggregate);
- CD-global: mean |∂^k f| over test points (the default of tw.global_interactions);
- IH / EH: mean |Γ_ij| over test points (IH at the zero baseline = the training mean; EH with
  training rows as baselines); a triplet scores the MIN of its three pair scores;
- true-f: CD-global of the generating function itself (the ceiling of derivative methods:
  piecewise-linear terms such as |x6+x7| have zero cross derivatives almost everywhere).
With ReLU, derivative methods explain tw.smooth_relu(model, beta=10) (same weights); NID reads the
weights, which smoothing does not change. Every method scores all 45 pairs and all 120 triplets,
each labelled positive iff it is a subset of a true set; zero scores keep their true label (the
reference code counted NID's zero-score padding as positives). AUCs average over --seeds.
`--write-readme README.md` puts the mean tables between the README's `interaction-detection-<protocol>` markers.
"""
from __future__ import annotations

import argparse
import datetime
import shlex
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import taylor_widgets as tw  # noqa: E402
from benchmarks.readme_table import write_section  # noqa: E402
from taylor_widgets.core.higher_order import sets as _sets  # noqa: E402
from taylor_widgets.datasets.synthetic import FUNCTIONS, candidate_labels, roc_auc  # noqa: E402

METHODS = ["NID", "NID-min", "CD-rep", "CD-global", "IH", "EH", "true-f"]
PROTOCOLS = {  # n per split, model, activation, trainer settings, eval points (CD pairs / triplets,
    # IH and EH), EH draws
    "default": dict(split=1000, model="mlp", activation="softplus", lr=1e-3, epochs=150, patience=14,
                    n_cd=500, n_cd3=500, n_ih=200, eh_draws=32),
    "full": dict(split=10000, model="mlp", activation="softplus", lr=1e-3, epochs=300, patience=19,
                 n_cd=10000, n_cd3=2000, n_ih=1000, eh_draws=64),
    "paper": dict(split=10000, model="mlp-m", activation="relu", lr=1e-2, epochs=100, patience=5,
                  n_cd=1000, n_cd3=300, n_ih=300, eh_draws=32),
}


def build_model(kind: str, activation: str) -> nn.Module:
    if kind == "mlp-m":
        return tw.MainEffectMLP(10, activation=activation)
    return tw.MainEffectMLP(10, activation=activation).interaction  # the same MLP without main effects


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


def run_function(name, cfg, seed, pairs, triples):
    f = FUNCTIONS[name]
    n = cfg["split"]
    X, y = f.sample(3 * n, seed=seed + int(name[1:]))
    X, y = X.float(), y.float()
    mu, sd = X[:n].mean(0), X[:n].std(0)
    Z, t = (X - mu) / sd, (y - y[:n].mean()) / y[:n].std()
    Ztr, Zva, Zte = Z[:n], Z[n : 2 * n], Z[2 * n :]
    torch.manual_seed(seed)
    model, log = tw.train_main_effect_mlp(build_model(cfg["model"], cfg["activation"]), Ztr, t[:n], Zva,
                                          t[n : 2 * n], lr=cfg["lr"], epochs=cfg["epochs"],
                                          patience=cfg["patience"], seed=seed)
    with torch.no_grad():
        test_mse = float(((model(Zte)[:, 0] - t[2 * n :]) ** 2).mean())
    times = {"train": log.seconds}
    explained = tw.smooth_relu(model, beta=10.0) if cfg["activation"] == "relu" else model
    mlp = model.interaction if isinstance(model, tw.MainEffectMLP) else model
    lab2, lab3 = candidate_labels(pairs, f.interactions), candidate_labels(triples, f.interactions)
    scores = {}

    def timed(key, fn):
        s = time.perf_counter()
        scores[key] = fn()
        times[key] = time.perf_counter() - s

    def cd(model_, data, n_pairs=None, n_triples=None, **kw):
        """Pairs over data[:n_pairs] (one Hessian a point), triplets over data[:n_triples] (120 third
        derivatives a point, the expensive part)."""
        g2 = tw.global_interactions(model_, data[:n_pairs], order=2, **kw)
        g3 = tw.global_interactions(model_, data[:n_triples], order=3, exhaustive=True, **kw)
        return lookup(g2.sets[2], g2.scores[2], pairs), lookup(g3.sets[3], g3.scores[3], triples)

    def nid_scores():
        p, t3 = tw.nid(mlp, order=2), tw.nid(mlp, order=3)
        return lookup(p.sets[2], p.scores[2], pairs), lookup(t3.sets[3], t3.scores[3], triples)

    timed("NID", nid_scores)
    timed("NID-min", lambda: (scores["NID"][0], lookup(*_nid_min(mlp, triples), triples)))
    Zih = Zte[: cfg["n_ih"]]
    timed("CD-rep", lambda: cd(explained, Zte, aggregate="representative", seed=seed))
    timed("CD-global", lambda: cd(explained, Zte, cfg["n_cd"], cfg["n_cd3"]))
    # no_grad: torch.func ignores it, but it stops autograd recording through the parameters
    with torch.no_grad():
        timed("IH", lambda: pair_matrix_scores(
            tw.integrated_hessians(explained, Zih).values.abs().mean(0).double(), pairs, triples))
        timed("EH", lambda: pair_matrix_scores(
            tw.expected_hessians(explained, Zih, Ztr, samples=cfg["eh_draws"], seed=seed).values.abs().mean(0).double(),
            pairs, triples))
    timed("true-f", lambda: cd(TrueF(f.fn, mu, sd), Zte.double(), cfg["n_cd"], cfg["n_cd3"]))
    aucs = {m: (roc_auc(scores[m][0], lab2), roc_auc(scores[m][1], lab3)) for m in METHODS}
    return aucs, times, test_mse, log


def _nid_min(mlp, triples):
    r = tw.nid(mlp, order=3, sets=triples)  # the full ω(S); returned best first
    return r.sets[3], r.scores[3]


def markdown_table(rows, order_index, title):
    """Rows: (name, mse, {method: (auc2, auc3)}) → a markdown table of one order with a mean row."""
    head = "| function | test MSE | " + " | ".join(METHODS) + " |"
    lines = [f"**{title}**", "", head, "|---|---|" + "---|" * len(METHODS)]
    for name, mse, aucs in rows:
        lines.append(f"| {name} | {mse:.3f} | " + " | ".join(f"{aucs[m][order_index]:.3f}" for m in METHODS) + " |")
    mean = {m: np.mean([a[m][order_index] for _, _, a in rows]) for m in METHODS}
    lines.append("| **mean** | | " + " | ".join(f"**{mean[m]:.3f}**" for m in METHODS) + " |")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--protocol", choices=sorted(PROTOCOLS), default="default")
    ap.add_argument("--full", action="store_true", help="the same as --protocol full (kept for old commands)")
    ap.add_argument("--functions", default=",".join(FUNCTIONS), help="comma-separated subset of F1..F10")
    ap.add_argument("--activation", choices=["softplus", "relu"], help="override the protocol's activation")
    ap.add_argument("--model", choices=["mlp", "mlp-m"], help="override the protocol's model (mlp-m: main-effect nets)")
    ap.add_argument("--seed", type=int, default=0, help="first seed")
    ap.add_argument("--seeds", type=int, default=1, help="independent trainings per function (seed, seed+1, …)")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (more oversubscribes shared CPUs)")
    ap.add_argument("--epochs", type=int, help="override the maximum number of epochs")
    ap.add_argument("--patience", type=int, help="override the early-stopping patience (epochs)")
    ap.add_argument("--write-readme", metavar="README", help="write the mean table between its markers")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    protocol = "full" if args.full else args.protocol
    cfg = dict(PROTOCOLS[protocol])
    cfg.update({k: getattr(args, k) for k in ("epochs", "patience", "activation", "model") if getattr(args, k) is not None})
    names = [s.strip().upper() for s in args.functions.split(",") if s.strip()]
    unknown = [s for s in names if s not in FUNCTIONS]
    if unknown:
        ap.error(f"--functions: unknown {unknown}; expected names among F1..F10")
    pairs, triples = _sets.all_subsets(10, 2), _sets.all_subsets(10, 3)
    command = " ".join(shlex.quote(a) for a in [".venv/bin/python", *sys.argv])
    model_txt = ("MLP-M (10-140-100-60-20-1 + ten 1-10-10-10-1 main-effect nets)" if cfg["model"] == "mlp-m"
                 else "MLP 10-140-100-60-20-1")
    smooth = " (derivatives on smooth_relu β=10)" if cfg["activation"] == "relu" else ""
    l1_on = "the interaction MLP's weights" if cfg["model"] == "mlp-m" else "every weight"
    header = [f"$ {command}",
              f"protocol={protocol}: {3 * cfg['split']} samples split {cfg['split']}/{cfg['split']}/{cfg['split']}; "
              f"{model_txt}, {cfg['activation']}{smooth}; Adam lr {cfg['lr']:g}, batch 100, L1 5e-5 on {l1_on}, "
              f"≤{cfg['epochs']} epochs, stop after >{cfg['patience']} epochs without improvement; "
              f"seeds {args.seed}..{args.seed + args.seeds - 1}",
              f"CD-global/true-f over {cfg['n_cd']} test points (triplets: the first {cfg['n_cd3']}); IH/EH over {cfg['n_ih']} (EH {cfg['eh_draws']} draws); "
              f"candidates: all 45 pairs, all 120 triplets; IH/EH triplet = min of its pair scores; "
              f"torch {torch.__version__}, {args.threads} threads; {datetime.date.today().isoformat()}"]
    print("\n".join(header), flush=True)
    rows, total_t = [], {}
    t_all = time.perf_counter()
    for name in names:
        per_seed = []
        for seed in range(args.seed, args.seed + args.seeds):
            aucs, times, mse, log = run_function(name, cfg, seed, pairs, triples)
            per_seed.append((aucs, mse))
            for k, v in times.items():
                total_t[k] = total_t.get(k, 0.0) + v
            print(f"  {name} seed {seed}: test MSE {mse:.3f} (standardised y), {log.epochs_run} epochs (best "
                  f"{log.best_epoch + 1}), " + ", ".join(f"{k} {v:.1f}s" for k, v in times.items()),
                  file=sys.stderr, flush=True)
        mean_aucs = {m: tuple(float(np.mean([a[m][o] for a, _ in per_seed])) for o in (0, 1)) for m in METHODS}
        rows.append((name, float(np.mean([mse for _, mse in per_seed])), mean_aucs))
    tables = [markdown_table(rows, 0, "2-way (pairwise) ROC-AUC"), markdown_table(rows, 1, "3-way ROC-AUC")]
    print("\n" + "\n\n".join(tables))
    footer = ("time (s, all functions): " + ", ".join(f"{k} {v:.1f}" for k, v in total_t.items())
              + f"; total {time.perf_counter() - t_all:.0f}")
    print("\n" + footer)
    if args.write_readme:
        body = "\n".join([f"Measured by `{command}` on {datetime.date.today().isoformat()} "
                          f"({footer.split('; ')[-1]} s wall on {args.threads} thread(s)).", "", "\n\n".join(tables)])
        write_section(args.write_readme, f"interaction-detection-{protocol}", body)
        print(f"wrote the tables into {args.write_readme}")


if __name__ == "__main__":
    main()
