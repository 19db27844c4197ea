"""InteractionMatrix: a heatmap of Γ with drill-down, drawn from traits alone (works with no kernel).

Traits follow js/CONTRACT.md exactly; the view is js/src/widgets/interaction_matrix.js.
"""
from __future__ import annotations

import traitlets as t

from .base import TaylorWidget
from .checks import TraitTypeError, TraitValueError, check_int, check_str
from .payloads import global_matrix as glb
from .payloads.interaction import (
    DEPENDENCE, DIAGONAL_MODES, LABELS, ORDERS, TABS, VIEWS, check_color_scale, inputs_payload, matrix_payload,
)
from .traits import Choice, Float32Array, Index, IntList, Names, Record, Text


def _view_refusal(w, view):
    if view == "global" and w.global_matrix.ndim != 2:
        return ("'global' needs a global matrix: pass a (B, d, d) result with B > 1 samples "
                "or a GlobalInteractions")
    if view == "sample" and w._dims["B"] == 0:
        return f"'sample' needs per-sample matrices; this widget shows a global matrix only ({w.global_label})"
    return None


def _aggregate_refusal(w, how):
    fixed = w._fixed_aggregate
    if fixed is not None and how != fixed:
        return (f"the global matrix came precomputed ({w.global_label or fixed}) and cannot be re-aggregated "
                "here; recompute it, e.g. tw.global_interactions(..., aggregate=...)")
    return None


def _tab_refusal(w, tab):
    if tab != "matrix" and w._dims["B"] < 2:
        return (f"{tab!r} is a dataset view: it needs a batch of B ≥ 2 samples (this widget has "
                f"{w._dims['B']}); explain several inputs, e.g. tw.expected_hessians(model, X[:200], data)")
    return None


#: Keywords of the view options every matrix widget takes (their traits are declared below).
VIEW_OPTIONS = ("diagonal", "tab", "top_pairs", "network_edges", "layout_seed", "dependence", "selected", "selected_pair")


def view_options(options: dict) -> dict:
    """The view-option keywords of a constructor; anything else is an unknown keyword (TypeError)."""
    unknown = sorted(set(options) - set(VIEW_OPTIONS))
    if unknown:
        raise TraitTypeError(f"{unknown[0]}: unexpected keyword argument; the view options are {', '.join(VIEW_OPTIONS)}")
    return options


def _global_refusal(w, g):
    if g.size == 0 and w.view == "global":
        return "the view shows it (view='global'); set view='sample' first"
    return None


class InteractionMatrix(TaylorWidget, bundle="interaction_matrix"):
    """Interactive heatmap of an interaction matrix Γ, with drill-down into one feature.

    result_or_array: a PathResult from `integrated_hessians` / `expected_hessians` (its
        attributions, inputs, baseline and names come along), a CrossDerivatives of all pairs
        (|∂²f| per example), a (d, d) / (B, d, d) array, or a GlobalInteractions / NIDResult
        (global over data only: no per-sample matrices, B = 0). Attribution-only results (IG,
        EG) are refused: they hold no pairs.
    feature_names: d strings (rendered as text, never HTML); default the result's, else x0, x1, …
    title: heading of the view. sample: which of the B matrices to show. order: "given",
    "attribution" or "cluster". top_n: show only the top-N features (0 = all).
    color_scale: {"vmax": float | None, "scheme": "RdBu" | "PuOr" | "PiYG"}.
    view: "sample" | "global" (default "global" for a GlobalInteractions / NIDResult).
    aggregate: how B > 1 sample matrices become the global one: "mean_abs" (mean |Γ|, default),
        "mean_square" (mean Γ², Friedman–Popescu) or "mean" (signed mean Γ). A GlobalInteractions
        or NIDResult was aggregated already: another value than its own is refused.
    higher_order: [{"members": [i, j, k, ...], "score": float}, ...] sets of size ≥ 3, or a
        GlobalInteractions / NIDResult / CrossDerivatives (order ≥ 3) whose strongest `top_sets`
        sets per order are taken; default those of a GlobalInteractions passed as the matrix.
    highlighted_set: [] or the members of a set to outline on the heatmap.
    x: (B, d) input values (tensor, numpy or a DataFrame, whose columns name the features) for a
        bare array, whose dots the dataset views colour by feature value; a PathResult brings its own.
    View options (keywords, see the traits): diagonal ("auto" | "show" | "hide"), tab ("matrix" |
    "summary" | "network"; the dataset views need B ≥ 2), top_pairs, network_edges, layout_seed,
    dependence ("interaction" | "attribution"), and the selection (selected, selected_pair).
    B and d are fixed when the widget is built: every array trait keeps its shape.
    """

    _shape_dims = ("B", "d")
    #: The main views this widget offers (the standalone dataset views offer one).
    _tabs: tuple = TABS
    _fixed_aggregate = None  # how a given global-only matrix was made (it cannot be re-aggregated)

    # --- data (Python → JS) ---
    matrix = Float32Array(("B", "d", "d"), pair_stats=True).tag(sync=True)
    """(B, d, d) float32: Γ for each sample; shape [0] for a global-only widget (B = 0). A batch
    (B ≥ 2) is sent with its mean |Γ_ij| and mean Γ_ij for the dataset views."""
    attributions = Float32Array(("B", "d"), optional=True).tag(sync=True)
    """(B, d) float32: φ = row sums of Γ, or shape [0] when unknown."""
    inputs = Float32Array(("B", "d"), optional=True).tag(sync=True)
    """(B, d) float32: the explained input values, or shape [0]."""
    baselines = Float32Array(("B", "d"), optional=True).tag(sync=True)
    """(B, d) float32: the baseline each matrix was computed against, or shape [0]."""
    global_matrix = Float32Array(("d", "d"), optional=True, refuse=_global_refusal).tag(sync=True)
    """(d, d) float32: global over data (`aggregate` of the B samples, or a GlobalInteractions'
    matrix); shape [0] when there is none (B = 1)."""
    global_label = Text("").tag(sync=True)
    """What global_matrix holds, e.g. "mean |Γ| over 32 samples, Integrated Hessians"."""
    feature_names = Names("d", what="names (one per feature)", default=lambda i: f"x{i}").tag(sync=True)
    """d feature names: untrusted text, rendered with textContent only."""
    title = Text("").tag(sync=True)
    """Heading shown above the heatmap."""
    value_label = Text("Γ").tag(sync=True)
    """What the colours mean, for the legend, e.g. "Γ, Integrated Hessians"."""
    sweep = Float32Array(("m", "K", "d"), optional=True).tag(sync=True)
    """(m, K, d) float32: row Γ_i· as feature i's baseline moves over K values; shape [0] if none."""
    sweep_features = IntList(hi="d", lengths=(0, "m"), distinct=True, what=" (the swept features)").tag(sync=True)
    """The m features i that `sweep` covers, in its order."""
    sweep_values = Float32Array(("m", "K"), optional=True).tag(sync=True)
    """(m, K) float32: the baseline values of feature i at each sweep point."""
    higher_order = Record(glb.check_set_list, []).tag(sync=True)
    """[{"members": [int, ...], "score": float}]: strongest feature sets of size ≥ 3."""

    # --- user state (both ways, never reset by a recompute) ---
    view = Choice(VIEWS, "sample", refuse=_view_refusal).tag(sync=True)
    """"sample" (matrix[sample]) or "global" (global_matrix): which matrix is drawn and ranked."""
    sample = Index(0, lambda w: max(w._dims["B"], 1)).tag(sync=True)
    """Index of the sample shown, 0 ≤ sample < B."""
    selected = Index(-1, "d", default_value=-1).tag(sync=True)
    """The drilled-into feature, −1 for none. Observe it from Python to react to clicks."""
    selected_pair = IntList(hi="d", lengths=(0, 2), what=" ([] or [i, j])").tag(sync=True)
    """[] or [i, j]: the clicked cell."""
    highlighted_set = IntList(hi="d", min_length=2, distinct=True, what=" (distinct features)").tag(sync=True)
    """[] or ≥ 2 distinct features outlined on the heatmap (a clicked higher-order set)."""
    order = Choice(ORDERS, "given").tag(sync=True)
    """Feature order: "given", "attribution" (by |φ|) or "cluster"."""
    top_n = Index(0, None).tag(sync=True)
    """Show the top-N features by |φ| (or |Γ| row mass); 0 shows all."""
    color_scale = Record(check_color_scale, {"vmax": None, "scheme": "RdBu"}).tag(sync=True)
    """{"vmax": float | None (auto = max |Γ| of the sample), "scheme": "RdBu" | "PuOr" | "PiYG"}."""
    diagonal = Choice(DIAGONAL_MODES, "auto").tag(sync=True)
    """Where the automatic colour scale comes from: "auto" (the off-diagonal when max |Γ_ii| > 3 ×
    max |Γ_ij|, the diagonal then drawn clipped with a marker), "show" (the whole matrix) or "hide"
    (the off-diagonal; the diagonal is not coloured). A user's vmax wins in every mode."""

    # --- dataset views of a batch (B ≥ 2): user state, both ways ---
    tab = Choice(lambda w: w._tabs, "matrix", refuse=_tab_refusal).tag(sync=True)
    """The main view: "matrix" (heatmap), "summary" (beeswarm of the top pairs over the samples) or
    "network" (features as nodes, the strongest mean |Γ_ij| as edges). The drill-down beside it is shared."""
    top_pairs = Index(1, 101, default_value=20).tag(sync=True)
    """Rows of the summary: the pairs with the largest mean |Γ_ij| over the samples (1..100)."""
    network_edges = Index(1, 1001, default_value=30).tag(sync=True)
    """Edges of the network: the top-k pairs by mean |Γ_ij| (1..1000)."""
    layout_seed = Index(0, 2 ** 31, default_value=0).tag(sync=True)
    """Seed of the network's force-directed layout (the same seed gives the same picture)."""
    dependence = Choice(DEPENDENCE, "interaction").tag(sync=True)
    """What the dependence plot shows against x_i: "interaction" (Γ_ij) or "attribution" (φ_i),
    coloured by x_j."""

    # --- Python-side knob (not synced: the view gets its result in global_matrix / global_label) ---
    aggregate = Choice(lambda w: glb.AGGREGATES + ((w._fixed_aggregate,) if w._fixed_aggregate else ()),
                       "mean_abs", refuse=_aggregate_refusal)
    """"mean_abs" | "mean_square" | "mean": how the B samples make global_matrix; recomputes it."""

    def __init__(
        self, result_or_array, feature_names=None, *, title=None, sample=0, order="given", top_n=0,
        color_scale=None, higher_order=None, view=None, aggregate=None, top_sets=glb.MAX_SETS,
        highlighted_set=None, x=None, **options,
    ):
        self._top_sets = check_int(top_sets, "top_sets", 1)
        options = view_options(options)
        source = glb.global_payload(result_or_array, feature_names)
        if source is None:
            data, method = matrix_payload(result_or_array, feature_names)
            if x is not None:
                data.update(inputs_payload(x, data, feature_names))
        else:
            if x is not None:
                raise TraitValueError(f"x: a {type(result_or_array).__name__} holds no per-sample matrices to pair "
                                      "with input values")
            data, method, self._fixed_aggregate = source
            if aggregate is not None and aggregate != self._fixed_aggregate:
                raise TraitValueError(
                    f"aggregate: the {type(result_or_array).__name__} was aggregated already "
                    f"({data['global_label']}); recompute it with the aggregate you want, e.g. "
                    "tw.global_interactions(..., aggregate=...)")
            if higher_order is None and any(k >= 3 for k in result_or_array.sets):
                higher_order = result_or_array
        self._init_traits(data, method, title=title, aggregate=aggregate, view=view, sample=sample, order=order,
                          top_n=top_n, color_scale=color_scale, higher_order=higher_order,
                          highlighted_set=highlighted_set, **options)

    def _init_traits(self, data: dict, method: str, *, title, dims=None, **user):
        """Fix the dimensions, set the data (validators of the user state need B and d), then the user state."""
        self.method = method
        m = data.get("matrix")
        d = len(data["feature_names"])
        self._dims = {"B": 0 if m is None or m.size == 0 else int(m.shape[0]), "d": d, "m": 0, "K": 0, **(dims or {})}
        self._check_dims()
        label = data.get("global_label") or LABELS.get(method, "Γ")
        data = {k: v for k, v in data.items() if v is not None}
        title = check_str(title, "title") if title is not None else "Feature interactions"
        first_view = "global" if self._dims["B"] == 0 else "sample"  # the only one a global-only widget has
        super().__init__(**data, value_label=label, title=title, view=first_view, tab=self._tabs[0])
        if user.get("tab") is None:
            user.pop("tab", None)
        if user.get("aggregate") is None:
            user["aggregate"] = self._fixed_aggregate or "mean_abs"
        if user.get("view") is None:
            user["view"] = first_view
        for name, value in user.items():  # aggregate before view: "global" needs global_matrix
            setattr(self, name, value)

    def _check_dims(self):
        """Refuse dimensions this widget cannot show (a hook: the dataset views need B ≥ 2)."""

    # --- global over data: follows the samples and the aggregate ---
    @t.observe("matrix", "aggregate")
    def _on_samples(self, change):
        if self._fixed_aggregate is not None:
            return
        B = self._dims["B"]
        if B > 1:
            self.global_matrix = glb.aggregate(self.matrix, self.aggregate)
            self.global_label = glb.aggregate_label(self.aggregate, self.method, B)
        else:
            if self.view == "global":
                self.view = "sample"
            self.global_matrix, self.global_label = None, ""

    def _repr_fields(self):
        return [*super()._repr_fields(), ("method", repr(self.method))]

    def _snapshot_figure(self):
        """A matplotlib picture of the current view: the heatmap (or the dataset view of `tab`),
        its legend and the drill-down of the selected feature."""
        from .snapshots.matrix import matrix_figure

        return matrix_figure(self)
