"""AllocationView: how each attribution method allocates the Taylor effects of one input.

Deng et al., TPAMI 2024 (https://arxiv.org/abs/2303.01506), measured by `tw.attribution_audit`.
Traits follow js/CONTRACT.md ("AllocationView"); the view is js/src/widgets/allocation_view.js.
Everything it draws and every click it answers comes from traits, so it works with no kernel.
"""
from __future__ import annotations

import anywidget
import numpy as np
import traitlets as t

from . import _allocation as al
from . import _checks as chk
from ._serialize import Float32Array
from .interaction_matrix import _STATIC


class AllocationView(anywidget.AnyWidget):
    """A row per attribution method: per player a stacked bar of what the method gave it.

    audit: the AuditResult of `tw.attribution_audit` (every input and method comes along).
    feature_names: n player names (rendered as text, never HTML); default x0, x1, …
    title: heading. sample: the input shown. method: the method whose allocation matrix is
    open ("" none). feature: the player whose received effects are listed (−1 none).
    The allocation of every input and method travels once, in binary: B·M·n·2^n float32 values
    (2 inputs × 14 methods × 8 players: 0.2 MB; at the audit's limit of 12 players, 5.5 MB per input).
    """

    _esm = _STATIC / "allocation_view.js"

    # --- data (Python → JS) ---
    methods = t.List(t.Unicode(), default_value=[]).tag(sync=True)
    """M audited method names, one row each (skipped methods are in `skipped`)."""
    feature_names = t.List(t.Unicode(), default_value=[]).tag(sync=True)
    """n player names: untrusted text, rendered with textContent only."""
    allocation = Float32Array(ndim=4).tag(sync=True)
    """(B, M, n, 2^n) float32: E_{i,S}, what player i receives from effect S (S a bitmask, bit i = player i)."""
    attributions = Float32Array(ndim=3).tag(sync=True)
    """(B, M, n) float32: a_i(x) = Σ_S E_{i,S}."""
    segments = Float32Array(ndim=4).tag(sync=True)
    """(B, M, n, 8) float32: [own, interaction, others, baseline] × [positive, negative] parts; sums to a_i."""
    dividends = Float32Array(ndim=2).tag(sync=True)
    """(B, 2^n) float32: Harsanyi dividends I(S) of the fixed-baseline game."""
    expected_dividends = Float32Array(ndim=2).tag(sync=True)
    """(B, 2^n) float32: I(S) of the background (expected) game, or shape [0] when not audited."""
    marks = t.List(t.Dict(), default_value=[]).tag(sync=True)
    """M dicts {"method", "game": "baseline" | "background", "P1", "P2_leak", "P2_amount", "P3_leak", "P3_amount": [B floats]}."""
    tol = t.Float(1e-2).tag(sync=True)
    """A principle passes when its measure (P2/P3: the larger of leak and amount) is ≤ tol."""
    skipped = t.Dict(default_value={}).tag(sync=True)
    """{method: reason} for methods that do not apply to the model."""
    title = t.Unicode("").tag(sync=True)
    """Heading shown above the bars."""

    # --- user state (both ways) ---
    method = t.Unicode("").tag(sync=True)
    """The method whose full allocation matrix is shown, "" for none."""
    feature = t.Int(-1).tag(sync=True)
    """The player whose received effects are listed, −1 for none."""
    sample = t.Int(0).tag(sync=True)
    """The input shown, 0 ≤ sample < B."""

    def __init__(self, audit, feature_names=None, *, title=None, sample=0, method="", feature=-1):
        data = al.audit_payload(audit, feature_names, title)
        data = {k: v for k, v in data.items() if v is not None}
        super().__init__(**data)
        self.sample, self.method, self.feature = sample, method, feature

    # --- validation: every path goes through _allocation / _checks ---
    @property
    def _shape(self) -> tuple[int, int, int]:
        """(B, M, n) of the data."""
        a = self.attributions
        return tuple(int(s) for s in a.shape) if a.ndim == 3 else (0, 0, 0)

    @t.validate("sample")
    def _v_sample(self, proposal):
        return chk.check_int(proposal["value"], "sample", 0, max(self._shape[0], 1))

    @t.validate("feature")
    def _v_feature(self, proposal):
        return chk.check_int(proposal["value"], "feature", -1, max(self._shape[2], 0))

    @t.validate("method")
    def _v_method(self, proposal):
        return al.check_method(proposal["value"], self.methods)

    @t.validate("feature_names")
    def _v_names(self, proposal):
        return chk.check_names(proposal["value"], self._shape[2]) if self._shape[2] else proposal["value"]

    @t.validate("marks")
    def _v_marks(self, proposal):
        B, M, _ = self._shape
        return al.check_marks(proposal["value"], M, B)

    @t.validate("tol")
    def _v_tol(self, proposal):
        return al.check_tol(proposal["value"])

    def segment_table(self, sample: int | None = None) -> np.ndarray:
        """(M, n, 4, 2) float64 bar segments of one input (KINDS × positive/negative), from `allocation`."""
        b = self.sample if sample is None else chk.check_int(sample, "sample", 0, max(self._shape[0], 1))
        return al.segments(self.allocation[b])

    def __repr__(self) -> str:
        B, M, n = self._shape
        return f"{type(self).__name__}(B={B}, methods={M}, players={n}, skipped={len(self.skipped)})"
