"""How to batch Hessian-vector products: forward-over-reverse against reverse-over-reverse, one run.

    .venv/bin/python benchmarks/hvp_modes.py

At each of P points, R products H(z)u_r. Forward-over-reverse vmaps jvp(grad f) over the R
directions (torch.func's textbook HVP, what the derivative layer used before); reverse-over-reverse
builds one gradient graph per point and vmaps R pullbacks through it (`derivatives.grad_and_hvps`
now). Both are vmapped over the points as the engine does. Reported: CPU time of the process with
one torch thread (robust to the other jobs on a shared machine), median of --repeats, and the
ratio forward / reverse; the two results are checked equal.
Models: the path benchmark's 2×128 Softplus MLP at d = 10, 50, 100, 200 (R = d, P = 128) and the
2-layer E=64 transformer at T = 32 (R = T token directions, P = 16), float32.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch
from torch.func import grad, jvp, vjp, vmap
from torch.nn.attention import SDPBackend, sdpa_kernel

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import taylor_widgets as tw  # noqa: E402
from benchmarks.path_methods import mlp  # noqa: E402


def forward_over_reverse(f):
    return lambda z, U: vmap(lambda u: jvp(grad(f), (z,), (u,))[1])(U)


def reverse_over_reverse(f):
    def products(z, U):
        _, pull = vjp(grad(f), z)
        return vmap(lambda u: pull(u)[0])(U)

    return products


def cpu_time(fn, args, repeats):
    with torch.no_grad(), sdpa_kernel(SDPBackend.MATH):
        fn(*(a[:2] for a in args))  # warm-up
        times, out = [], None
        for _ in range(repeats):
            t = time.process_time()
            out = fn(*args)
            times.append(time.process_time() - t)
    return statistics.median(times), out


def cases():
    for d in (10, 50, 100, 200):
        model = mlp(d)
        z = torch.randn(128, d, generator=torch.Generator().manual_seed(0))
        yield f"MLP d={d}", (lambda m: lambda v: m(v[None])[0, 0])(model), z, torch.eye(d)[None] * z[:, None]
    model = tw.tiny_text_transformer(max_len=64)
    with torch.no_grad():
        e = model.embedding(torch.randint(0, 100, (16, 32), generator=torch.Generator().manual_seed(1)))
    enc = model.encoder
    z = (torch.rand(16, 1, 1) * e).reshape(16, -1)
    U = torch.eye(32).repeat_interleave(64, 1)[None] * z[:, None]
    yield "transformer T=32", lambda v: enc(v.reshape(1, 32, 64))[0, 1], z, U


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, 1 thread, float32, CPU time")
    print(f"{'model':<18} {'fwd-over-rev s':>14} {'rev-over-rev s':>14} {'ratio':>7}")
    for name, f, z, U in cases():
        t_f, out_f = cpu_time(vmap(forward_over_reverse(f)), (z, U), args.repeats)
        t_r, out_r = cpu_time(vmap(reverse_over_reverse(f)), (z, U), args.repeats)
        torch.testing.assert_close(out_f, out_r, rtol=1e-4, atol=1e-5)
        print(f"{name:<18} {t_f:>14.3f} {t_r:>14.3f} {t_f / t_r:>6.1f}x")


if __name__ == "__main__":
    main()
