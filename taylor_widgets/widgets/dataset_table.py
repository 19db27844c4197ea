"""The example table of DatasetExplorer: one row per computed example of a store, sorted,
filtered and paged in Python so that only one page of rows ever travels to the view.

Pure numpy over the store's compact per-example columns (prediction, completeness error, the
strongest pair and its value); a row on the wire is a short JSON list, see ROW_FIELDS.
"""
from __future__ import annotations

import math
from numbers import Real

import numpy as np

from .checks import TraitTypeError, TraitValueError, check_int

#: Sort keys: the example index, the prediction, |completeness error|, |value of the strongest pair|.
SORT_KEYS = ("example", "prediction", "abs_error", "abs_value")
#: A row as it travels: [example, prediction, completeness error (None when the method has none), i, j, value].
ROW_FIELDS = ("example", "prediction", "error", "i", "j", "value")
DEFAULT_FILTER = {"pair": [], "min_abs_error": None, "prediction": [None, None]}
MAX_PAGE_SIZE = 500


def check_filter(value, widget=None) -> dict:
    """{"pair": [] | [i] | [i, j], "min_abs_error": float | None, "prediction": [lo | None, hi | None]}.

    pair [i]: the example's strongest pair involves feature i; [i, j]: it is the pair {i, j}.
    """
    if not isinstance(value, dict) or not set(value) <= set(DEFAULT_FILTER):
        raise TraitTypeError(f"filter: expected a dict with keys among {', '.join(DEFAULT_FILTER)}, got {value!r}")
    d = None if widget is None else widget._dims["d"]
    pair = value.get("pair", [])
    if not isinstance(pair, (list, tuple)) or len(pair) > 2:
        raise TraitValueError(f"filter: 'pair' must be [], [i] or [i, j], got {pair!r}")
    pair = [check_int(k, "filter['pair']", 0, d) for k in pair]
    err = value.get("min_abs_error")
    if err is not None:
        err = _number(err, "filter['min_abs_error']")
        if err < 0:
            raise TraitValueError(f"filter: 'min_abs_error' must be ≥ 0, got {err}")
    rng = value.get("prediction", [None, None])
    if not isinstance(rng, (list, tuple)) or len(rng) != 2:
        raise TraitValueError(f"filter: 'prediction' must be [low, high] (None for open), got {rng!r}")
    rng = [None if v is None else _number(v, "filter['prediction']") for v in rng]
    return {"pair": pair, "min_abs_error": err, "prediction": rng}


def _number(v, name) -> float:
    if isinstance(v, bool) or not isinstance(v, Real) or not math.isfinite(v):
        raise TraitTypeError(f"{name}: expected a finite number or None, got {v!r}")
    return float(v)


class ExampleTable:
    """The computed examples of a store as columns, with one cached order per (sort, filter).

    example: (n,) int64 store indices; prediction, value: (n,) float64; error: (n,) float64 or
    None; pairs: (n, 2) int64, the strongest pair (j = −1 for maps). names: d feature names.
    """

    def __init__(self, example, prediction, error, pairs, value, names):
        self.example = np.asarray(example, dtype=np.int64)
        self.prediction = np.asarray(prediction, dtype=np.float64).reshape(-1)
        self.error = None if error is None else np.asarray(error, dtype=np.float64).reshape(-1)
        self.pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        self.value = np.asarray(value, dtype=np.float64).reshape(-1)
        self.names = list(names)
        self._cache: tuple | None = None

    @classmethod
    def from_store(cls, ex) -> "ExampleTable":
        """From an Explanations (open_explanations): its done examples, read column by column."""
        g, done = ex._st.group, ex.done
        err = g["completeness_error"][:][done] if "completeness_error" in ex.arrays else None
        return cls(np.flatnonzero(done), g["outputs"][:][done], err, g["strongest"][:][done],
                   g["strongest_value"][:][done], ex.feature_names)

    def __len__(self) -> int:
        return len(self.example)

    def order(self, sort_by: str, descending: bool, filt: dict) -> np.ndarray:
        """Positions (into the columns) of the rows that pass `filt`, sorted; ties keep example order."""
        key = (sort_by, bool(descending), repr(filt))
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        keep = self._mask(filt)
        pos = np.flatnonzero(keep)
        if sort_by != "example":
            col = {"prediction": self.prediction, "abs_error": None if self.error is None else np.abs(self.error),
                   "abs_value": np.abs(self.value)}[sort_by]
            if col is not None:
                vals = col[pos]
                # a stable sort on the negated column keeps ties in example order both ways
                pos = pos[np.argsort(-vals if descending else vals, kind="stable")]
        elif descending:
            pos = pos[::-1]
        self._cache = (key, pos)
        return pos

    def _mask(self, filt: dict) -> np.ndarray:
        keep = np.ones(len(self), dtype=bool)
        pair = filt.get("pair") or []
        if len(pair) == 1:
            keep &= (self.pairs == pair[0]).any(axis=1)
        elif len(pair) == 2:
            a, b = self.pairs[:, 0], self.pairs[:, 1]
            keep &= ((a == pair[0]) & (b == pair[1])) | ((a == pair[1]) & (b == pair[0]))
        if filt.get("min_abs_error") is not None and self.error is not None:
            keep &= np.abs(self.error) >= filt["min_abs_error"]
        lo, hi = filt.get("prediction") or (None, None)
        if lo is not None:
            keep &= self.prediction >= lo
        if hi is not None:
            keep &= self.prediction <= hi
        return keep

    def page(self, sort_by: str, descending: bool, filt: dict, page: int, size: int) -> tuple[int, int, list]:
        """(rows matching, the page actually returned (clamped), its rows in ROW_FIELDS order)."""
        pos = self.order(sort_by, descending, filt)
        total = len(pos)
        last = max(0, (total - 1) // size)
        page = min(max(0, page), last)
        return total, page, self.rows(pos[page * size:(page + 1) * size])

    def rows(self, pos) -> list[list]:
        """Rows at positions `pos`, as JSON-ready lists (Python floats, None for a missing error)."""
        out = []
        for p in np.asarray(pos, dtype=np.int64):
            err = None if self.error is None else float(self.error[p])
            out.append([int(self.example[p]), float(self.prediction[p]), err,
                        int(self.pairs[p, 0]), int(self.pairs[p, 1]), float(self.value[p])])
        return out

    def frame(self, pos):
        """The rows at `pos` as a pandas DataFrame indexed by example, with the pair's names."""
        import pandas as pd

        rows = self.rows(pos)
        df = pd.DataFrame(rows, columns=list(ROW_FIELDS)).set_index("example")
        df.insert(4, "pair", [self.pair_label(i, j) for i, j in zip(df["i"], df["j"])])
        if self.error is None:
            df = df.drop(columns="error")
        return df

    def pair_label(self, i: int, j: int) -> str:
        return self.names[i] if j < 0 else f"{self.names[i]} × {self.names[j]}"


def check_page_size(value) -> int:
    return check_int(value, "page_size", 1, MAX_PAGE_SIZE + 1)
