"""The two engines that run a Job: in this process, or on Ray Data with an actor pool.

Both compute the same chunks with the same code (Job.compute) and write them into the same
store; only who computes which chunk differs. Ray is imported only by the Ray engine.
"""
from __future__ import annotations

import numpy as np

from .job import ChunkError, Job
from .tables import RaySource, in_order
from .store import Store

_INDEX = "__tw_index"


def run_local(job: Job, model, store: Store, todo: list[int], bar) -> None:
    """Chunks in order, one at a time: peak memory is one chunk, whatever the data's length."""
    for k, rows in job.source.chunks(job.chunk, todo):
        store.write_chunk(k, job.compute(model, k, rows))
        bar.update(rows.shape[0])


def run_ray(job: Job, todo: list[int], bar, workers: int | None) -> None:
    """The unfinished chunks through Ray Data `map_batches` on an actor pool.

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
        with in_order(job.source):
            out = _pipeline(ray, job, todo, n, per_actor)
            for row in out.iter_rows():
                if row["error"]:
                    _raise(row)
                bar.update(int(row["examples"]))
    finally:
        ctx.enable_progress_bars = saved


def check_ray_source(source) -> None:
    """Refuse, before any work, data that Ray actors cannot read chunk by chunk."""
    if not (source.random_access or isinstance(source, RaySource)):
        raise ValueError("data: a DataLoader or IterableDataset is read in order by one process; with engine='ray' "
                         "pass arrays, Parquet, a map-style Dataset or a ray.data.Dataset")


def _pipeline(ray, job: Job, todo, n, per_actor):
    if isinstance(job.source, RaySource):
        # Number the rows, then cut them into blocks of exactly one chunk (in order), so each
        # batch an actor receives is one whole chunk and no two actors ever share a chunk. This
        # is materialized first (Ray spills to disk past memory): reading while the actors hold
        # every CPU would leave the read tasks waiting forever for a CPU.
        want = np.zeros(-(-job.source.n // job.chunk), dtype=bool)
        want[todo] = True
        ds = job.source.ds.zip(ray.data.range(job.source.n).rename_columns({"id": _INDEX}))
        ds = ds.repartition(target_num_rows_per_block=job.chunk, strict=True).materialize()
        return ds.map_batches(_BlockWorker, fn_constructor_kwargs={"job": job, "want": want}, batch_size=job.chunk,
                              concurrency=n, batch_format="numpy", **per_actor)
    items = ray.data.from_items([{"chunk": int(k)} for k in todo])
    return items.map_batches(_ChunkWorker, fn_constructor_kwargs={"job": job}, batch_size=1, concurrency=n,
                             batch_format="numpy", **per_actor)


def _raise(row: dict):
    """Re-raise, in the driver, the error an actor reported for one chunk (Ray would wrap it as text)."""
    remote = RuntimeError(f"on the Ray actor:\n{row['trace']}")
    if row["error"] == "data":
        raise ValueError(row["message"]) from remote
    a, b = (int(v) for v in row["rows"])
    raise ChunkError(row["message"], int(row["chunk"]), (a, b)) from remote


class _Actor:
    """Builds the model once per actor, on the actor's GPU when it has one."""

    def __init__(self, job: Job):
        import torch

        self.job = job
        self.model = job.build_model("cuda" if torch.cuda.is_available() else None)
        self.store = Store(job.store_path, "r+")

    def _write(self, k: int, rows: np.ndarray) -> dict:
        """Explain and store chunk k; a failure comes back as a row that the driver raises."""
        try:
            self.store.write_chunk(k, self.job.compute(self.model, k, rows))
        except ChunkError as e:
            return _row(k, 0, "chunk", str(e), e.rows)
        except ValueError as e:  # bad data in this chunk (check_rows)
            return _row(k, 0, "data", str(e), self.job.rows(k))
        return _row(k, rows.shape[0])


class _ChunkWorker(_Actor):
    """map_batches over chunk indices: the actor reads its chunk from the source itself."""

    def __call__(self, batch: dict) -> dict:
        k = int(batch["chunk"][0])
        return self._write(k, self.job.source.read(*self.job.rows(k)))


class _BlockWorker(_Actor):
    """map_batches over a numbered ray.data.Dataset cut into one-chunk blocks."""

    def __init__(self, job: Job, want: np.ndarray):
        super().__init__(job)
        self.want = want

    def __call__(self, batch: dict) -> dict:
        index = batch[_INDEX]
        k = int(index[0]) // self.job.chunk
        a, b = self.job.rows(k)
        if not np.array_equal(index, np.arange(a, b)):  # never seen; refuse rather than mix chunks
            raise RuntimeError(f"Ray Data delivered rows {int(index[0])}..{int(index[-1])}, not exactly chunk {k} "
                               f"(rows {a}..{b - 1})")
        if not self.want[k]:
            return _row(k, 0)
        return self._write(k, self.job.source.to_array(batch))


def _row(k: int, examples: int, error: str = "", message: str = "", rows=(0, 0)) -> dict:
    """One output row of an actor: the chunk, its examples, and an error ("", "chunk" or "data")."""
    import traceback

    trace = traceback.format_exc() if error else ""
    return {"chunk": np.array([k]), "examples": np.array([examples]), "error": np.array([error]),
            "message": np.array([message]), "trace": np.array([trace]), "rows": np.array([rows])}


def _ray():
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as e:
        raise ImportError("engine='ray' needs Ray Data: pip install 'taylor-widgets[scale]'") from e
    return ray
