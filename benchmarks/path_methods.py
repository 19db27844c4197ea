"""Integrated Hessians: taylor_widgets against path_explain's torch explainer, in one run.

    .venv/bin/python benchmarks/path_methods.py            # d ∈ {10, 50, 100, 200}
    .venv/bin/python benchmarks/path_methods.py --dims 100 --repeats 3

Setup (issue #2): a 2×128 Softplus(β=10) MLP, 8 inputs, float32, CPU.
 (a) equal estimand: both evaluate path_explain's 10×10 α×β grid (num_samples=100);
 (b) equal accuracy: path_explain at num_samples=400 against our default (adaptive log-weight
     Gauss rule), checking that our completeness error is no worse than path_explain's;
 peak memory: the rise of the process's peak RSS (VmHWM, reset just before) over the call, each
 measured in a fresh subprocess; and the latency of one row query (one feature's partners) at d=1000.
Times are medians of --repeats runs after one warm-up. Ratios are path_explain / ours.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch
from torch import nn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import taylor_widgets as tw  # noqa: E402
from benchmarks._anchors import path_explainer_torch  # noqa: E402


def mlp(d: int, seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(d, 128), nn.Softplus(beta=10), nn.Linear(128, 128), nn.Softplus(beta=10), nn.Linear(128, 1))


def inputs(d: int, n: int = 8, seed: int = 1):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, d, generator=g), torch.zeros(1, d)


def run_ours(model, x, b, mode: str):
    if mode == "grid100":
        return tw.integrated_hessians(model, x, baseline=b[0], rule="uniform", steps=10).values
    return tw.integrated_hessians(model, x, baseline=b[0]).values


def run_path_explain(model, x, b, num_samples: int):
    explainer = path_explainer_torch()(model)
    # path_explain needs requires_grad set by the caller (its own `requires_grad_ = True` is a no-op)
    return explainer.interactions(
        x.clone().requires_grad_(True), b, num_samples=num_samples, use_expectation=False, verbose=False
    ).detach()


def timed(fn, repeats: int) -> tuple[float, object]:
    out = fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def completeness(model, x, b, G) -> float:
    with torch.no_grad():
        gap = (model(x) - model(b)).reshape(-1).double()
    return float(((G.double().sum((1, 2)) - gap).abs() / gap.abs()).max())


def peak_rss_mib(which: str, d: int, arg: str) -> float:
    """Peak RSS rise (MiB) of one call, measured in a fresh interpreter.

    Linux keeps the peak (VmHWM) since the last reset; writing 5 to /proc/self/clear_refs resets
    it to the current RSS, so the imports' own transient peak does not hide the call's.
    """
    code = f"""
import sys, torch
sys.path.insert(0, {str(ROOT)!r})
from benchmarks.path_methods import mlp, inputs, run_ours, run_path_explain
def kib(field):
    return next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith(field + ':'))
m = mlp({d}); x, b = inputs({d})
m(x)
open('/proc/self/clear_refs', 'w').write('5')
before = kib('VmRSS')
{"run_ours(m, x, b, " + repr(arg) + ")" if which == "ours" else "run_path_explain(m, x, b, " + arg + ")"}
print((kib('VmHWM') - before) / 1024)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def row_latency(d: int = 1000, repeats: int = 20) -> float:
    model = mlp(d)
    x, b = inputs(d, n=1)
    t, _ = timed(lambda: tw.integrated_hessians(model, x, baseline=b[0], rows=[3]), repeats)
    return t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dims", type=int, nargs="+", default=[10, 50, 100, 200])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-memory", action="store_true", help="skip the subprocess memory runs")
    ap.add_argument("--json", type=Path, help="also write the rows as JSON here")
    args = ap.parse_args()
    print(f"torch {torch.__version__}, threads={torch.get_num_threads()}, device=cpu, float32, batch=8")
    hdr = (f"{'d':>5} | {'pe@100 s':>9} {'ours@100 s':>10} {'(a) ratio':>9} | {'pe@400 s':>9} {'ours s':>8} "
           f"{'(b) ratio':>9} | {'err pe@400':>10} {'err ours':>9} | {'mem pe MiB':>10} {'mem ours':>8}")
    print(hdr)
    print("-" * len(hdr))
    rows = []
    for d in args.dims:
        model = mlp(d)
        x, b = inputs(d)
        t_pe100, G_pe100 = timed(lambda: run_path_explain(model, x, b, 100), args.repeats)
        t_us100, G_us100 = timed(lambda: run_ours(model, x, b, "grid100"), args.repeats)
        assert torch.allclose(G_pe100, G_us100, rtol=1e-4, atol=1e-5), "estimands differ on the shared grid"
        t_pe400, G_pe400 = timed(lambda: run_path_explain(model, x, b, 400), max(1, args.repeats - 1))
        t_us, G_us = timed(lambda: run_ours(model, x, b, "default"), args.repeats)
        e_pe, e_us = completeness(model, x, b, G_pe400), completeness(model, x, b, G_us)
        m_pe = m_us = float("nan")
        if not args.no_memory:
            m_pe, m_us = peak_rss_mib("pe", d, "400"), peak_rss_mib("ours", d, "default")
        row = dict(d=d, pe100=t_pe100, ours100=t_us100, ratio_a=t_pe100 / t_us100, pe400=t_pe400, ours=t_us,
                   ratio_b=t_pe400 / t_us, err_pe400=e_pe, err_ours=e_us, mem_pe=m_pe, mem_ours=m_us)
        rows.append(row)
        flag = "" if e_us <= e_pe else "  (ours less accurate!)"
        print(f"{d:>5} | {t_pe100:>9.4f} {t_us100:>10.4f} {row['ratio_a']:>8.1f}x | {t_pe400:>9.4f} {t_us:>8.4f} "
              f"{row['ratio_b']:>8.1f}x | {e_pe:>10.1e} {e_us:>9.1e} | {m_pe:>10.1f} {m_us:>8.1f}{flag}")
    lat = row_latency()
    print(f"\none row query (one feature's partners), d=1000, 1 input, default rule: {lat * 1e3:.1f} ms")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "row_latency_s": lat}, indent=2))


if __name__ == "__main__":
    main()
