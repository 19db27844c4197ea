"""Procedural sentiment with negation and intensifiers, and the tiny transformer trained on it.

Each sentence has one sentiment word ("good", "bad", ...), optionally preceded by a negator
("not", "never") and/or an intensifier ("very", "so", ...), between 0-3 random filler words
before and 0-2 after:

    movie the not very good again      label 0 (negative): "not" flips "good"
    it never bad                       label 1 (positive)
    is a so awful film                 label 0

The label is the sentiment word's polarity, flipped by a negator; intensifiers and fillers never
change it. So the label is an interaction (an exclusive or) of the negator and the sentiment
word, which is what token interactions should find: in a negated sentence the negator is the
sentiment word's strongest partner. Sentences are padded to MAX_LEN with "<pad>" (id 0) and a
padding mask. Everything is seeded; `train_sentiment_transformer` trains in a few seconds on a CPU.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from .text_models import TinyTextTransformer

PAD = "<pad>"
POSITIVE = ("good", "great", "fine", "nice", "excellent")
NEGATIVE = ("bad", "awful", "poor", "boring", "terrible")
NEGATORS = ("not", "never")
INTENSIFIERS = ("very", "so", "really", "extremely")
FILLERS = ("the", "movie", "was", "this", "film", "is", "a", "plot", "it", "acting", "overall", "today", "again",
           "to", "me", "story")
VOCAB = (PAD, *POSITIVE, *NEGATIVE, *NEGATORS, *INTENSIFIERS, *FILLERS)
MAX_LEN = 10


@dataclass
class SentimentData:
    """Token ids (N, T) padded with id 0, padding mask (N, T) (True at padding), labels (N,) (1 = positive),
    and per sentence the position of its sentiment word, of its negator (−1: none) and of its intensifier (−1)."""

    ids: torch.Tensor
    padding_mask: torch.Tensor
    labels: torch.Tensor
    sentiment_at: torch.Tensor
    negator_at: torch.Tensor
    intensifier_at: torch.Tensor
    vocab: tuple[str, ...] = VOCAB

    def tokens(self, i: int) -> list[str]:
        """The words of sentence i, padding left out."""
        n = int((~self.padding_mask[i]).sum())
        return [self.vocab[t] for t in self.ids[i, :n].tolist()]

    def __len__(self) -> int:
        return self.ids.shape[0]


def sentiment_sentences(n: int = 2000, seed: int = 0, negated: float = 0.4, intensified: float = 0.4) -> SentimentData:
    """n seeded sentences; a fraction `negated` carry a negator and `intensified` an intensifier."""
    g = torch.Generator().manual_seed(seed)
    index = {w: i for i, w in enumerate(VOCAB)}

    def pick(options):
        return options[int(torch.randint(len(options), (1,), generator=g))]

    ids = torch.zeros(n, MAX_LEN, dtype=torch.long)
    labels, sent_at, neg_at, int_at, lengths = [], [], [], [], []
    for row in range(n):
        positive = bool(torch.rand(1, generator=g) < 0.5)
        words = [pick(FILLERS) for _ in range(int(torch.randint(0, 4, (1,), generator=g)))]
        neg = int_ = -1
        if torch.rand(1, generator=g) < negated:
            neg = len(words)
            words.append(pick(NEGATORS))
        if torch.rand(1, generator=g) < intensified:
            int_ = len(words)
            words.append(pick(INTENSIFIERS))
        sent_at.append(len(words))
        words.append(pick(POSITIVE if positive else NEGATIVE))
        words.extend(pick(FILLERS) for _ in range(int(torch.randint(0, 3, (1,), generator=g))))
        ids[row, : len(words)] = torch.tensor([index[w] for w in words])
        labels.append(int(positive != (neg >= 0)))
        neg_at.append(neg)
        int_at.append(int_)
        lengths.append(len(words))
    mask = torch.arange(MAX_LEN)[None] >= torch.tensor(lengths)[:, None]
    as_long = lambda v: torch.tensor(v, dtype=torch.long)  # noqa: E731
    return SentimentData(ids, mask, as_long(labels), as_long(sent_at), as_long(neg_at), as_long(int_at))


def train_sentiment_transformer(data: SentimentData | None = None, seed: int = 0, steps: int = 300,
                                dim: int = 32, layers: int = 1) -> TinyTextTransformer:
    """A `TinyTextTransformer` (E = `dim`, `layers` layers, 2 heads) trained with Adam on `data`
    (default: 2000 sentences, seed 0) for `steps` minibatches of 64; returned in eval mode, float32."""
    data = sentiment_sentences(2000, seed=seed) if data is None else data
    torch.manual_seed(seed)
    model = TinyTextTransformer(len(VOCAB), dim=dim, layers=layers, heads=2, hidden=2 * dim, max_len=MAX_LEN)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    g = torch.Generator().manual_seed(seed + 1)
    model.train()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a model this small trains several times faster on one thread than on two
    try:
        for _ in range(steps):
            batch = torch.randint(len(data), (64,), generator=g)
            logits = model(data.ids[batch], data.padding_mask[batch])
            loss = torch.nn.functional.cross_entropy(logits, data.labels[batch])
            opt.zero_grad()
            loss.backward()
            opt.step()
    finally:
        torch.set_num_threads(threads)
    return model.eval()
