"""Dataset scale: Integrated Hessians over N rows read from Parquet into a store, against the same
rows explained in memory, with peak memory per run and the Ray engine against the local one.

    .venv/bin/python benchmarks/dataset_scale.py            # N = 1k, 10k, 100k (about 15 min on 2 idle cores)
    .venv/bin/python benchmarks/dataset_scale.py --quick    # N = 1k, 4k: a minute or two
    .venv/bin/python benchmarks/dataset_scale.py --only overhead --repeats 3 --only ray   # some parts

Setups: a Softplus MLP d → 64 → 64 → 1 (float32, seed 0) on standard normal rows, written to one
Parquet file per N (row groups of 8192). "d=20 full" stores the whole (20, 20) Γ per example;
"d=100 rows" stores rows=[0..4], (5, 100) per example. Chunks of 1024 examples; default IH rule.

Each run is a fresh process, so its peak RSS (ru_maxrss, imports included) is its own:
- throughput: examples/s of tw.explain_dataset(parquet → store), wall time of the call;
- overhead (at the second largest N, in a process of its own): tw.integrated_hessians on the same
  rows held in memory, chunk by chunk (results kept), timed before and after a store run in the
  same process; overhead = store time / mean in-memory time − 1 (target ≤ 10 %). Other jobs on
  the machine move that A/B figure by tens of percent, so the store run also times its own core
  calls: in-run overhead = store time / time in those calls − 1 (everything else the store path
  does: importing zarr, the first-row probe, reading Parquet, writing and compressing chunks);
- flat memory: peak RSS at the largest N against the next one (target: within 10 %);
- Ray: engine="ray" with 2 actors (1 CPU each, ray.init(num_cpus=2) not timed; actor start-up
  is) against the local engine (torch on 2 threads) and against the local engine on 1 thread:
  ratio = Ray throughput / local throughput; efficiency = Ray / (2 × one-thread local);
- the basis of the per-GPU estimate (no GPU here): FLOPs per example counted by torch's
  FlopCounterMode, and the store writer's examples/s on one core.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SETUPS = {"d=20 full": {"d": 20, "rows": None}, "d=100 rows": {"d": 100, "rows": [0, 1, 2, 3, 4]}}
CHUNK = 1024


def model(d: int):
    import torch

    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(d, 64), torch.nn.Softplus(), torch.nn.Linear(64, 64),
                               torch.nn.Softplus(), torch.nn.Linear(64, 1))


def write_parquet(path: Path, n: int, d: int) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    x = np.random.default_rng(n + d).standard_normal((n, d), dtype=np.float32)
    table = pa.table({f"x{i}": x[:, i] for i in range(d)})
    pq.write_table(table, path, row_group_size=8192)


def child(args) -> dict:
    """One measurement in this (fresh) process; prints a JSON line."""
    import torch

    import taylor_widgets as tw

    if args.threads:
        torch.set_num_threads(args.threads)
    setup = SETUPS[args.setup]
    m = model(setup["d"])
    kw = {} if setup["rows"] is None else {"rows": setup["rows"]}
    out = {}
    if args.anchor:
        x = torch.from_numpy(_read_all(args.data))
        out["memory_s"] = [_in_memory(tw, m, x, kw)]
    store = Path(args.store)
    engine = "local"
    compute = _time_core_calls() if args.anchor else None
    if args.ray:
        sys.path.insert(0, str(ROOT / "tests" / "scale"))
        from _local_ray import start_local_ray  # retries a start that Ray aborts on a busy machine

        start_local_ray(2)
        engine = "ray"
    t = time.perf_counter()
    ex = tw.explain_dataset(m, args.data, "integrated_hessians", store, batch_size=CHUNK, progress=False,
                            engine=engine, **({"workers": 2} if args.ray else {}), **kw)
    out["store_s"] = time.perf_counter() - t
    assert ex.complete and len(ex) == args.n
    if compute is not None:
        out["core_s"] = sum(compute[1:])  # compute[0] is the one-row probe: store overhead
    if args.anchor:
        out["memory_s"].append(_in_memory(tw, m, x, kw))
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out), flush=True)
    return out


def _time_core_calls() -> list[float]:
    """Time every chunk's core call inside the store run (the rest of its wall time is the store's)."""
    from taylor_widgets.scale import methods

    times, explain_chunk = [], methods.explain_chunk

    def timed(*a, **kw):
        t = time.perf_counter()
        out = explain_chunk(*a, **kw)
        times.append(time.perf_counter() - t)
        return out

    methods.explain_chunk = timed
    return times


def _read_all(path) -> np.ndarray:
    import pyarrow.parquet as pq

    return np.stack([c.to_numpy() for c in pq.read_table(path).columns], axis=1)


def _in_memory(tw, m, x, kw) -> float:
    t = time.perf_counter()
    results = [tw.integrated_hessians(m, x[a : a + CHUNK], **kw).values for a in range(0, x.shape[0], CHUNK)]
    assert sum(r.shape[0] for r in results) == x.shape[0]
    return time.perf_counter() - t


def run(setup: str, n: int, data: Path, work: Path, *, anchor=False, ray=False, threads=0) -> dict:
    store = work / f"store-{setup.replace(' ', '_').replace('=', '')}-{n}-{'ray' if ray else threads}"
    shutil.rmtree(store, ignore_errors=True)
    cmd = [sys.executable, __file__, "--child", "--setup", setup, "--n", str(n), "--data", str(data),
           "--store", str(store), "--threads", str(threads)] + (["--anchor"] if anchor else []) + (["--ray"] if ray else [])
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if res.returncode:
        raise RuntimeError(f"child failed ({' '.join(cmd)}):\n{res.stderr[-3000:]}")
    shutil.rmtree(store, ignore_errors=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true", help="N = 1k and 4k only")
    p.add_argument("--only", choices=("scaling", "overhead", "ray", "projection"), action="append",
                   help="run only these parts (repeatable; default: all)")
    p.add_argument("--repeats", type=int, default=1, help="overhead runs per setup (default 1)")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    for name in ("--setup", "--data", "--store"):
        p.add_argument(name, help=argparse.SUPPRESS)
    p.add_argument("--n", type=int, help=argparse.SUPPRESS)
    p.add_argument("--threads", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--anchor", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--ray", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        child(args)
        return
    parts = args.only or ["scaling", "overhead", "ray", "projection"]
    sizes = [1000, 4000] if args.quick else [1000, 10_000, 100_000]
    print(f"# {datetime.date.today()}  {' '.join([Path(sys.executable).name, *sys.argv])}  "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)", flush=True)
    with tempfile.TemporaryDirectory(prefix="tw-scale-bench-") as tmp:
        work = Path(tmp)
        if "scaling" in parts:
            scaling(sizes, work)
        if "overhead" in parts:
            overhead(sizes[-2], args.repeats, work)
        if "ray" in parts:
            ray_comparison(sizes[-2], work)
        if "projection" in parts:
            projection(work)  # the basis of the README's per-GPU estimate


def parquet(work: Path, n: int, d: int) -> Path:
    data = work / f"{d}-{n}.parquet"
    if not data.exists():
        write_parquet(data, n, d)
    return data


def scaling(sizes, work: Path) -> None:
    """Throughput and peak RSS per N, each run in a fresh process."""
    for setup, cfg in SETUPS.items():
        rss = {}
        for n in sizes:
            r = run(setup, n, parquet(work, n, cfg["d"]), work)
            rss[n] = r["peak_rss_mib"]
            print(_fmt({"setup": setup, "N": n, "ex/s": n / r["store_s"], "store s": r["store_s"],
                        "peak RSS MiB": r["peak_rss_mib"]}), flush=True)
        big, prev = sizes[-1], sizes[-2]
        print(f"{setup}: peak RSS at N={big} is {rss[big] / rss[prev]:.3f}× that at N={prev} (target ≤ 1.10)",
              flush=True)


def overhead(n: int, repeats: int, work: Path) -> None:
    """Store against in-memory calls, in processes of their own (held rows would inflate the RSS above)."""
    for setup, cfg in SETUPS.items():
        for _ in range(repeats):
            a = run(setup, n, parquet(work, n, cfg["d"]), work, anchor=True)
            print(_fmt({"setup": setup, "N": n, **_overhead(a)}), flush=True)


def ray_comparison(n: int, work: Path) -> None:
    data = parquet(work, n, 20)
    local2 = run("d=20 full", n, data, work)
    local1 = run("d=20 full", n, data, work, threads=1)
    ray2 = run("d=20 full", n, data, work, ray=True)
    tp = {k: n / v["store_s"] for k, v in (("local", local2), ("local1", local1), ("ray", ray2))}
    print(f"d=20 full, N={n}: local (2 threads) {tp['local']:.0f} ex/s, local (1 thread) {tp['local1']:.0f} "
          f"ex/s, Ray 2 actors {tp['ray']:.0f} ex/s: ratio Ray/local {tp['ray'] / tp['local']:.2f}, "
          f"efficiency Ray/(2 × 1-thread) {tp['ray'] / (2 * tp['local1']):.2f}", flush=True)


def projection(work: Path) -> None:
    """The basis of the per-GPU estimate: FLOPs per example (counted by torch) and the store
    writer's examples/s on one core here (compress and write one 1024-example chunk, 10 times)."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    import taylor_widgets as tw
    from taylor_widgets.scale.store import Store

    torch.manual_seed(0)
    for setup, cfg in SETUPS.items():
        m, kw = model(cfg["d"]), ({} if cfg["rows"] is None else {"rows": cfg["rows"]})
        x = torch.randn(CHUNK, cfg["d"])
        with FlopCounterMode(display=False) as fc:
            tw.integrated_hessians(m, x[:64], **kw)
        flops = fc.get_total_flops() / 64
        store = work / f"writer-{cfg['d']}"
        ex = tw.explain_dataset(m, x, "integrated_hessians", store, batch_size=CHUNK, progress=False, **kw)
        arrays = {name: ex.array(name)[:] for name in ex.arrays}
        st = Store(store, "r+")
        t = time.perf_counter()
        for _ in range(10):
            st.write_chunk(0, arrays)
        writer = 10 * CHUNK / (time.perf_counter() - t)
        per_example = sum(a.nbytes for a in arrays.values()) / CHUNK
        print(f"{setup}: {flops / 1e6:.2f} MFLOP per example (default rule); {per_example / 1024:.2f} KiB of arrays "
              f"per example; store writer {writer:.0f} ex/s on one core; at an assumed 5 TFLOP/s sustained on one "
              f"GPU (FP32, about 8 % of an H100/H200's peak) compute alone would allow {5e12 / flops:.0f} ex/s",
              flush=True)


def _overhead(a: dict) -> dict:
    mem = float(np.mean(a["memory_s"]))
    return {"overhead run: store s": a["store_s"], "in-memory s": mem, "overhead": a["store_s"] / mem - 1,
            "core s in the store run": a["core_s"], "in-run overhead": a["store_s"] / a["core_s"] - 1}


def _fmt(line: dict) -> str:
    parts = []
    for k, v in line.items():
        if k in ("overhead", "in-run overhead"):
            parts.append(f"{k} {100 * v:+.1f}%")
        elif isinstance(v, float):
            parts.append(f"{k} {v:.1f}")
        else:
            parts.append(f"{k} {v}")
    return ", ".join(parts)


if __name__ == "__main__":
    main()
    if "--child" not in sys.argv:
        print(f"# load average at the end: {os.getloadavg()[0]:.1f}")
