"""Token interactions on the 2-layer E=64 transformer: our default rule against the uniform grid.

    .venv/bin/python benchmarks/text_interactions.py                 # T ∈ {16, 32, 64}, B = 4
    .venv/bin/python benchmarks/text_interactions.py --lengths 32 --cap 25

Model: `tw.tiny_text_transformer()` (seed 0; post-norm GELU nn.TransformerEncoder, E = 64, 4 heads,
feed-forward 128, its fused attention), random token ids (seed 1), explained from the embeddings:
`tw.integrated_hessians(model.encoder, model.embedding(ids), target=1, embedding_axis=-1)` at the
zero-embedding baseline, where LayerNorm makes the integrand sharp near the baseline. float32, CPU.

For each T it prints, for IH ((B, T, T) token interactions) and IG ((B, T)):
- time (median wall time of --repeats after one warm-up, and the process CPU time of one call:
  2 threads), the nodes per input the adaptive rule chose, completeness error (max over the batch of
  |ΣΓ − (f(x) − f(x'))| / |f(x) − f(x')|) and peak memory (rise of the peak RSS over one call, in a
  fresh process) at the default settings;
- the time ratio against rule="uniform" (path_explain's estimator: equally spaced α × β grid) at
  equal or worse completeness error: the largest uniform grid predicted to take at most --cap
  times our time is run; if it is still less accurate than ours the ratio is a lower bound
  ("≥", with that grid's error), otherwise the smallest grid as accurate as ours gives it.
The machine is shared: the load average is printed with each row.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import taylor_widgets as tw  # noqa: E402

B = 4


def setup(T: int):
    model = tw.tiny_text_transformer(vocab=100, max_len=64, seed=0)
    ids = torch.randint(0, 100, (B, T), generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        return model.encoder, model.embedding(ids)


def explain(method: str, enc, e, **kw):
    fn = tw.integrated_hessians if method == "ih" else tw.integrated_gradients
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # float32 round-off notes; the errors are printed
        return fn(enc, e, target=1, embedding_axis=-1, **kw)


def timed(fn, repeats: int):
    """(median wall seconds, the last result); the process CPU seconds of that call go to CPU[-1]."""
    times, out = [], None
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        times.append(time.perf_counter() - t)
        CPU.append(time.process_time() - c)
    return statistics.median(times), out


CPU: list[float] = []


def error(res) -> float:
    return float(res.relative_completeness_error.max())


def peak_mib(method: str, T: int) -> float:
    """Peak RSS rise (MiB) of one default call in a fresh interpreter (VmHWM reset before the call)."""
    code = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from benchmarks.text_interactions import setup, explain
def kib(field):
    return next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith(field + ':'))
enc, e = setup({T})
explain({method!r}, enc, e[:1, :4], steps=2)
open('/proc/self/clear_refs', 'w').write('5')
before = kib('VmRSS')
explain({method!r}, enc, e)
print((kib('VmHWM') - before) / 1024)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def uniform_ratio(method: str, enc, e, t_ours: float, err_ours: float, cap: float):
    """(ratio, is_lower_bound, grid size, error of that grid) against rule='uniform' at equal or worse error.

    Grids grow, each sized from the cost per point of the last run, until one is as accurate as
    ours (the ratio is then exact) or one takes at least `cap` × our time while still less
    accurate (the ratio is then a lower bound).
    """
    sizes = [4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512] if method == "ih" else \
        [16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536]
    points = {n: (len(tw.uniform_product_grid(n).points) if method == "ih" else n) for n in sizes}
    run = lambda m: timed(lambda: explain(method, enc, e, rule="uniform", steps=m), 1)  # noqa: E731
    n, last = sizes[0], None
    while True:
        t, res = run(n)
        if error(res) <= err_ours:  # as accurate: find the smallest grid that is, between the last two
            for m in [m for m in sizes if last is not None and last < m < n]:
                tm, rm = run(m)
                if error(rm) <= err_ours:
                    return tm / t_ours, False, m, error(rm)
            return t / t_ours, False, n, error(res)
        if t >= cap * t_ours or n == sizes[-1]:
            return t / t_ours, True, n, error(res)
        per_point = t / points[n]
        bigger = [m for m in sizes if m > n]
        last, n = n, next((m for m in bigger if per_point * points[m] >= 1.2 * cap * t_ours), bigger[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lengths", type=int, nargs="+", default=[16, 32, 64])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--cap", type=float, default=25.0, help="stop the uniform grid past this many times our time")
    ap.add_argument("--no-memory", action="store_true")
    args = ap.parse_args()
    enc, e = setup(8)
    explain("ih", enc, e[:1, :4], steps=2)  # warm-up: torch.func's first call loads its rules
    explain("ig", enc, e[:1, :4], steps=2)
    print(f"torch {torch.__version__}, threads={torch.get_num_threads()}, float32, B={B}, zero-embedding baseline")
    hdr = (f"{'T':>3} {'method':>6} | {'ours s':>7} {'cpu s':>6} {'rel. error':>10} {'peak MiB':>8} {'nodes/input':>11} | "
           f"{'uniform':>9} {'its error':>9} {'time ratio':>11} | load")
    print(hdr)
    print("-" * len(hdr))
    for T in args.lengths:
        enc, e = setup(T)
        for method in ("ih", "ig"):
            t, res = timed(lambda: explain(method, enc, e), args.repeats)
            cpu, err = CPU[-1], error(res)
            nodes = res.rule.split("(")[-1].split(" nodes")[0] if "(" in res.rule else res.rule.split("-")[-1]
            mem = float("nan") if args.no_memory else peak_mib(method, T)
            ratio, bound, n, err_u = uniform_ratio(method, enc, e, t, err, args.cap)
            grid = f"{n}x{n}" if method == "ih" else f"{n}"
            print(f"{T:>3} {method.upper():>6} | {t:>7.2f} {cpu:>6.1f} {err:>10.1e} {mem:>8.0f} {nodes:>11} | "
                  f"{grid:>9} {err_u:>9.1e} {('≥ ' if bound else '') + f'{ratio:.0f}x':>11} | "
                  f"{os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
