"""A tiny transformer text classifier: token ids → embeddings → 2-layer encoder → class logits.

Built from `torch.nn` parts only (`nn.TransformerEncoder` with its fused attention), so the
explainers meet exactly what users build. The embedding module outputs token + position
embeddings (B, T, E); everything after it (`encoder`) takes those embeddings, which is what the
path methods interpolate: `tw.integrated_hessians(model.encoder, model.embedding(ids),
target=c, embedding_axis=-1)` gives (B, T, T) token interactions. At the zero-embedding
baseline its LayerNorms divide by a spread that vanishes near the baseline, the sharp integrand
the adaptive quadrature is tested on (README, "Accuracy: the quadrature rule").
"""
from __future__ import annotations

import torch
from torch import nn


class TokenEmbedding(nn.Module):
    """(B, T) token ids → (B, T, E) token plus learned position embeddings."""

    def __init__(self, vocab: int, dim: int, max_len: int):
        super().__init__()
        self.tokens = nn.Embedding(vocab, dim)
        self.positions = nn.Embedding(max_len, dim)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        pos = torch.arange(ids.shape[1], device=ids.device)
        return self.tokens(ids) + self.positions(pos)[None]


class TextEncoder(nn.Module):
    """(B, T, E) embeddings → (B, classes) logits: a post-norm GELU encoder, mean over tokens, a linear head.

    padding_mask: optional (B, T) bool, True at padding; padded tokens are neither attended to
    nor averaged.
    """

    def __init__(self, dim: int = 64, layers: int = 2, heads: int = 4, hidden: int = 128, classes: int = 2):
        super().__init__()
        layer = nn.TransformerEncoderLayer(dim, heads, hidden, dropout=0.0, activation="gelu", batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.head = nn.Linear(dim, classes)

    def forward(self, e: torch.Tensor, padding_mask: torch.Tensor | None = None) -> torch.Tensor:
        h = self.encoder(e, src_key_padding_mask=padding_mask)
        if padding_mask is None:
            return self.head(h.mean(1))
        keep = (~padding_mask).to(h.dtype)[..., None]
        return self.head((h * keep).sum(1) / keep.sum(1).clamp_min(1.0))


class TinyTextTransformer(nn.Module):
    """(B, T) token ids → (B, classes) logits: `embedding` (TokenEmbedding) then `encoder` (TextEncoder)."""

    def __init__(self, vocab: int, dim: int = 64, layers: int = 2, heads: int = 4, hidden: int = 128,
                 classes: int = 2, max_len: int = 64):
        super().__init__()
        self.embedding = TokenEmbedding(vocab, dim, max_len)
        self.encoder = TextEncoder(dim, layers, heads, hidden, classes)

    def forward(self, ids: torch.Tensor, padding_mask: torch.Tensor | None = None) -> torch.Tensor:
        return self.encoder(self.embedding(ids), padding_mask)


def tiny_text_transformer(vocab: int = 100, max_len: int = 64, seed: int = 0, **kw) -> TinyTextTransformer:
    """The seeded 2-layer, E = 64 transformer (4 heads, GELU, feed-forward 128), in eval mode."""
    torch.manual_seed(seed)
    return TinyTextTransformer(vocab, max_len=max_len, **kw).eval()
