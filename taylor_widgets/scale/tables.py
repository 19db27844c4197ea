"""Tabular sources: Parquet files and ray.data.Datasets read as numeric feature columns.

Parquet is read a row group at a time with pyarrow (random access through the row groups'
offsets, so a Ray actor or a resumed run reads only its chunks); a ray.data.Dataset is read in
order, with Ray Data told to keep that order, since it numbers the examples.
"""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Sequence

import numpy as np

from .sources import Source


class ParquetSource(Source):
    """One Parquet file or a directory of them (sorted by name), read a row group at a time.

    Chunk k is assembled from the row groups that cover it; the last row group read is kept, so
    a sequential pass reads each row group once.
    """

    def __init__(self, path: Path, columns: Sequence[str] | None):
        import pyarrow.parquet as pq

        files = sorted(p for p in path.rglob("*.parquet") if p.is_file()) if path.is_dir() else [path]
        if not files:
            raise ValueError(f"data: the directory {str(path)!r} holds no .parquet files")
        self.files = [str(f) for f in files]
        schema = pq.read_schema(self.files[0])
        self.columns = _numeric_columns(schema, columns)
        self.groups = []  # (file index, row group, first row, rows)
        start = 0
        for i, f in enumerate(self.files):
            meta = pq.ParquetFile(f).metadata
            missing = [c for c in self.columns if c not in meta.schema.names]
            if missing:
                raise ValueError(f"data: {f!r} lacks the column(s) {missing} that {self.files[0]!r} has")
            for g in range(meta.num_row_groups):
                rows = meta.row_group(g).num_rows
                if rows:
                    self.groups.append((i, g, start, rows))
                    start += rows
        self.n, self.feature_shape = start, (len(self.columns),)
        self._starts = np.array([g[2] for g in self.groups] + [start])
        self._cache = (None, None)

    def __getstate__(self):
        return {**self.__dict__, "_cache": (None, None)}

    def read(self, a, b):
        first = int(np.searchsorted(self._starts, a, side="right")) - 1
        parts, at = [], a
        for gi in range(first, len(self.groups)):
            if at >= b:
                break
            _, _, start, rows = self.groups[gi]
            table = self._group(gi)
            parts.append(table[at - start : min(b, start + rows) - start])
            at = start + rows
        return np.concatenate(parts) if len(parts) > 1 else parts[0]

    def _group(self, gi: int) -> np.ndarray:
        if self._cache[0] != gi:
            import pyarrow.parquet as pq

            f, g, _, _ = self.groups[gi]
            table = pq.ParquetFile(self.files[f]).read_row_group(g, columns=self.columns)
            self._cache = (gi, _table_to_array(table, self.columns, self.files[f]))
        return self._cache[1]


class RaySource(Source):
    """A ray.data.Dataset with numeric feature columns, or one tensor column; read in order."""

    random_access = False

    def __init__(self, ds, columns):
        import pyarrow as pa

        self.ds = ds
        schema = ds.schema()
        names = list(schema.names)
        tensor_col = len(names) == 1 and not _is_numeric(_arrow_type(schema, names[0]), pa)
        self.columns = names if tensor_col else _numeric_columns(schema, columns)
        self.tensor_column = names[0] if tensor_col else None
        self.n = ds.count()
        self.feature_shape = tuple(self.read(0, 1).shape[1:]) if self.n else ()

    def to_array(self, batch: dict) -> np.ndarray:
        if self.tensor_column is not None:
            return np.asarray(batch[self.tensor_column])
        return np.stack([np.asarray(batch[c]) for c in self.columns], axis=1)

    def read(self, a, b):
        with in_order(self):
            parts = [self.to_array(batch) for batch in
                     self.ds.limit(b).iter_batches(batch_size=b, batch_format="numpy")]
        return np.concatenate(parts)[a:b]

    def chunks(self, size, todo):
        want = set(todo)
        with in_order(self):
            for k, batch in enumerate(self.ds.iter_batches(batch_size=size, batch_format="numpy")):
                if k in want:
                    yield k, self.to_array(batch)


@contextlib.contextmanager
def in_order(source):
    """Keep a ray.data.Dataset's rows in order while it is read (its order numbers the examples)."""
    if not isinstance(source, RaySource):
        yield
        return
    import ray.data

    ctx = ray.data.DataContext.get_current()
    saved = ctx.execution_options.preserve_order
    ctx.execution_options.preserve_order = True
    try:
        yield
    finally:
        ctx.execution_options.preserve_order = saved


def dataframe_columns(df, columns) -> list[str]:
    names = [str(c) for c in df.columns]
    if list(df.columns) != names:
        raise TypeError(f"data: the DataFrame's column labels must be strings (feature names), got {list(df.columns)}")
    missing = [c for c in (columns or []) if c not in names]
    if missing:
        raise ValueError(f"columns: {missing} not in the DataFrame's columns {names}")
    cols = names if columns is None else columns
    bad = [c for c in cols if df[c].dtype.kind not in "fiu"]
    if bad:
        what = "data: column(s)" if columns is None else "columns:"
        raise TypeError(f"{what} {bad} are not numeric; pass columns=[...] naming the numeric feature columns")
    return cols


def _arrow_type(schema, name):
    t = schema.field(name).type if hasattr(schema, "field") else schema.types[schema.names.index(name)]
    return t


def _is_numeric(t, pa) -> bool:
    return pa.types.is_floating(t) or pa.types.is_integer(t)


def _numeric_columns(schema, columns) -> list[str]:
    import pyarrow as pa

    names = list(schema.names)
    if columns is None:
        cols = [c for c in names if _is_numeric(_arrow_type(schema, c), pa)]
        if not cols:
            raise ValueError(f"data: no numeric columns among {names}")
        return cols
    missing = [c for c in columns if c not in names]
    if missing:
        raise ValueError(f"columns: {missing} not among the data's columns {names}")
    bad = [c for c in columns if not _is_numeric(_arrow_type(schema, c), pa)]
    if bad:
        raise TypeError(f"columns: {bad} are not numeric")
    return columns


def _table_to_array(table, columns, where) -> np.ndarray:
    cols = []
    for c in columns:
        col = table.column(c)
        if col.null_count:
            raise ValueError(f"data: column {c!r} of {where!r} has {col.null_count} missing value(s)")
        cols.append(col.to_numpy())
    dtype = np.result_type(*[c.dtype for c in cols], np.float32)
    return np.stack(cols, axis=1).astype(dtype, copy=False) if cols else np.zeros((table.num_rows, 0))
