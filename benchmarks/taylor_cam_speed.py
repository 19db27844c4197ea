"""Taylor-CAM speed: tw.taylor_cam (N vmapped HVPs per image) against the reference approach (the
full (N·K)² Hessian of y w.r.t. the layer with torch.autograd.functional.hessian, then TC from it),
measured in the same run, with equal values checked.

    .venv/bin/python benchmarks/taylor_cam_speed.py
    .venv/bin/python benchmarks/taylor_cam_speed.py --sizes 8x8x8 16x8x8 --repeats 3 --dtype float64

Model: YieldOrGoCNN(width=K) on (B, 3, 8h, 8w) images, explained at `features` (K×h×w), target
class 1, random untrained weights (speed and values do not depend on training). Times are the
median of --repeats runs after one warm-up; ratio = reference / ours.
(Lerman et al., ICCV 2021, https://arxiv.org/abs/2103.11803.)

Measured (2 idle CPU threads, batch 2, float64, --sizes 8x6x6 16x8x8 24x8x8 32x12x12): ratio 12.8,
40.2, 34.6, 125.8 (3.8 s → 0.03 s at D = 4608), max relative difference ≤ 1.3e-15. float32:
18.1, 51.4, 63.1 at ≤ 8.7e-07. The reference's cost grows with D = N·K (one backward pass per
Hessian row); ours with N (one HVP per cell, vmapped).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import taylor_widgets as tw  # noqa: E402
from taylor_widgets.core.cam.hooks import LayerTap  # noqa: E402  (the same hook, so both see one function)


def reference_tc(model, x, target: int) -> torch.Tensor:
    """The reference code's way: per image, the full Hessian of y w.r.t. the layer, then TC."""
    out = []
    tap = LayerTap(model.features, "features")
    try:
        tap.attach()
        with torch.no_grad():
            tap.run(model, x)
            A = tap.output.detach()
        for b in range(x.shape[0]):
            xb = x[b : b + 1]
            H = torch.autograd.functional.hessian(lambda a: tap.run_replaced(model, xb, a[None])[0, target], A[b])
            K, h, w = A.shape[1:]
            N = h * w
            S = torch.einsum("ki,kilj->ij", A[b].reshape(K, N), H.reshape(K, N, K, N))
            TC = S**2 + S.T**2
            TC.fill_diagonal_(0)
            out.append(TC)
    finally:
        tap.detach()
    return torch.stack(out)


def timed(fn, repeats):
    fn()  # warm-up (torch.func's first call compiles its decompositions)
    times, value = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), value


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="+", default=["8x6x6", "16x8x8", "24x8x8"], help="KxHxW of the explained layer")
    ap.add_argument("--batch", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--dtype", choices=["float32", "float64"], default="float64")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    dtype = getattr(torch, args.dtype)
    print(f"settings: batch={args.batch} repeats={args.repeats} dtype={args.dtype} threads={args.threads} "
          f"torch={torch.__version__}")
    print(f"{'K×h×w':>8} {'N':>4} {'D=N·K':>6} {'reference s':>12} {'taylor_cam s':>13} {'ratio':>7}  allclose  max rel diff")
    ok = True
    for spec in args.sizes:
        K, h, w = (int(v) for v in spec.lower().split("x"))
        torch.manual_seed(0)
        model = tw.YieldOrGoCNN(width=K).to(dtype).eval()
        x = torch.rand(args.batch, 3, 8 * h, 8 * w, generator=torch.Generator().manual_seed(1), dtype=dtype)
        t_ref, ref = timed(lambda: reference_tc(model, x, 1), args.repeats)
        t_ours, ours = timed(lambda: tw.taylor_cam(model, x, "features", target=1).pair_scores, args.repeats)
        rtol = 1e-9 if dtype == torch.float64 else 1e-4
        close = torch.allclose(ours, ref, rtol=rtol, atol=rtol * float(ref.abs().max()))
        rel = float((ours - ref).abs().max() / ref.abs().max())
        ok &= close
        print(f"{spec:>8} {h * w:>4} {h * w * K:>6} {t_ref:>12.3f} {t_ours:>13.3f} {t_ref / t_ours:>7.1f}  {close!s:>8}  {rel:.1e}")
    assert ok, "taylor_cam and the full-Hessian reference disagree"


if __name__ == "__main__":
    main()
