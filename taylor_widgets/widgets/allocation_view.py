"""AllocationView: how each attribution method allocates the Taylor effects of one input.

Deng et al., TPAMI 2024 (https://arxiv.org/abs/2303.01506), measured by `tw.attribution_audit`.
Traits follow js/CONTRACT.md ("AllocationView"); the view is js/src/widgets/allocation_view.js.
Everything it draws and every click it answers comes from traits, so it works with no kernel.
"""
from __future__ import annotations

import math

import numpy as np
import traitlets as t

from .base import TaylorWidget
from .checks import check_int
from .payloads import allocation as al
from .traits import Choice, Flag, Float32Array, Index, Names, Number, Record, Text

#: How the bars of the method rows are scaled (js/src/lib/scales.js `rowScales`).
BAR_SCALES = ("row", "shared")


class AllocationView(TaylorWidget, bundle="allocation_view"):
    """A row per attribution method: per player a stacked bar of what the method gave it.

    audit: the AuditResult of `tw.attribution_audit` (every input and method comes along).
    feature_names: n player names (rendered as text, never HTML); default x0, x1, …
    title: heading. sample: the input shown. method: the method whose allocation matrix is
    open ("" none). feature: the player whose received effects are listed (−1 none).
    bar_scale: "row" (default: each method row its own scale, so that one method's large
    attributions do not flatten the others) or "shared"; robust: scale by the 99th percentile of
    the bars instead of the longest (longer bars are cut, with a mark). The scale is printed on
    each row.
    The allocation of every input and method travels once, in binary: B·M·n·2^n float32 values
    (2 inputs × 14 methods × 8 players: 0.2 MB; at the audit's limit of 12 players, 5.5 MB per input).
    """

    _shape_dims = ("B", "M", "n")

    # --- data (Python → JS); shapes are fixed when the view is built ---
    methods = Names("M", what="method names (one per audited method)", distinct=True).tag(sync=True)
    """M audited method names, one row each (skipped methods are in `skipped`)."""
    feature_names = Names("n", what="names (one per feature)", default=lambda i: f"x{i}").tag(sync=True)
    """n player names: untrusted text, rendered with textContent only."""
    allocation = Float32Array(("B", "M", "n", "K")).tag(sync=True)
    """(B, M, n, 2^n) float32: E_{i,S}, what player i receives from effect S (S a bitmask, bit i = player i).
    Setting it recomputes `attributions` and `segments` from it."""
    attributions = Float32Array(("B", "M", "n")).tag(sync=True)
    """(B, M, n) float32: a_i(x) = Σ_S E_{i,S}."""
    segments = Float32Array(("B", "M", "n", 2 * len(al.KINDS)), refuse=al.segment_refusal).tag(sync=True)
    """(B, M, n, 8) float32: [own, interaction, others, baseline] × [positive, negative] parts; sums to a_i."""
    dividends = Float32Array(("B", "K")).tag(sync=True)
    """(B, 2^n) float32: Harsanyi dividends I(S) of the fixed-baseline game."""
    expected_dividends = Float32Array(("Be", "K")).tag(sync=True)
    """(B, 2^n) float32: I(S) of the background (expected) game, or shape [0] when not audited."""
    marks = Record(al.check_marks, []).tag(sync=True)
    """M dicts {"method", "game": "baseline" | "background", "P1", "P2_leak", "P2_amount", "P3_leak", "P3_amount": [B floats]}."""
    tol = Number(0.0, math.inf, 1e-2).tag(sync=True)
    """A principle passes when its measure (P2/P3: the larger of leak and amount) is ≤ tol."""
    skipped = Record(al.check_skipped, {}).tag(sync=True)
    """{method: reason} for methods that do not apply to the model."""
    title = Text("").tag(sync=True)
    """Heading shown above the bars."""

    # --- user state (both ways) ---
    method = Choice(lambda w: ("", *w.methods), "").tag(sync=True)
    """The method whose full allocation matrix is shown, "" for none."""
    feature = Index(-1, "n", default_value=-1).tag(sync=True)
    """The player whose received effects are listed, −1 for none."""
    sample = Index(0, "B").tag(sync=True)
    """The input shown, 0 ≤ sample < B."""
    bar_scale = Choice(BAR_SCALES, "row").tag(sync=True)
    """"row": each method row spans its own ±scale; "shared": one ±scale for every row."""
    robust = Flag(False).tag(sync=True)
    """Scale by the 99th percentile of the bars (per row, or over all rows) instead of the longest."""

    def __init__(self, audit, feature_names=None, *, title=None, sample=0, method="", feature=-1, bar_scale="row",
                 robust=False):
        data = al.audit_payload(audit, feature_names, title)
        B, M, n, K = data["allocation"].shape
        self._dims = {"B": B, "M": M, "n": n, "K": K, "Be": 0 if data["expected_dividends"] is None else B}
        super().__init__(**{k: v for k, v in data.items() if v is not None})
        self.sample, self.method, self.feature, self.bar_scale, self.robust = sample, method, feature, bar_scale, robust

    @t.observe("allocation")
    def _on_allocation(self, change):
        # The bars and the net ticks are derived from the allocation: keep them in step with a new one.
        if change["old"] is None or change["old"].size == 0:  # the constructor's, which came with the audit's own values
            return
        E = self.allocation.astype(np.float64)
        with self.hold_sync():
            self.attributions = E.sum(-1)
            self.segments = al.segments(E).reshape(E.shape[:3] + (2 * len(al.KINDS),))

    def segment_table(self, sample: int | None = None) -> np.ndarray:
        """(M, n, 4, 2) float64 bar segments of one input (KINDS × positive/negative), from `allocation`."""
        b = self.sample if sample is None else check_int(sample, "sample", 0, self._dims["B"])
        return al.segments(self.allocation[b])

    def row_scales(self, sample: int | None = None) -> np.ndarray:
        """(M,) the ±value scale of each method row as the view draws it (bar_scale, robust)."""
        from .snapshots.allocation import row_scales

        return row_scales(self.segment_table(sample), self.bar_scale, self.robust)

    def _snapshot_figure(self):
        """A matplotlib picture of the bars (per-row or shared scale, as shown), marks and legend."""
        from .snapshots.allocation import allocation_figure

        return allocation_figure(self)

    def _repr_fields(self):
        B, M, n = self._shape
        return [("B", str(B)), ("methods", str(M)), ("players", str(n)), ("skipped", str(len(self.skipped)))]
