"""explain_dataset: explain every row of a dataset into a resumable store, locally or on Ray."""
from __future__ import annotations

import numbers
from pathlib import Path

import numpy as np
import torch

from ..core.models import check_model, device_dtype
from . import methods
from .engines import check_ray_source, run_local, run_ray
from .fingerprint import canonical, model_fingerprint
from .job import Job, progress_bar
from .reader import Explanations
from .sources import as_source, check_rows, to_tensor
from .store import FORMAT, Store, StoreError, check_writable, open_for_run, read_meta

#: A chunk's arrays stay near this many bytes by default (and at most MAX_CHUNK examples).
CHUNK_BYTES = 64 << 20
MAX_CHUNK = 1024


def explain_dataset(
    model, data, method, store, *, engine="local", batch_size=None, resume=True, overwrite=False, seed=0,
    progress=True, model_factory=None, workers=None, columns=None, **method_kwargs,
) -> Explanations:
    """Explain every row of `data` with `method` into the Zarr store directory `store`.

    model: a torch model (or callable); None with `model_factory` (a picklable zero-argument
        callable that builds it, called once per Ray actor). data: a tensor, numpy array or
        DataFrame (N, *S); a Parquet file or directory of them (numeric columns, or `columns=`);
        a torch Dataset or DataLoader yielding x or (x, y) (no shuffling); with engine="ray"
        also a ray.data.Dataset. method: "integrated_gradients", "expected_gradients",
        "integrated_hessians" (full or rows=), "expected_hessians", "cross_derivatives" (local
        order 2), "grad_cam" or "taylor_cam"; **method_kwargs go to it (baseline=, target=,
        rows=, steps=, layer=, ...; the expected methods take background= (M, *S)).
    engine: "local" (this process) or "ray" (Ray Data actors; `workers` of them, default one
        per GPU, else one per CPU). batch_size: examples per chunk, the unit of work, storage
        and resumption (default: the store's, else up to 1024 within ~64 MiB of arrays).
    resume: continue a compatible store, recomputing only unfinished chunks. overwrite: replace
        a store written by another method, settings, model or data. seed: the expected methods'
        draws, seeded per example from (seed, example index). progress: a tqdm bar (examples/s
        and time left); pass False for quiet runs and deterministic notebook outputs.
    Returns the store opened with open_explanations. Errors: ValueError/TypeError naming the
    argument, StoreError (a ValueError) for a store that cannot be used, ChunkError when the
    model fails on a chunk (finished chunks are kept).
    Method papers: Janizek, Sturmfels, Lee, JMLR 2021 (IG/EG/IH/EH); Lerman et al., ICCV 2021
    (cross derivatives, Taylor-CAM); Selvaraju et al., ICCV 2017 (Grad-CAM).
    """
    m = methods.get(method)
    kwargs = methods.check_keywords(m, method_kwargs)
    _check_options(engine, batch_size, resume, overwrite, seed, progress, workers)
    model = _check_model(model, model_factory)
    path = check_writable(store)
    src = as_source(data, columns)
    if src.n == 0:
        raise ValueError("data: is empty; expected at least one row")
    if engine == "ray":
        check_ray_source(src)
    built = model if model is not None else model_factory()
    check_model(built)
    _, dtype = device_dtype(built)
    kwargs = _tensor_kwargs(kwargs, dtype)
    first = src.read(0, 1)
    check_rows(first, src.feature_shape, 0)
    lay = _probe(m, built, kwargs, to_tensor(first, dtype))
    names = _feature_names(kwargs, src, lay)
    chunk = _chunk_size(batch_size, path, overwrite)
    job = Job(method, kwargs, seed, src, 1, src.feature_shape, lay, str(path), model, model_factory, dtype)
    arrays = job.compute(built, 0, first)  # one row, as a chunk of 1: the arrays' names, shapes and dtypes
    if chunk is None:
        per_row = sum(a.nbytes for a in arrays.values())
        chunk = min(MAX_CHUNK, max(1, CHUNK_BYTES // per_row), max(64, src.n // 16))
        chunk = 1 << (chunk.bit_length() - 1)
    job.chunk = chunk  # from here on, the run's chunks
    meta = {
        "format": FORMAT, "method": method, "settings": canonical({**kwargs, "columns": columns}, "method_kwargs"),
        "package_version": _package_version(), "model_fingerprint": model_fingerprint(built),
        "feature_names": names, "seed": seed if m.expected else None,  # only the expected methods draw
        "n_examples": src.n, "chunk": chunk,
        "feature_shape": list(src.feature_shape), "layout": lay,
    }
    specs = {name: (tuple(a.shape[1:]), a.dtype.str) for name, a in arrays.items()}
    st = open_for_run(path, meta, specs, resume, overwrite)
    done = st.done()
    if done[0]:
        _check_same_data(st, job)
    todo = [int(k) for k in np.flatnonzero(~done)]
    if todo:
        bar = progress_bar(progress, src.n, int(st.example_done().sum()), method)
        try:
            if engine == "local":
                run_local(job, built, st, todo, bar)
            else:
                run_ray(job, todo, bar, workers)
        finally:
            bar.close()
    return Explanations(path)


def _check_options(engine, batch_size, resume, overwrite, seed, progress, workers) -> None:
    if engine not in ("local", "ray"):
        raise ValueError(f"engine: expected 'local' or 'ray', got {engine!r}")
    for name, v in (("batch_size", batch_size), ("workers", workers)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 1):
            raise ValueError(f"{name}: expected a positive integer or None, got {v!r}")
    if workers is not None and engine != "ray":
        raise ValueError("workers: only used with engine='ray'")
    for name, v in (("resume", resume), ("overwrite", overwrite), ("progress", progress)):
        if not isinstance(v, bool):
            raise TypeError(f"{name}: expected True or False, got {v!r}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed < 2**63:
        raise ValueError(f"seed: expected a non-negative integer, got {seed!r}")


def _check_model(model, factory):
    if model is None and factory is None:
        raise TypeError("model: expected a torch model, or model=None with model_factory=<callable that builds it>")
    if model is not None and factory is not None:
        raise ValueError("model_factory: pass either a model or a model_factory, not both")
    if factory is not None and not callable(factory):
        raise TypeError(f"model_factory: expected a zero-argument callable, got {type(factory).__name__}")
    return model


def _tensor_kwargs(kwargs: dict, dtype) -> dict:
    """Arrays and DataFrames among the keywords (baseline, background) become tensors once."""
    out = dict(kwargs)
    for key in ("baseline", "background"):
        v = out.get(key)
        if v is not None and not isinstance(v, (torch.Tensor, numbers.Real)):
            src = as_source(v)
            out[key] = to_tensor(src.read(0, src.n), dtype, key)
    return out


def _probe(m, model, kwargs, x0: torch.Tensor) -> dict:
    """Run the method on the first row: bad keywords or data that does not fit fail here, before the store."""
    try:
        return methods.layout(m, model, kwargs, x0)
    except (ValueError, TypeError) as e:
        msg = str(e)
        if msg.startswith("x:"):  # core names its input x; here it is `data`
            raise type(e)(f"data: the first row does not fit (shape {tuple(x0.shape[1:])}):{msg[2:]}") from e
        raise
    except Exception as e:
        raise ValueError(f"model: failed on the first row of data (shape {tuple(x0.shape[1:])}): "
                         f"{type(e).__name__}: {e}") from e


def _feature_names(kwargs, src, lay) -> list[str] | None:
    names = kwargs.get("feature_names")
    if names is not None:
        return [str(n) for n in names]
    n = int(np.prod(lay["result_shape"]))
    return list(src.columns) if src.columns is not None and len(src.columns) == n else None


def _chunk_size(batch_size, path: Path, overwrite: bool) -> int | None:
    old = read_meta(path) if path.exists() else None
    if old is None or overwrite:
        return batch_size
    if batch_size is not None and batch_size != old.get("chunk"):
        raise ValueError(f"batch_size: the store {str(path)!r} was written in chunks of {old.get('chunk')} examples; "
                         f"pass batch_size={old.get('chunk')} (or None) to continue it, or overwrite=True")
    return old.get("chunk")


def _check_same_data(st: Store, job: Job) -> None:
    """A resumed store must be fed the data it was started with: compare chunk 0's inputs."""
    if "inputs" not in st.group:
        return
    a, b = st.rows(0)
    fresh = to_tensor(job.source.read(a, b), job.dtype).numpy()
    if not np.array_equal(st.group["inputs"][a:b], fresh):
        raise StoreError(f"store: {str(st.path)!r} was written from other data (the stored inputs of rows {a}..{b - 1} "
                         "differ from data's); pass overwrite=True to replace it, or choose another path")


def _package_version() -> str:
    from .. import __version__

    return __version__
