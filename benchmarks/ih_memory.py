"""Peak memory of a dense Integrated Hessians call against its output size (the working-memory bound).

    .venv/bin/python benchmarks/ih_memory.py                 # d = 6000, B = 1, one node
    .venv/bin/python benchmarks/ih_memory.py --dims 3000 6000 --steps 2

Model: the path benchmark's 2×128 Softplus MLP, float32, one input. Each call runs in a fresh
interpreter; the peak RSS (VmHWM) is reset just before it, so the rise is the call's own working
memory plus its output. Printed with the output's size and the chunk plan (points per chunk,
rows per block) from `derivatives.plan_chunks`; the bound to compare with is output + about
`derivatives.CHUNK_BYTES` (256 MiB). `--steps` fixes the node count, which changes the time, not
the memory.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(d: int, steps: int) -> str:
    code = f"""
import sys, time, torch
sys.path.insert(0, {str(ROOT)!r})
import taylor_widgets as tw
from taylor_widgets.core import derivatives as dv
from benchmarks.path_methods import mlp
def kib(field):
    return next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith(field + ':'))
m = mlp({d}); x = torch.randn(1, {d})
tw.integrated_hessians(mlp(8), torch.randn(1, 8), steps=1)  # warm-up
f = lambda z, sel: m(z[None])[0, 0]
act = dv.activation_bytes(f, x[0], torch.zeros(1))
plan = dv.plan_chunks({steps}, {d}, {d}, 4, act)
open('/proc/self/clear_refs', 'w').write('5')
before = kib('VmRSS')
t = time.perf_counter()
r = tw.integrated_hessians(m, x, steps={steps})
t = time.perf_counter() - t
out = r.values.numel() * 4 / 2**20
print(f"{{out:.0f}} {{(kib('VmHWM') - before) / 1024:.0f}} {{plan[0]}} {{plan[1]}} {{t:.1f}}")
"""
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return res.stdout.strip().splitlines()[-1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dims", type=int, nargs="+", default=[6000])
    ap.add_argument("--steps", type=int, default=1)
    args = ap.parse_args()
    print(f"{'d':>6} | {'output MiB':>10} {'peak rise MiB':>13} {'over output':>11} | {'points/chunk':>12} {'rows/block':>10} | time s")
    for d in args.dims:
        out, peak, points, rows, t = run(d, args.steps).split()
        print(f"{d:>6} | {out:>10} {peak:>13} {float(peak) - float(out):>11.0f} | {points:>12} {rows:>10} | {t}")


if __name__ == "__main__":
    main()
