"""Data sources for explain_dataset: every kind of `data` read as numbered chunks of rows.

A source knows its number of rows and the feature shape of one row, and hands out chunk k (rows
[k·size, (k+1)·size)) as a float numpy array. Sources with random access (arrays, Parquet, a
map-style torch Dataset) read only the chunks asked for, so a resumed run or a Ray actor skips
finished work without reading it; a DataLoader or an IterableDataset is streamed in order.
Every source is picklable, so Ray actors can read their own chunks. Parquet and Ray datasets
live in tables.py.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator, Sequence

import numpy as np
import torch


class Source:
    """Rows of `data` in order: n rows of `feature_shape`, optionally with column names."""

    n: int
    feature_shape: tuple[int, ...]
    columns: list[str] | None = None
    random_access = True

    def read(self, a: int, b: int) -> np.ndarray:
        """Rows [a, b) as an (b − a, *feature_shape) array."""
        raise NotImplementedError

    def chunks(self, size: int, todo: Sequence[int]) -> Iterator[tuple[int, np.ndarray]]:
        """(k, rows of chunk k) for each chunk index in `todo` (ascending)."""
        for k in todo:
            yield k, self.read(k * size, min(self.n, (k + 1) * size))


class ArraySource(Source):
    """An in-memory tensor, numpy array or pandas DataFrame."""

    def __init__(self, array: np.ndarray, columns=None):
        self.array, self.columns = array, columns
        self.n, self.feature_shape = array.shape[0], tuple(array.shape[1:])

    def read(self, a, b):
        return self.array[a:b]


class TorchSource(Source):
    """A map-style torch Dataset (random access by index) yielding x or (x, y)."""

    def __init__(self, dataset: torch.utils.data.Dataset):
        self.dataset = dataset
        self.n = len(dataset)
        self.feature_shape = tuple(self.read(0, 1).shape[1:]) if self.n else ()

    def read(self, a, b):
        return np.stack([_features(self.dataset[i], "data") for i in range(a, b)])


class LoaderSource(Source):
    """A DataLoader or an IterableDataset, streamed in order and re-cut into chunks.

    Without a length it is read once to count its rows. A shuffling DataLoader is refused: its
    order, hence the chunks, would change between runs.
    """

    random_access = False

    def __init__(self, loader):
        self.loader = loader
        sampler = getattr(loader, "sampler", None)
        if isinstance(sampler, torch.utils.data.RandomSampler):
            raise ValueError(
                "data: this DataLoader shuffles (shuffle=True), so its rows come in a new order on every run "
                "and a resumed store would mix them up; pass a DataLoader with shuffle=False or the Dataset")
        self.n, self.feature_shape = 0, ()
        for batch in self._batches():
            if not self.n:
                self.feature_shape = tuple(batch.shape[1:])
            self.n += batch.shape[0]

    def _batches(self) -> Iterator[np.ndarray]:
        batched = isinstance(self.loader, torch.utils.data.DataLoader) and self.loader.batch_size is not None
        for item in self.loader:
            x = _features(item, "data")
            yield x if batched else x[None]

    def read(self, a, b):
        got, have = [], 0
        for batch in self._batches():
            got.append(batch)
            have += batch.shape[0]
            if have >= b:
                break
        return np.concatenate(got)[a:b]

    def chunks(self, size, todo):
        want, buf, have, k = set(todo), [], 0, 0
        for batch in self._batches():
            buf.append(batch)
            have += batch.shape[0]
            while have >= size:
                rows = np.concatenate(buf)
                if k in want:
                    yield k, rows[:size]
                buf, have, k = [rows[size:]], have - size, k + 1
        if have and k in want:
            yield k, np.concatenate(buf)


def as_source(data, columns=None) -> Source:
    """Wrap any supported `data` (see explain_dataset) as a Source."""
    if columns is not None:
        if isinstance(columns, str) or not all(isinstance(c, str) for c in columns):
            raise TypeError(f"columns: expected a list of column names, got {columns!r}")
        columns = list(columns)
    from .tables import ParquetSource, RaySource, dataframe_columns  # pyarrow only when needed

    if isinstance(data, (str, Path)):
        path = Path(data)
        if not path.exists():
            raise ValueError(f"data: no such file or directory: {str(path)!r}")
        if path.is_file() and path.suffix != ".parquet":
            raise ValueError(f"data: {str(path)!r} is not a .parquet file; pass a Parquet file, a directory of them, "
                             "or load the data into an array first")
        return ParquetSource(path, columns)
    if _is_dataframe(data):
        cols = dataframe_columns(data, columns)
        values = data[cols].to_numpy()
        return ArraySource(values if values.dtype.kind == "f" else values.astype(np.float64), cols)
    if columns is not None and not _is_ray_dataset(data):
        raise ValueError("columns: only used with a DataFrame, Parquet data or a ray.data.Dataset")
    if isinstance(data, torch.Tensor):
        return ArraySource(_features(data, "data"))
    if isinstance(data, np.ndarray):
        return ArraySource(_features(data, "data"))
    if _is_ray_dataset(data):
        return RaySource(data, columns)
    if isinstance(data, torch.utils.data.DataLoader) or isinstance(data, torch.utils.data.IterableDataset):
        return LoaderSource(data)
    if isinstance(data, torch.utils.data.Dataset) and hasattr(data, "__len__"):
        return TorchSource(data)
    raise TypeError(
        f"data: expected a tensor, numpy array, pandas DataFrame, Parquet path, torch Dataset or DataLoader, or "
        f"a ray.data.Dataset, got {type(data).__name__}")


def check_rows(rows: np.ndarray, feature_shape, first: int) -> None:
    """Refuse a chunk whose rows have the wrong shape or hold NaN/Inf, naming the rows."""
    last = first + rows.shape[0] - 1
    if tuple(rows.shape[1:]) != tuple(feature_shape):
        raise ValueError(f"data: rows {first}..{last} have shape {tuple(rows.shape[1:])} per row, but the "
                         f"first rows have {tuple(feature_shape)}")
    bad = ~np.isfinite(rows)
    if bad.any():
        where = first + int(np.argwhere(bad.reshape(rows.shape[0], -1).any(1))[0, 0])
        raise ValueError(f"data: rows {first}..{last} contain {int(bad.sum())} NaN or Inf value(s), first at row "
                         f"{where}; explanations of non-finite inputs are meaningless")


def to_tensor(rows: np.ndarray, dtype, name: str = "data") -> torch.Tensor:
    """Rows as a tensor of the model's dtype (a copy when they are read-only, e.g. memory-mapped)."""
    t = torch.from_numpy(np.require(rows, requirements=["C", "W"]))
    if not t.is_floating_point():
        raise TypeError(f"{name}: expected floating-point values, got dtype {t.dtype}")
    return t.to(dtype) if dtype is not None else t


def _features(item, name: str) -> np.ndarray:
    """The x of an item that is x or (x, y), as a float numpy array."""
    if isinstance(item, (tuple, list)) and item:
        item = item[0]
    if isinstance(item, torch.Tensor):
        item = item.detach().cpu().numpy()
    arr = np.asarray(item)
    if arr.dtype.kind not in "fiub":
        raise TypeError(f"{name}: expected numeric rows, got dtype {arr.dtype}")
    if arr.dtype.kind != "f":
        raise TypeError(f"{name}: expected floating-point rows, got dtype {arr.dtype}; integer inputs look like "
                        "token ids, and derivatives need embeddings")
    return arr


def _is_dataframe(data) -> bool:
    return type(data).__name__ == "DataFrame" and hasattr(data, "columns") and hasattr(data, "to_numpy")


def _is_ray_dataset(data) -> bool:
    return type(data).__module__.startswith("ray.data") and type(data).__name__ in ("Dataset", "MaterializedDataset")
