"""The on-disk store of explain_dataset: one directory holding a Zarr v3 group.

Layout (N examples cut into chunks of `chunk` rows; chunk k holds rows [k·chunk, (k+1)·chunk)):

    zarr.json                    group attributes under "taylor_widgets": method, settings, package
                                 version, model fingerprint, feature names, seed, shapes
    inputs, values, outputs, …   per-example arrays (N, ...), one compressed Zarr chunk per chunk
    aggregates/sum_abs, sum, sum_sq   (n_chunks, *value shape) float64: chunk k's partial sums
    aggregates/count             (n_chunks,) int64: chunk k's rows; written LAST, so nonzero = done

A chunk is written array by array, then its partial sums, then its count. Zarr writes every
chunk file through a temporary file and a rename, so the count marker is atomic: a run killed at
any moment leaves no chunk marked done whose data is incomplete. Global sums are the partial
sums of the done chunks added in chunk order, so they do not depend on which worker finished
first. A new store is built in a hidden sibling directory and renamed into place, so the path
holds either nothing or a complete, empty store.
"""
from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path

import numpy as np

ATTR = "taylor_widgets"
FORMAT = 1
#: The attributes that must match for a run to continue a store.
IDENTITY = ("method", "settings", "model_fingerprint", "seed", "n_examples", "chunk", "feature_shape")
PARTIALS = ("sum_abs", "sum", "sum_sq")


class StoreError(ValueError):
    """A store that cannot be written, or that holds other explanations than the ones asked for."""


def zarr_module():
    try:
        import zarr
    except ImportError as e:  # the optional extra
        raise ImportError("explain_dataset and open_explanations need zarr: pip install 'taylor-widgets[scale]'") from e
    return zarr


def check_writable(path) -> Path:
    """Refuse, before any compute, a store path that cannot be created and written."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"store: expected a directory path, got {type(path).__name__}")
    p = Path(path).expanduser().absolute()
    if p.exists() and not p.is_dir():
        raise StoreError(f"store: {str(p)!r} is a file; pass a directory path")
    probe_dir = p
    while not probe_dir.exists():
        probe_dir = probe_dir.parent
    probe = probe_dir / f".tw-write-probe-{uuid.uuid4().hex}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        raise StoreError(f"store: cannot write to {str(p)!r} ({e.strerror or e})") from e
    return p


def read_meta(path: Path) -> dict | None:
    """The store's attributes, or None when `path` is not a taylor_widgets store."""
    try:
        meta = json.loads((path / "zarr.json").read_text())
    except (OSError, ValueError):
        return None
    return meta.get("attributes", {}).get(ATTR)


class Store:
    """An open store: write chunks (engines) and read arrays and aggregates (the reader)."""

    def __init__(self, path: Path, mode: str = "r"):
        zarr = zarr_module()
        self.path = Path(path)
        self.meta = read_meta(self.path)
        if self.meta is None:
            raise StoreError(f"store: {str(self.path)!r} is not a taylor_widgets store (no explain_dataset output there)")
        if self.meta.get("format") != FORMAT:
            raise StoreError(f"store: format {self.meta.get('format')} is not the format {FORMAT} this version reads")
        self.group = zarr.open_group(str(self.path), mode=mode, zarr_format=3)
        self.n, self.chunk = int(self.meta["n_examples"]), int(self.meta["chunk"])
        self.n_chunks = -(-self.n // self.chunk)

    @classmethod
    def create(cls, path: Path, meta: dict, specs: dict[str, tuple[tuple[int, ...], str]]) -> "Store":
        """A new empty store at `path` (absent or an empty directory) with arrays named in `specs`."""
        zarr = zarr_module()
        n, chunk = int(meta["n_examples"]), int(meta["chunk"])
        n_chunks = -(-n // chunk)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.parent / f".{path.name}.creating-{uuid.uuid4().hex[:8]}"
        g = zarr.open_group(str(tmp), mode="w", zarr_format=3)
        for name, (tail, dtype) in sorted(specs.items()):
            g.create_array(name, shape=(n, *tail), chunks=(chunk, *tail), dtype=dtype, fill_value=0)
        agg = g.create_group("aggregates")
        vshape = tuple(specs["values"][0])
        for name in PARTIALS:
            agg.create_array(name, shape=(n_chunks, *vshape), chunks=(1, *vshape), dtype="float64", fill_value=0)
        agg.create_array("count", shape=(n_chunks,), chunks=(1,), dtype="int64", fill_value=0)
        g.attrs[ATTR] = meta  # last: a group without it is an interrupted creation
        if path.exists():
            path.rmdir()  # empty by the caller's check
        os.replace(tmp, path)
        return cls(path, "r+")

    def rows(self, k: int) -> tuple[int, int]:
        return k * self.chunk, min(self.n, (k + 1) * self.chunk)

    def done(self) -> np.ndarray:
        """(n_chunks,) bool: which chunks are complete."""
        return self.group["aggregates/count"][:] > 0

    def example_done(self) -> np.ndarray:
        """(N,) bool: which examples belong to a complete chunk."""
        return np.repeat(self.done(), self.chunk)[: self.n]

    def write_chunk(self, k: int, arrays: dict[str, np.ndarray]) -> None:
        """Write chunk k's per-example arrays, then its partial sums, then mark it done."""
        a, b = self.rows(k)
        for name in sorted(arrays):
            if arrays[name].shape[0] != b - a:
                raise ValueError(f"chunk {k}: {name} has {arrays[name].shape[0]} rows, expected {b - a}")
            self.group[name][a:b] = arrays[name]
        v = arrays["values"].astype(np.float64)
        agg = self.group["aggregates"]
        agg["sum_abs"][k] = np.abs(v).sum(0)
        agg["sum"][k] = v.sum(0)
        agg["sum_sq"][k] = np.square(v).sum(0)
        agg["count"][k] = b - a

    def totals(self) -> tuple[int, dict[str, np.ndarray]]:
        """(examples done, {sum_abs, sum, sum_sq}) over the done chunks, added in chunk order."""
        done = self.done()
        agg = self.group["aggregates"]
        out = {}
        for name in PARTIALS:
            arr = agg[name]
            acc = np.zeros(arr.shape[1:], dtype=np.float64)
            step = max(1, (64 << 20) // max(1, 8 * int(np.prod(arr.shape[1:]))))  # read ≤ 64 MiB at a time
            for s in range(0, self.n_chunks, step):
                block = arr[s : s + step]
                for i in np.flatnonzero(done[s : s + step]):
                    acc += block[i]
            out[name] = acc
        count = int(agg["count"][:][done].sum())
        return count, out

    def remove_partial_files(self) -> None:
        """Delete temporary files a killed writer left behind (never referenced by Zarr)."""
        for f in self.path.rglob("*.partial"):
            f.unlink(missing_ok=True)


def open_for_run(path: Path, meta: dict, specs: dict, resume: bool, overwrite: bool) -> Store:
    """Create, continue or replace the store at `path`, refusing whatever would lose work."""
    for stale in path.parent.glob(f".{path.name}.creating-*") if path.parent.exists() else ():
        shutil.rmtree(stale, ignore_errors=True)  # an interrupted creation: never referenced
    if not path.exists() or not any(path.iterdir()):
        return Store.create(path, meta, specs)
    old = read_meta(path)
    if old is None:
        raise StoreError(f"store: {str(path)!r} is a non-empty directory that is not a taylor_widgets store; "
                         "refusing to write into it or delete it; choose a new path")
    if overwrite:
        shutil.rmtree(path)
        return Store.create(path, meta, specs)
    store = Store(path, "r+")
    n_done = int(store.done().sum())
    if not resume:
        raise StoreError(f"store: {str(path)!r} already holds {old.get('method')} explanations ({n_done} of "
                         f"{store.n_chunks} chunks done); pass resume=True to continue it or overwrite=True to replace it")
    diff = [k for k in IDENTITY if old.get(k) != meta.get(k)]
    if diff:
        lines = "; ".join(f"{k}: stored {_short(old.get(k))}, asked {_short(meta.get(k))}" for k in diff)
        raise StoreError(f"store: {str(path)!r} was written by another run ({lines}); pass overwrite=True to "
                         "replace it, or choose another path")
    store.remove_partial_files()
    return store


def _short(v) -> str:
    s = json.dumps(v, sort_keys=True)
    return s if len(s) <= 200 else s[:197] + "..."
