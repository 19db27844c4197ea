"""TextInteractions: sentences as inline tokens coloured by attribution, with their interactions.

Integrated Hessians (Janizek et al., JMLR 2021, https://arxiv.org/abs/2002.04138) explained from
token ids (`embedding=`) gives each sentence a (T, T) matrix Γ of token pairs. Traits follow
js/CONTRACT.md ("TextInteractions"); the view is js/src/widgets/text_interactions.js. Every
sentence's matrix travels once, in binary, so every hover and click is answered without a kernel
(saved notebooks and `tw.export_html` keep all of them).
"""
from __future__ import annotations

import traitlets as t

from .base import TaylorWidget
from .payloads import text as tx
from .traits import Choice, Float32Array, Index, Record, Text


class TextInteractions(TaylorWidget, bundle="text_interactions"):
    """Each sentence as inline tokens; hover or click a token to colour the others by Γ with it.

    result: a PathResult of `tw.integrated_hessians` / `tw.expected_hessians` explained from token
    ids, (B, T, T) per-token interactions (or such an array). tokens: B lists of at most T
    strings (a sentence shorter than T is padded; its padding is not drawn), one list for B = 1,
    or None for the result's feature names (else the positions t0, t1, …). Tokens are untrusted text (rendered with textContent only).
    title: heading. sentence: the sentence shown. selected: the token whose row of Γ colours the
    others (−1: colour by attribution φ_i = Σ_j Γ_ij). top_k: arcs for the sentence's k strongest
    pairs i < j by |Γ_ij| (0: none). scheme: "RdBu" | "PuOr" | "PiYG" (diverging, centred at 0).
    """

    _shape_dims = ("B", "T")

    # --- data (Python → JS); shapes are fixed when the view is built ---
    interactions = Float32Array(("B", "T", "T")).tag(sync=True)
    """(B, T, T) float32: Γ_ij of every sentence (summed over the embedding axis)."""
    attributions = Float32Array(("B", "T")).tag(sync=True)
    """(B, T) float32: φ_i = Σ_j Γ_ij."""
    tokens = Record(lambda v, w: tx.check_tokens(v, w._dims["B"], w._dims["T"]), []).tag(sync=True)
    """B lists of 1 … T strings: untrusted text."""
    title = Text("").tag(sync=True)
    value_label = Text("Γ").tag(sync=True)
    """What the numbers are, e.g. "Γ, Integrated Hessians" (legend and CSV)."""

    # --- user state (both ways) ---
    sentence = Index(0, "B").tag(sync=True)
    """The sentence shown, 0 ≤ sentence < B."""
    selected = Index(-1, lambda w: len(w.tokens[w.sentence]) if w.tokens else w._dims["T"],
                     default_value=-1).tag(sync=True)
    """The selected token of the sentence shown (−1 none); below the sentence's own length."""
    top_k = Index(0, 51, default_value=3).tag(sync=True)
    """Arcs for the k strongest pairs of the sentence (0 … 50)."""
    scheme = Choice(tx.SCHEMES, "RdBu").tag(sync=True)

    def __init__(self, result, tokens=None, *, title=None, sentence=0, selected=-1, top_k=3, scheme="RdBu"):
        data = tx.text_payload(result, tokens, title)
        B, T = data["interactions"].shape[:2]
        self._dims = {"B": B, "T": T}
        super().__init__(**data)
        self.sentence, self.selected, self.top_k, self.scheme = sentence, selected, top_k, scheme

    @t.observe("sentence")
    def _on_sentence(self, change):
        # a token index of one sentence means nothing in another
        if change["old"] != change["new"] and not self._from_front_end("selected"):
            self.selected = -1

    def top_pairs(self, sentence: int | None = None, k: int | None = None) -> list[tuple[int, int, float]]:
        """The arcs the view draws: the k strongest pairs i < j of a sentence as (i, j, Γ̄_ij), Γ̄ the
        symmetrised Γ in float32 as sent, strongest first (zeros left out)."""
        from .snapshots.text import top_pairs

        b = self.sentence if sentence is None else sentence
        return top_pairs(self.interactions[b], len(self.tokens[b]), self.top_k if k is None else k)

    def _snapshot_figure(self):
        """A matplotlib picture of the sentence shown: tokens in their colours, arcs, legend."""
        from .snapshots.text import text_figure

        return text_figure(self)

    def _repr_fields(self):
        B, T = self._shape
        return [("sentences", str(B)), ("T", str(T))]
