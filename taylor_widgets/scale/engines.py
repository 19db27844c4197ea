"""The two engines that run a Job: in this process, or on Ray Data with an actor pool.

Both compute the same chunks with the same code (Job.compute) and write them into the same
store; only who computes which chunk differs. Ray is imported only by the Ray engine.
"""
from __future__ import annotations

import contextlib

import numpy as np

from .job import ChunkError, Job, find_cause
from .sources import RaySource
from .store import Store

_INDEX, _CHUNK = "__tw_index", "__tw_chunk"


def run_local(job: Job, model, store: Store, todo: list[int], bar) -> None:
    """Chunks in order, one at a time: peak memory is one chunk, whatever the data's length."""
    with _ray_order(job.source):
        for k, rows in job.source.chunks(job.chunk, todo):
            store.write_chunk(k, job.compute(model, k, rows))
            bar.update(rows.shape[0])


def run_ray(job: Job, todo: list[int], bar, workers: int | None) -> None:
    """The unfinished chunks through Ray Data `map_batches` (or `map_groups`) on an actor pool.

    Each actor builds the model once (from the pickled model or `model_factory`), takes one GPU
    when the cluster has GPUs, reads its own chunks and writes them into the shared store.
    """
    ray = _ray()
    if not ray.is_initialized():
        ray.init(include_dashboard=False, log_to_driver=False)
    res = ray.cluster_resources()
    gpus = int(res.get("GPU", 0))
    per_actor = {"num_gpus": 1} if gpus else {"num_cpus": 1}
    n = workers or (gpus or max(1, int(res.get("CPU", 1))))
    n = max(1, min(n, len(todo)))
    ctx = ray.data.DataContext.get_current()
    saved = ctx.enable_progress_bars
    ctx.enable_progress_bars = False
    try:
        with _ray_order(job.source):
            out = _pipeline(ray, job, todo, n, per_actor)
            for row in out.iter_rows():
                bar.update(int(row["examples"]))
    except Exception as e:
        cause = find_cause(e, (ChunkError, ValueError))
        if cause is not None and cause is not e:
            raise cause.with_traceback(None) from e
        raise
    finally:
        ctx.enable_progress_bars = saved


def _pipeline(ray, job: Job, todo, n, per_actor):
    if isinstance(job.source, RaySource):
        want = np.zeros(-(-job.source.n // job.chunk), dtype=bool)
        want[todo] = True
        chunk = job.chunk
        ds = job.source.ds.zip(ray.data.range(job.source.n).rename_columns({"id": _INDEX}))
        ds = ds.map_batches(lambda b: _tag_chunks(b, chunk, want), batch_format="numpy")
        return ds.groupby(_CHUNK).map_groups(
            _GroupWorker, fn_constructor_kwargs={"job": job}, concurrency=n, batch_format="numpy", **per_actor)
    if not job.source.random_access:
        raise ValueError("data: a DataLoader or IterableDataset is read in order by one process; with engine='ray' "
                         "pass arrays, Parquet, a map-style Dataset or a ray.data.Dataset")
    items = ray.data.from_items([{"chunk": int(k)} for k in todo])
    return items.map_batches(_ChunkWorker, fn_constructor_kwargs={"job": job}, batch_size=1, concurrency=n,
                             batch_format="numpy", **per_actor)


def _tag_chunks(batch: dict, chunk: int, want: np.ndarray) -> dict:
    k = batch[_INDEX] // chunk
    keep = want[k]
    return {**{c: v[keep] for c, v in batch.items()}, _CHUNK: k[keep]}


class _Actor:
    """Builds the model once per actor, on the actor's GPU when it has one."""

    def __init__(self, job: Job):
        import torch

        self.job = job
        self.model = job.build_model("cuda" if torch.cuda.is_available() else None)
        self.store = Store(job.store_path, "r+")

    def _write(self, k: int, rows: np.ndarray) -> dict:
        self.store.write_chunk(k, self.job.compute(self.model, k, rows))
        return {"chunk": np.array([k]), "examples": np.array([rows.shape[0]])}


class _ChunkWorker(_Actor):
    """map_batches over chunk indices: the actor reads its chunk from the source itself."""

    def __call__(self, batch: dict) -> dict:
        k = int(batch["chunk"][0])
        return self._write(k, self.job.source.read(*self.job.rows(k)))


class _GroupWorker(_Actor):
    """map_groups over a ray.data.Dataset grouped by chunk: rows arrive in any order."""

    def __call__(self, batch: dict) -> dict:
        order = np.argsort(batch[_INDEX], kind="stable")
        rows = self.job.source.to_array({c: v[order] for c, v in batch.items()})
        return self._write(int(batch[_CHUNK][0]), rows)


@contextlib.contextmanager
def _ray_order(source):
    """Keep a ray.data.Dataset's rows in order while it is read (its order numbers the examples)."""
    if not isinstance(source, RaySource):
        yield
        return
    ctx = _ray().data.DataContext.get_current()
    saved = ctx.execution_options.preserve_order
    ctx.execution_options.preserve_order = True
    try:
        yield
    finally:
        ctx.execution_options.preserve_order = saved


def _ray():
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as e:
        raise ImportError("engine='ray' needs Ray Data: pip install 'taylor-widgets[scale]'") from e
    return ray
