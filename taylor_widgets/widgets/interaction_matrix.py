"""InteractionMatrix: a heatmap of Γ with drill-down, drawn from traits alone (works with no kernel).

Traits follow js/CONTRACT.md exactly; the view is js/src/widgets/interaction_matrix.js.
"""
from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets as t

from . import _checks as chk
from ._serialize import Float32Array

_STATIC = Path(__file__).parent.parent / "static"


class InteractionMatrix(anywidget.AnyWidget):
    """Interactive heatmap of an interaction matrix Γ, with drill-down into one feature.

    result_or_array: a PathResult from `integrated_hessians` / `expected_hessians` (its
        attributions, inputs, baseline and names come along), or a (d, d) / (B, d, d) array.
    feature_names: d strings (rendered as text, never HTML); default the result's, else x0, x1, …
    title: heading of the view. sample: which of the B matrices to show. order: "given",
    "attribution" or "cluster". top_n: show only the top-N features (0 = all).
    color_scale: {"vmax": float | None, "scheme": "RdBu" | "PuOr" | "PiYG"}.
    higher_order: [{"members": [i, j, k, ...], "score": float}, ...] sets of size ≥ 3.
    """

    _esm = _STATIC / "interaction_matrix.js"

    # --- data (Python → JS) ---
    matrix = Float32Array(ndim=3).tag(sync=True)
    """(B, d, d) float32: Γ for each sample."""
    attributions = Float32Array(ndim=2).tag(sync=True)
    """(B, d) float32: φ = row sums of Γ, or shape [0] when unknown."""
    inputs = Float32Array(ndim=2).tag(sync=True)
    """(B, d) float32: the explained input values, or shape [0]."""
    baselines = Float32Array(ndim=2).tag(sync=True)
    """(B, d) float32: the baseline each matrix was computed against, or shape [0]."""
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
    higher_order = t.List(t.Dict(), default_value=[]).tag(sync=True)
    """[{"members": [int, ...], "score": float}]: strongest feature sets of size ≥ 3."""

    # --- user state (both ways, never reset by a recompute) ---
    sample = t.Int(0).tag(sync=True)
    """Index of the sample shown, 0 ≤ sample < B."""
    selected = t.Int(-1).tag(sync=True)
    """The drilled-into feature, −1 for none. Observe it from Python to react to clicks."""
    selected_pair = t.List(t.Int(), default_value=[]).tag(sync=True)
    """[] or [i, j]: the clicked cell."""
    order = t.Unicode("given").tag(sync=True)
    """Feature order: "given", "attribution" (by |φ|) or "cluster"."""
    top_n = t.Int(0).tag(sync=True)
    """Show the top-N features by |φ| (or |Γ| row mass); 0 shows all."""
    color_scale = t.Dict(default_value={"vmax": None, "scheme": "RdBu"}).tag(sync=True)
    """{"vmax": float | None (auto = max |Γ| of the sample), "scheme": "RdBu" | "PuOr" | "PiYG"}."""

    def __init__(
        self, result_or_array, feature_names=None, *, title=None, sample=0, order="given", top_n=0,
        color_scale=None, higher_order=None,
    ):
        data, method = chk.matrix_payload(result_or_array, feature_names)
        self._init_traits(data, method, title=title, sample=sample, order=order, top_n=top_n,
                          color_scale=color_scale, higher_order=higher_order)

    def _init_traits(self, data: dict, method: str, *, title, **user):
        """Set the data first (validators of the user state need B and d), then the user state."""
        self.method = method
        label = chk.LABELS.get(method, "Γ")
        data = {k: v for k, v in data.items() if v is not None}
        if title is not None and not isinstance(title, str):
            raise TypeError(f"title: expected a str, got {type(title).__name__}")
        super().__init__(**data, value_label=label, title=title if title is not None else "Feature interactions")
        if user.get("color_scale") is None:
            user["color_scale"] = {"vmax": None, "scheme": "RdBu"}
        if user.get("higher_order") is None:
            user["higher_order"] = []
        for name, value in user.items():
            setattr(self, name, value)

    # --- validation: every path (constructor, Python, front end) goes through _checks ---
    @property
    def _shape(self) -> tuple[int, int]:
        m = self.matrix
        return (m.shape[0], m.shape[1]) if m.ndim == 3 else (0, 0)

    @t.validate("sample")
    def _v_sample(self, proposal):
        return chk.check_int(proposal["value"], "sample", 0, max(self._shape[0], 1))

    @t.validate("selected")
    def _v_selected(self, proposal):
        return chk.check_int(proposal["value"], "selected", -1, max(self._shape[1], 0))

    @t.validate("selected_pair")
    def _v_pair(self, proposal):
        return chk.check_pair(proposal["value"], self._shape[1])

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
