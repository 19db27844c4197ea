"""TextInteractions payloads: a token result of IH / EH and its tokens → trait values.

A result explained from token ids (`embedding=`) holds per-token interactions (B, T, T) and
attributions (B, T). Sentences may be shorter than T (padding): a sentence's token list then
names its first tokens, and the padded positions are not drawn.
"""
from __future__ import annotations

import numpy as np

from ...core import PathResult
from ..checks import TraitTypeError, TraitValueError, check_str
from ..serialize import as_float32

SCHEMES = ("RdBu", "PuOr", "PiYG")
LABELS = {"integrated_hessians": "Γ, Integrated Hessians", "expected_hessians": "Γ, Expected Hessians"}


def text_payload(result, tokens, title=None) -> dict:
    """Trait values (interactions, attributions, tokens, title, value_label) of a token result.

    result: a PathResult of integrated_hessians / expected_hessians with (B, T, T) values, or a
    (T, T) / (B, T, T) array or tensor. tokens: B lists of at most T strings (one list for B = 1),
    or None for the result's feature names (else the positions t0, t1, …).
    """
    if isinstance(result, PathResult):
        if not result.is_interaction:
            raise TraitValueError(f"result: this {result.method} result holds attributions only (shape "
                                  f"{tuple(result.values.shape)}); the text view needs interactions "
                                  "(integrated_hessians / expected_hessians)")
        if result.rows is not None:
            raise TraitValueError(f"result: holds only rows {result.rows}; call the method without rows=")
        G = as_float32(result.values, "result")
        label = LABELS.get(result.method, f"Γ, {result.method}")
    elif result is None or isinstance(result, (str, bytes, dict)) or not hasattr(result, "__array__"):
        raise TraitTypeError("result: expected a PathResult of integrated_hessians / expected_hessians from token "
                             f"ids, or a (T, T) / (B, T, T) array, got {type(result).__name__}")
    else:
        G = as_float32(result, "result")
        label = "Γ"
        if G.ndim == 2:
            G = G[None]
    if G.ndim != 3 or G.shape[1] != G.shape[2] or G.shape[1] == 0 or G.shape[0] == 0:
        raise TraitValueError(f"result: expected per-token interactions (B, T, T), got shape {tuple(G.shape)}; "
                              "explain token ids with embedding= so that the embedding axis is summed")
    if not np.isfinite(G).all():
        raise TraitValueError(f"result: contains {int((~np.isfinite(G)).sum())} NaN or Inf value(s)")
    B, T = G.shape[:2]
    if tokens is None:
        tokens = _default_tokens(result, B, T)
    if title is not None:
        check_str(title, "title")
    return {"interactions": G, "attributions": G.astype(np.float64).sum(-1).astype(np.float32),
            "tokens": check_tokens(tokens, B, T), "value_label": label,
            "title": title if title is not None else "Token interactions"}


def is_token_result(result) -> bool:
    """True for interactions per token: a full (B, T, T) IH / EH result of a (B, T, E) input whose
    embedding axis was summed (explained from ids with `embedding=`, or with `embedding_axis=`)."""
    return (isinstance(result, PathResult) and result.is_interaction and result.rows is None
            and len(result.feature_shape) == 1 and getattr(result.x, "ndim", 0) == 3
            and tuple(result.values.shape[1:]) == (result.x.shape[1],) * 2)


def _default_tokens(result, B: int, T: int) -> list[list[str]]:
    """The result's feature names (one list shared by the sentences), else the positions t0 … t{T−1}."""
    names = getattr(result, "feature_names", None)
    row = list(map(str, names)) if names is not None and len(names) == T else [f"t{i}" for i in range(T)]
    return [list(row) for _ in range(B)]


def check_tokens(value, B: int, T: int) -> list[list[str]]:
    """B lists of 1 … T strings (a flat list of strings stands for the one sentence when B = 1)."""
    if not isinstance(value, (list, tuple)):
        raise TraitTypeError(f"tokens: expected a list of {B} token lists (strings), got {type(value).__name__}")
    value = list(value)
    if value and all(isinstance(v, str) for v in value):
        if B != 1:
            raise TraitValueError(f"tokens: expected {B} token lists (one per sentence), got one flat list of strings")
        value = [value]
    if len(value) != B:
        raise TraitValueError(f"tokens: expected {B} token lists (one per sentence), got {len(value)}")
    out = []
    for b, row in enumerate(value):
        if not isinstance(row, (list, tuple)):
            raise TraitTypeError(f"tokens[{b}]: expected a list of strings, got {type(row).__name__}")
        row = list(row)
        bad = [type(v).__name__ for v in row if not isinstance(v, str)]
        if bad:
            raise TraitTypeError(f"tokens[{b}]: expected strings, got {bad[0]}")
        if not 1 <= len(row) <= T:
            raise TraitValueError(f"tokens[{b}]: expected 1 to {T} tokens (the result's T; fewer for a padded "
                                  f"sentence), got {len(row)}")
        out.append(row)
    return out
