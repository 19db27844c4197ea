"""Dataset-level views of a batch of interaction matrices, as standalone widgets.

InteractionSummary (a beeswarm of the strongest pairs over the samples, SHAP-style) and
InteractionNetwork (features as nodes, the strongest pairs as edges, shapiq-style) are the
"summary" and "network" tabs of InteractionMatrix / Explorer on their own: the same traits, the
same shared drill-down (partners, dependence plot), all drawn from traits with no kernel. Link
two of them (or one and a matrix) with `ipywidgets.jslink((a, "selected_pair"), (b, "selected_pair"))`
so that a click in one shows in the other, also in a saved notebook.
"""
from __future__ import annotations

from .checks import TraitValueError
from .interaction_matrix import InteractionMatrix


class _DatasetView(InteractionMatrix):
    """An InteractionMatrix that shows one dataset view; it needs a batch of B ≥ 2 samples."""

    def _check_dims(self):
        B = self._dims["B"]
        if B < 2:
            raise TraitValueError(
                f"result_or_array: {type(self).__name__} summarises a batch: it needs B ≥ 2 per-sample matrices, got "
                f"{'a global matrix only' if B == 0 else 'one'}; explain several inputs, e.g. "
                "tw.expected_hessians(model, X[:200], data)")


class InteractionSummary(_DatasetView, bundle="interaction_summary"):
    """Interaction summary of a batch: one row per pair with the largest mean |Γ_ij| (top_pairs,
    default 20), each sample a dot at its Γ_ij, coloured by the value of feature i.

    result_or_array: a PathResult of interactions over B ≥ 2 inputs (its inputs colour the dots),
        a CrossDerivatives, or a (B, d, d) array with `x=` (B, d) input values (tensor, numpy or a
        DataFrame, whose columns name the features).
    Clicking a row (or a dot, which also picks that `sample`) selects the pair; the drill-down
    beside it plots Γ_ij (or φ_i, `dependence="attribution"`) against x_i, coloured by x_j.
    Keywords as InteractionMatrix. Paper: the summary plot of Lundberg et al., Nature MI 2020
    (https://arxiv.org/abs/1905.04610), here over Integrated/Expected Hessians.
    """

    _tabs = ("summary",)


class InteractionNetwork(_DatasetView, bundle="interaction_network"):
    """Interaction network of a batch: features are nodes sized by mean |φ_i|, the `network_edges`
    (default 30) pairs with the largest mean |Γ_ij| are edges coloured by the sign of the mean Γ_ij,
    placed by a force-directed layout seeded by `layout_seed` (the same seed, the same picture).

    result_or_array: as InteractionSummary. Meant for d ≥ 20, where a heatmap is hard to read;
    past 60 features it draws the edges' ends and the strongest features. Clicking a node selects
    the feature, an edge the pair: the same drill-down as the matrix. Keywords as InteractionMatrix.
    """

    _tabs = ("network",)
