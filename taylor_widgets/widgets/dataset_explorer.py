"""DatasetExplorer: browse a store written by `explain_dataset` without loading it.

The view (js/src/widgets/dataset_explorer.js) is the matrix view of InteractionMatrix plus a
paged table of examples. Python keeps the store open and answers two requests: "page" (the rows
of the current page, sorted and filtered here, so 100,000 examples never cross the wire) and
"fetch_example" (one example's matrix, inputs, baselines and φ as binary buffers). The synced
state holds the global matrix and the first `keep` examples with their table rows: a saved
notebook or an HTML export shows those without a kernel and says that the rest needs one.
"""
from __future__ import annotations

import numpy as np
import traitlets as t

from ..scale.reader import Explanations, open_explanations
from .checks import TraitValueError, check_choice, check_int
from .dataset_table import DEFAULT_FILTER, MAX_PAGE_SIZE, ROW_FIELDS, SORT_KEYS, ExampleTable, check_filter
from .interaction_matrix import InteractionMatrix
from .payloads import global_matrix as glb
from .serialize import array_to_json, as_float32
from .traits import Choice, Flag, Index, IntList, Record, Text

#: Without `keep`, the kept examples' arrays stay near this many bytes (and at most DEFAULT_KEEP examples).
KEEP_BYTES = 2 << 20
DEFAULT_KEEP = 100
#: The arrays a fetched example sends, in order: the matrix-view trait each one stands in for.
FETCHED = (("matrix", "values"), ("attributions", "attributions"), ("inputs", "inputs"), ("baselines", "baselines"))


def _check_rows(value, widget=None) -> list:
    if not isinstance(value, list) or any(not isinstance(r, list) or len(r) != len(ROW_FIELDS) for r in value):
        raise TraitValueError(f"kept_rows: expected a list of [{', '.join(ROW_FIELDS)}] rows")
    return value


class DatasetExplorer(InteractionMatrix, bundle="dataset_explorer"):
    """A paged, sortable, filterable table of a store's examples next to the interaction matrix.

    store: a store directory written by `explain_dataset` with a pair-matrix method
        (integrated_hessians or expected_hessians without rows=, cross_derivatives), or the
        Explanations that `open_explanations` returned for it.
    keep: how many of the first computed examples travel with the widget's state (shown without
        a kernel, in a saved notebook or `export_html`); default up to 100 within ~2 MB.
    page_size: table rows per page (1..500). sort_by: "example", "prediction", "abs_error"
        (|completeness error|) or "abs_value" (|value of the strongest pair|); descending.
    filter: {"pair": [] | [i] (the strongest pair involves i) | [i, j], "min_abs_error": float |
        None, "prediction": [low | None, high | None]}.
    example: the store index of the example shown in the "sample" view (default: the first).
    view: "global" (default: the store's global matrix) or "sample" (that example).
    aggregate: "mean_abs", "mean_square" or "mean": which of the store's global matrices is drawn.
    The remaining keywords are InteractionMatrix's. Paper: Janizek, Sturmfels, Lee, JMLR 2021.
    """

    _commands = {"page": "_on_page", "fetch_example": "_on_fetch"}
    _tabs = ("matrix",)  # the table is the dataset view here; the batch tabs would cover the kept few only

    # --- data (Python → JS) ---
    kept = IntList(hi="N", distinct=True, what=" (the kept examples)").tag(sync=True)
    """The store indices of the B kept examples (`matrix[k]` is example kept[k])."""
    kept_rows = Record(_check_rows, []).tag(sync=True)
    """The kept examples' table rows: [example, prediction, error | None, i, j, value]."""
    n_examples = Index(0, None).tag(sync=True)
    """How many examples of the store are computed (the table's rows without a filter)."""
    has_error = Flag(True).tag(sync=True)
    """Whether the method records a completeness error (the path methods do; cross derivatives do not)."""
    kernel_hint = Text("run the notebook to browse every example").tag(sync=True)
    """Said next to "live kernel needed" when a request gets no answer."""

    # --- user state (both ways) ---
    example = Index(0, "N").tag(sync=True)
    """The store index of the example shown in the "sample" view."""
    sort_by = Choice(SORT_KEYS, "example").tag(sync=True)
    """"example" | "prediction" | "abs_error" | "abs_value": the table's sort key."""
    descending = Flag(False).tag(sync=True)
    """Sort from the largest value down."""
    filter = Record(check_filter, dict(DEFAULT_FILTER)).tag(sync=True)
    """Which examples the table lists (see the class docstring)."""
    page = Index(0, None).tag(sync=True)
    """The table page shown, from 0 (clamped to the last page when answered)."""
    page_size = Index(1, MAX_PAGE_SIZE + 1, default_value=20).tag(sync=True)
    """Rows per page."""

    def __init__(self, store, *, keep=None, page_size=20, sort_by="example", descending=False, filter=None,
                 example=None, title=None, view="global", aggregate="mean_abs", order="given", top_n=0,
                 color_scale=None, feature_names=None):
        ex = store if isinstance(store, Explanations) else open_explanations(store)
        d = len(ex.feature_names)
        if ex.structure != "matrix" or ex.value_shape != (d, d):
            raise TraitValueError(
                f"store: DatasetExplorer shows (d, d) pair matrices; this {ex.method} store holds {ex.value_shape} "
                "values per example (read a few with open_explanations(...).to_result(...) for the other widgets)")
        self._ex, self._table = ex, ExampleTable.from_store(ex)
        n = len(self._table)
        if n == 0:
            raise TraitValueError("store: no chunk is finished yet; resume the run to compute some examples")
        per_example = 4 * (d * d + 3 * d)
        if keep is None:
            keep = min(DEFAULT_KEEP, n, max(1, KEEP_BYTES // per_example))
        keep = min(check_int(keep, "keep", 1), n)
        kept = self._table.example[:keep]
        arrays = self._read(kept)
        data = {"matrix": arrays["values"], "attributions": arrays.get("attributions"), "inputs": arrays["inputs"],
                "baselines": arrays.get("baselines"), "feature_names": feature_names or ex.feature_names}
        self._init_traits(data, ex.method, title=title if title is not None else f"{glb.method_name(ex.method)} over {n:,} examples",
                          dims={"N": len(ex)}, aggregate=aggregate, view=view, order=order, top_n=top_n,
                          color_scale=color_scale)
        self.kept, self.kept_rows = kept.tolist(), self._table.rows(np.arange(keep))
        self.n_examples, self.has_error = n, self._table.error is not None
        self.sort_by, self.descending = check_choice(sort_by, "sort_by", SORT_KEYS), descending
        self.filter = check_filter(dict(DEFAULT_FILTER) if filter is None else filter, self)
        self.page_size, self.page = page_size, 0
        self.example = int(kept[0]) if example is None else example

    # --- Python API ---
    @property
    def explanations(self) -> Explanations:
        """The open store (open_explanations) the widget reads from."""
        return self._ex

    def rows(self):
        """The current page of the table as a DataFrame (index: example), as the view lists it."""
        pos = self._table.order(self.sort_by, self.descending, self.filter)
        size = self.page_size
        page = min(self.page, max(0, (len(pos) - 1) // size))
        return self._table.frame(pos[page * size:(page + 1) * size])

    def matching(self) -> int:
        """How many examples pass the current filter."""
        return len(self._table.order(self.sort_by, self.descending, self.filter))

    def current(self) -> dict[str, np.ndarray]:
        """The shown example's arrays from the store (values, inputs, baselines, ...)."""
        return self._ex.example(self.example)

    # --- the view's requests ---
    def _on_page(self, msg) -> dict:
        """The current page, from the committed sort, filter and page traits."""
        total, page, rows = self._table.page(self.sort_by, self.descending, self.filter, self.page, self.page_size)
        if page != self.page:
            self.page = page
        return {"ok": True, "total": total, "page": page, "rows": rows}

    def _on_fetch(self, msg):
        """One example's arrays as binary buffers: ({"ok", "index", "arrays": [{name, shape, absmax}]}, buffers)."""
        if not isinstance(msg, dict):
            raise TraitValueError(f"msg: expected {{'index': int}}, got {msg!r}")
        i = self._check_example(msg.get("index"), "index")
        arrays = self._read(np.array([i]))
        specs, buffers = [], []
        for trait, name in FETCHED:
            if arrays.get(name) is None:
                continue
            wire = array_to_json(arrays[name])
            specs.append({"name": trait, "shape": wire["shape"], **({"absmax": wire["absmax"]} if "absmax" in wire else {})})
            buffers.append(wire["view"])
        return {"ok": True, "index": i, "arrays": specs}, buffers

    # --- internals ---
    @t.validate("example")
    def _valid_example(self, proposal):
        return self._check_example(proposal["value"], "example")

    def _check_example(self, i, name) -> int:
        i = check_int(i, name, 0, len(self._ex))
        if not self._ex.done[i]:
            raise TraitValueError(f"{name}: example {i} is not computed yet (its chunk did not finish); resume the run")
        return i

    def _read(self, idx) -> dict[str, np.ndarray | None]:
        """values (k, d, d), inputs, baselines, attributions (k, d) float32 of store examples idx."""
        g, names = self._ex._st.group, self._ex.arrays
        out = {}
        for name in ("values", "inputs", "baselines", "attributions"):
            out[name] = as_float32(g[name].get_orthogonal_selection((np.asarray(idx),)), name) if name in names else None
        if out["attributions"] is None and self._ex.method in ("integrated_hessians", "expected_hessians"):
            out["attributions"] = as_float32(out["values"].astype(np.float64).sum(-1), "attributions")  # φ = row sums of Γ
        return out

    @t.observe("matrix", "aggregate")
    def _on_samples(self, change):
        # The global matrix is the store's, over every computed example, never the kept few.
        if not hasattr(self, "_ex"):
            return
        self.global_matrix = self._ex.global_matrix(self.aggregate)
        self.global_label = glb.aggregate_label(self.aggregate, self._ex.method, int(self._ex.done.sum())).replace(
            " samples", " examples").replace(" sample,", " example,")

    @t.observe("sort_by", "descending", "filter", "page_size")
    def _back_to_first_page(self, change):
        self.page = 0

    def _snapshot_figure(self):
        from .dataset_snapshot import snapshot_figure

        return snapshot_figure(self)

    def _repr_fields(self):
        return [("examples", str(self.n_examples)), ("d", str(self._dims["d"])), ("kept", str(self._dims["B"])),
                ("method", repr(self.method))]

