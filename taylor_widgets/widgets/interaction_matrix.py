"""InteractionMatrix: a heatmap of Γ with drill-down, drawn from traits alone (works with no kernel).

Traits follow js/CONTRACT.md exactly; the view is js/src/widgets/interaction_matrix.js.
"""
from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets as t

from . import _checks as chk
from . import _global as glb
from ._serialize import Float32Array

_STATIC = Path(__file__).parent.parent / "static"


class _SetList(t.List):
    """A list of {"members", "score"} dicts; a GlobalInteractions, NIDResult or CrossDerivatives
    (order ≥ 3) assigned to it becomes its strongest sets (see _global.as_set_list)."""

    def validate(self, obj, value):
        return super().validate(obj, glb.as_set_list(value, obj._shape[1], getattr(obj, "_top_sets", glb.MAX_SETS)))


class InteractionMatrix(anywidget.AnyWidget):
    """Interactive heatmap of an interaction matrix Γ, with drill-down into one feature.

    result_or_array: a PathResult from `integrated_hessians` / `expected_hessians` (its
        attributions, inputs, baseline and names come along), a CrossDerivatives of all pairs
        (|∂²f| per example), a (d, d) / (B, d, d) array, or a GlobalInteractions / NIDResult
        (global over data only: no per-sample matrices, B = 0).
    feature_names: d strings (rendered as text, never HTML); default the result's, else x0, x1, …
    title: heading of the view. sample: which of the B matrices to show. order: "given",
    "attribution" or "cluster". top_n: show only the top-N features (0 = all).
    color_scale: {"vmax": float | None, "scheme": "RdBu" | "PuOr" | "PiYG"}.
    view: "sample" | "global" (default "global" for a GlobalInteractions / NIDResult).
    aggregate: how B > 1 sample matrices become the global one: "mean_abs" (mean |Γ|, default),
        "mean_square" (mean Γ², Friedman–Popescu) or "mean" (signed mean Γ).
    higher_order: [{"members": [i, j, k, ...], "score": float}, ...] sets of size ≥ 3, or a
        GlobalInteractions / NIDResult / CrossDerivatives (order ≥ 3) whose strongest `top_sets`
        sets per order are taken; default those of a GlobalInteractions passed as the matrix.
    highlighted_set: [] or the members of a set to outline on the heatmap.
    """

    _esm = _STATIC / "interaction_matrix.js"
    _fixed_aggregate = None  # how a given global-only matrix was made (it cannot be re-aggregated)

    # --- data (Python → JS) ---
    matrix = Float32Array(ndim=3).tag(sync=True)
    """(B, d, d) float32: Γ for each sample; shape [0] for a global-only widget (B = 0)."""
    attributions = Float32Array(ndim=2).tag(sync=True)
    """(B, d) float32: φ = row sums of Γ, or shape [0] when unknown."""
    inputs = Float32Array(ndim=2).tag(sync=True)
    """(B, d) float32: the explained input values, or shape [0]."""
    baselines = Float32Array(ndim=2).tag(sync=True)
    """(B, d) float32: the baseline each matrix was computed against, or shape [0]."""
    global_matrix = Float32Array(ndim=2).tag(sync=True)
    """(d, d) float32: global over data (`aggregate` of the B samples, or a GlobalInteractions'
    matrix); shape [0] when there is none (B = 1)."""
    global_label = t.Unicode("").tag(sync=True)
    """What global_matrix holds, e.g. "mean |Γ| over 32 samples, Integrated Hessians"."""
    feature_names = t.List(t.Unicode(), default_value=[]).tag(sync=True)
    """d feature names: untrusted text, rendered with textContent only."""
    title = t.Unicode("").tag(sync=True)
    """Heading shown above the heatmap."""
    value_label = t.Unicode("Γ").tag(sync=True)
    """What the colours mean, for the legend, e.g. "Γ, Integrated Hessians"."""
    sweep = Float32Array(ndim=3).tag(sync=True)
    """(m, K, d) float32: row Γ_i· as feature i's baseline moves over K values; shape [0] if none."""
    sweep_features = t.List(t.Int(), default_value=[]).tag(sync=True)
    """The m features i that `sweep` covers, in its order."""
    sweep_values = Float32Array(ndim=2).tag(sync=True)
    """(m, K) float32: the baseline values of feature i at each sweep point."""
    higher_order = _SetList(t.Dict(), default_value=[]).tag(sync=True)
    """[{"members": [int, ...], "score": float}]: strongest feature sets of size ≥ 3."""

    # --- user state (both ways, never reset by a recompute) ---
    view = t.Unicode("sample").tag(sync=True)
    """"sample" (matrix[sample]) or "global" (global_matrix): which matrix is drawn and ranked."""
    sample = t.Int(0).tag(sync=True)
    """Index of the sample shown, 0 ≤ sample < B."""
    selected = t.Int(-1).tag(sync=True)
    """The drilled-into feature, −1 for none. Observe it from Python to react to clicks."""
    selected_pair = t.List(t.Int(), default_value=[]).tag(sync=True)
    """[] or [i, j]: the clicked cell."""
    highlighted_set = t.List(t.Int(), default_value=[]).tag(sync=True)
    """[] or ≥ 2 distinct features outlined on the heatmap (a clicked higher-order set)."""
    order = t.Unicode("given").tag(sync=True)
    """Feature order: "given", "attribution" (by |φ|) or "cluster"."""
    top_n = t.Int(0).tag(sync=True)
    """Show the top-N features by |φ| (or |Γ| row mass); 0 shows all."""
    color_scale = t.Dict(default_value={"vmax": None, "scheme": "RdBu"}).tag(sync=True)
    """{"vmax": float | None (auto = max |Γ| of the sample), "scheme": "RdBu" | "PuOr" | "PiYG"}."""

    # --- Python-side knob (not synced: the view gets its result in global_matrix / global_label) ---
    aggregate = t.Unicode("mean_abs")
    """"mean_abs" | "mean_square" | "mean": how the B samples make global_matrix; recomputes it."""

    def __init__(
        self, result_or_array, feature_names=None, *, title=None, sample=0, order="given", top_n=0,
        color_scale=None, higher_order=None, view=None, aggregate="mean_abs", top_sets=glb.MAX_SETS,
        highlighted_set=None,
    ):
        self._top_sets = chk.check_int(top_sets, "top_sets", 1)
        source = glb.global_payload(result_or_array, feature_names)
        if source is None:
            data, method = chk.matrix_payload(result_or_array, feature_names)
        else:
            data, method, self._fixed_aggregate = source
            aggregate = self._fixed_aggregate
            if higher_order is None and any(k >= 3 for k in result_or_array.sets):
                higher_order = result_or_array
        self._init_traits(data, method, title=title, aggregate=aggregate, view=view, sample=sample, order=order,
                          top_n=top_n, color_scale=color_scale, higher_order=higher_order,
                          highlighted_set=highlighted_set)

    def _init_traits(self, data: dict, method: str, *, title, **user):
        """Set the data first (validators of the user state need B and d), then the user state."""
        self.method = method
        label = data.get("global_label") or chk.LABELS.get(method, "Γ")
        data = {k: v for k, v in data.items() if v is not None}
        if title is not None and not isinstance(title, str):
            raise TypeError(f"title: expected a str, got {type(title).__name__}")
        super().__init__(**data, value_label=label, title=title if title is not None else "Feature interactions")
        if user.get("view") is None:
            user["view"] = "global" if self._shape[0] == 0 else "sample"
        if user.get("color_scale") is None:
            user["color_scale"] = {"vmax": None, "scheme": "RdBu"}
        for name in ("higher_order", "highlighted_set"):
            if user.get(name) is None:
                user[name] = []
        for name, value in user.items():  # aggregate before view: "global" needs global_matrix
            setattr(self, name, value)

    # --- global over data: follows the samples and the aggregate ---
    @t.observe("matrix", "aggregate")
    def _on_samples(self, change):
        if self._fixed_aggregate is not None:
            return
        B = self._shape[0]
        if B > 1:
            self.global_matrix = glb.aggregate(self.matrix, self.aggregate)
            self.global_label = glb.aggregate_label(self.aggregate, self.method, B)
        else:
            if self.view == "global":
                self.view = "sample"
            self.global_matrix, self.global_label = None, ""

    # --- validation: every path (constructor, Python, front end) goes through _checks ---
    @property
    def _shape(self) -> tuple[int, int]:
        """(B, d): B = 0 for a global-only widget."""
        m, g = self.matrix, self.global_matrix
        if m.ndim == 3:
            return m.shape[0], m.shape[1]
        return (0, g.shape[0]) if g.ndim == 2 else (0, 0)

    @t.validate("view")
    def _v_view(self, proposal):
        value = chk.check_choice(proposal["value"], "view", chk.VIEWS)
        if value == "global" and self.global_matrix.ndim != 2:
            raise ValueError("view: 'global' needs a global matrix: pass a (B, d, d) result with B > 1 samples "
                             "or a GlobalInteractions")
        if value == "sample" and self._shape[0] == 0:
            raise ValueError(f"view: 'sample' needs per-sample matrices; this widget shows a global matrix only "
                             f"({self.global_label})")
        return value

    @t.validate("aggregate")
    def _v_aggregate(self, proposal):
        value = proposal["value"]
        if self._fixed_aggregate is not None and value != self._fixed_aggregate:
            raise ValueError(f"aggregate: the global matrix came precomputed ({self.global_label}) and cannot be "
                             "re-aggregated here; recompute it, e.g. tw.global_interactions(..., aggregate=...)")
        return value if self._fixed_aggregate is not None else chk.check_choice(value, "aggregate", glb.AGGREGATES)

    @t.validate("sample")
    def _v_sample(self, proposal):
        return chk.check_int(proposal["value"], "sample", 0, max(self._shape[0], 1))

    @t.validate("selected")
    def _v_selected(self, proposal):
        return chk.check_int(proposal["value"], "selected", -1, max(self._shape[1], 0))

    @t.validate("selected_pair")
    def _v_pair(self, proposal):
        return chk.check_pair(proposal["value"], self._shape[1])

    @t.validate("highlighted_set")
    def _v_highlight(self, proposal):
        return chk.check_members(proposal["value"], self._shape[1])

    @t.validate("order")
    def _v_order(self, proposal):
        return chk.check_choice(proposal["value"], "order", chk.ORDERS)

    @t.validate("top_n")
    def _v_top_n(self, proposal):
        return chk.check_int(proposal["value"], "top_n", 0)

    @t.validate("color_scale")
    def _v_color_scale(self, proposal):
        return chk.check_color_scale(proposal["value"])

    @t.validate("higher_order")
    def _v_higher_order(self, proposal):
        return chk.check_higher_order(proposal["value"], self._shape[1])

    @t.validate("feature_names")
    def _v_names(self, proposal):
        return chk.check_names(proposal["value"], self._shape[1]) if self._shape[1] else proposal["value"]

    def __repr__(self) -> str:
        B, d = self._shape
        return f"{type(self).__name__}(B={B}, d={d}, method={self.method!r})"
