"""Read a store lazily: one example's matrix, the global matrices, the top pairs, a per-example
summary table, and core results for a few examples that the existing widgets take as they are.

Nothing is read until asked for; one example costs one compressed Zarr chunk, and the global
matrices come from the stored per-chunk sums without a pass over the examples.
"""
from __future__ import annotations

import numbers
from pathlib import Path

import numpy as np
import torch

from . import methods
from .store import Store

KINDS = ("mean_abs", "mean_square", "mean")


def open_explanations(store) -> "Explanations":
    """Open a store written by explain_dataset (a directory path) for reading."""
    if not isinstance(store, (str, Path)):
        raise TypeError(f"store: expected a directory path, got {type(store).__name__}")
    return Explanations(Path(store))


def _default_names(layout: dict) -> list[str]:
    """x0, x1, ... for features; "cell r,c" for the cells of a CAM layer's (h, w) grid."""
    if "grid" in layout:
        w = layout["grid"][1]
        return [f"cell {i // w},{i % w}" for i in range(int(np.prod(layout["grid"])))]
    return [f"x{i}" for i in range(int(np.prod(layout["result_shape"])))]


class Explanations:
    """A store's explanations, read on demand. `len()` is the number of examples N.

    Attributes: method, settings (the method's keywords as recorded), feature_names, seed,
    model_fingerprint, package_version, value_shape (one example's values), structure ("matrix",
    "rows" for rows=, or "map" for attributions and CAM maps) and rows.
    """

    def __init__(self, path: Path):
        self._st = Store(path, "r")
        meta = self._st.meta
        self.path, self.method, self.settings = Path(path), meta["method"], meta["settings"]
        self.seed, self.model_fingerprint = meta["seed"], meta["model_fingerprint"]
        self.package_version, self.layout = meta["package_version"], meta["layout"]
        self.structure, self.rows = self.layout["structure"], self.layout["rows"]
        self.value_shape = tuple(self._st.group["values"].shape[1:])
        self.feature_names = meta["feature_names"] or _default_names(self.layout)
        self._method = methods.get(self.method)

    def __len__(self) -> int:
        return self._st.n

    @property
    def done(self) -> np.ndarray:
        """(N,) bool: which examples are computed (their chunk finished)."""
        return self._st.example_done()

    @property
    def complete(self) -> bool:
        return bool(self._st.done().all())

    @property
    def arrays(self) -> list[str]:
        """Names of the per-example arrays (inputs, values, outputs, completeness_error, ...)."""
        return sorted(k for k in self._st.group.array_keys())

    def array(self, name: str):
        """The lazy Zarr array `name` (N, ...): slice it to read."""
        if name not in self.arrays:
            raise ValueError(f"name: no array {name!r} in this store (it has {', '.join(self.arrays)})")
        return self._st.group[name]

    # -- one example --------------------------------------------------------------------------
    def matrix(self, i: int) -> np.ndarray:
        """Example i's values: Γ (d, d) or (len(rows), d), a cross-derivative or Taylor-CAM matrix, or a map."""
        return self._st.group["values"][self._index(i)]

    def example(self, i: int) -> dict[str, np.ndarray]:
        """Every stored array of example i (inputs, values, outputs, baselines, ...)."""
        i = self._index(i)
        return {name: self._st.group[name][i] for name in self.arrays}

    # -- global ---------------------------------------------------------------------------------
    def global_matrix(self, kind: str = "mean_abs") -> np.ndarray:
        """Mean |Γ| ("mean_abs"), mean Γ² ("mean_square") or the signed mean ("mean") over the done examples.

        From the stored per-chunk sums (float64, added in chunk order): no pass over the examples.
        """
        if kind not in KINDS:
            raise ValueError(f"kind: expected one of {KINDS}, got {kind!r}")
        count, sums = self._st.totals()
        if count == 0:
            raise ValueError("store: no chunk is finished yet, so there is no global matrix")
        key = {"mean_abs": "sum_abs", "mean_square": "sum_sq", "mean": "sum"}[kind]
        return sums[key] / count

    def top_pairs(self, n: int = 10, kind: str = "mean_abs"):
        """The n strongest pairs (i ≠ j, each once) of the global matrix: a DataFrame (i, j, pair, value)."""
        import pandas as pd

        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
            raise ValueError(f"n: expected a positive integer, got {n!r}")
        if self.structure == "map":
            raise ValueError(f"kind: {self.method} stores {self.value_shape} maps, not pair matrices; "
                             "use global_matrix() for the mean map")
        G = self.global_matrix(kind)
        d = G.shape[-1]
        G = G.reshape(-1, d)
        rows = np.arange(G.shape[0]) if self.rows is None else np.asarray(self.rows)
        seen, out = set(), []
        for flat in np.argsort(-np.abs(G), axis=None, kind="stable"):
            r, j = divmod(int(flat), d)
            i = int(rows[r])
            if i == j or (min(i, j), max(i, j)) in seen:
                continue
            seen.add((min(i, j), max(i, j)))
            out.append((i, j, self._pair(i, j), float(G[r, j])))
            if len(out) == n:
                break
        return pd.DataFrame(out, columns=["i", "j", "pair", "value"])

    def summary(self):
        """One row per computed example (index: example): prediction, target, baseline_output,
        completeness_error, relative_completeness_error, the strongest pair (i, j, pair) and its value."""
        import pandas as pd

        g, done = self._st.group, self.done
        idx = np.flatnonzero(done)
        cols = {"prediction": g["outputs"][:][done]}
        if "targets" in g:
            cols["target"] = g["targets"][:][done]
        if "completeness_error" in g:
            fb = g["baseline_outputs"][:][done]
            err = g["completeness_error"][:][done]
            cols.update(baseline_output=fb, completeness_error=err,
                        relative_completeness_error=np.abs(err) / np.maximum(np.abs(cols["prediction"] - fb),
                                                                             np.finfo(np.float64).tiny))
        pairs = g["strongest"][:][done]
        uniq, inverse = np.unique(pairs, axis=0, return_inverse=True)  # label each distinct pair once
        labels = np.array([self._pair(int(a), int(b)) for a, b in uniq], dtype=object)[inverse.reshape(-1)]
        cols.update(i=pairs[:, 0], j=pairs[:, 1], pair=labels, value=g["strongest_value"][:][done])
        return pd.DataFrame(cols, index=pd.Index(idx, name="example"))

    def to_result(self, indices):
        """A core result (PathResult, CrossDerivatives, GradCAMResult or TaylorCAMResult) of those examples."""
        idx = self._indices(indices)
        g = self._st.group
        a = {name: torch.from_numpy(np.asarray(g[name].get_orthogonal_selection((idx,)))) for name in self.arrays}
        return methods.rebuild(self._method, a, self.layout, self.settings, self._st.meta["feature_names"])

    def __repr__(self) -> str:
        n_done = int(self.done.sum())
        return (f"Explanations(method={self.method!r}, examples={n_done}/{len(self)}, "
                f"values={self.value_shape}, store={self.path.name!r})")

    # -- helpers ----------------------------------------------------------------------------------
    def _pair(self, i: int, j: int) -> str:
        return self.feature_names[i] if j < 0 else f"{self.feature_names[i]} × {self.feature_names[j]}"

    def _index(self, i) -> int:
        return int(self._indices([i])[0])

    def _indices(self, indices) -> np.ndarray:
        if isinstance(indices, slice):
            idx = np.arange(len(self))[indices]
        else:
            arr = np.asarray(indices.cpu() if isinstance(indices, torch.Tensor) else indices)
            if arr.dtype.kind not in "iu" or arr.ndim > 1:
                raise TypeError(f"indices: expected example indices (an int, a list of ints or a slice), got {indices!r}")
            idx = arr.reshape(-1).astype(np.int64)
        if idx.size == 0:
            raise ValueError("indices: expected at least one example")
        bad = idx[(idx < -len(self)) | (idx >= len(self))]
        if bad.size:
            raise ValueError(f"indices: {bad[:5].tolist()} out of range for {len(self)} examples")
        idx = idx % len(self)
        chunks = np.unique(idx // self._st.chunk)
        count = self._st.group["aggregates/count"]
        missing = [int(k) for k in chunks if count[int(k)] == 0]
        if missing:
            raise ValueError(f"indices: the chunk(s) {missing[:5]} holding some of these examples did not finish; "
                             "resume the run (explain_dataset(..., resume=True)) to compute them")
        return idx
