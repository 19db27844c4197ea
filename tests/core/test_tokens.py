"""Token ids with embedding=, token baselines and forward_kwargs= in IG, IH, EG and EH (core/tokens.py).

References never go through the hook: the same model explained from embeddings it computes
itself (`embedding_axis=-1`), or a Gauss–Legendre sum of torch.autograd gradients written here.
Models: the package's nn.TransformerEncoder classifier (fused attention on), a hand-written
attention model, and (with the `transformers` test extra) a tiny random BERT from a config.
"""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import taylor_widgets as tw

V, T = 30, 6


@pytest.fixture(scope="module")
def tiny():
    """nn.TransformerEncoder on token + position embeddings, float64, fused attention left on."""
    return tw.tiny_text_transformer(vocab=V, max_len=T, seed=0, dim=16, layers=1, heads=2, hidden=32).double()


IDS = torch.tensor([[3, 7, 1, 9, 4, 2], [5, 5, 8, 0, 0, 0]])
MASK = IDS == 0  # True at padding
MASK[0] = False


class HandAttention(nn.Module):
    """Embedding → one head of softmax(QKᵀ/√E + mask) V written out → mean → 2 logits; mask is additive."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(3)
        self.emb = nn.Embedding(V, 8)
        self.q, self.k, self.v = nn.Linear(8, 8), nn.Linear(8, 8), nn.Linear(8, 8)
        self.out = nn.Linear(8, 2)

    def forward(self, ids, attn_bias=None, scale=1.0):
        e = self.emb(ids)
        s = self.q(e) @ self.k(e).transpose(1, 2) / 8 ** 0.5
        if attn_bias is not None:
            s = s + attn_bias[:, None, :]
        h = torch.tanh(torch.softmax(s, -1) @ self.v(e))
        return self.out(h.mean(1)) * scale


def ig_reference(fn, e, eb, n=48):
    """Σ_k w_k (e − e') ⊙ ∇fn(e' + α_k (e − e')) summed over E, from torch.autograd (no engine, no hook)."""
    a, w = np.polynomial.legendre.leggauss(n)
    total = torch.zeros_like(e)
    for ak, wk in zip((a + 1) / 2, w / 2):
        z = (eb + float(ak) * (e - eb)).requires_grad_(True)
        (g,) = torch.autograd.grad(fn(z).sum(), z)
        total += wk * g
    return ((e - eb) * total).sum(-1)


def test_token_ig_matches_autograd_on_a_fused_transformer_encoder(tiny):
    r = tw.integrated_gradients(tiny, IDS, target=1, embedding=tiny.embedding, steps=48)
    with torch.no_grad():
        e = tiny.embedding(IDS)
    ref = ig_reference(lambda z: tiny.encoder(z)[:, 1], e, torch.zeros_like(e))
    assert r.values.shape == (2, T)
    torch.testing.assert_close(r.values, ref, rtol=1e-9, atol=1e-11)
    assert r.x.shape == (2, T, 16)  # the interpolated input is the embedding


@pytest.mark.parametrize("fn", [tw.integrated_gradients, tw.integrated_hessians])
def test_token_results_equal_the_embedding_route(tiny, fn):
    tok = fn(tiny, IDS, target=1, embedding=tiny.embedding, forward_kwargs={"padding_mask": MASK})
    with torch.no_grad():
        e = tiny.embedding(IDS)
    emb = fn(tiny.encoder, e, target=1, embedding_axis=-1, forward_kwargs={"padding_mask": MASK})
    torch.testing.assert_close(tok.values, emb.values, rtol=1e-10, atol=1e-12)
    assert tok.values.shape == ((2, T) if fn is tw.integrated_gradients else (2, T, T))
    assert tok.relative_completeness_error.max() < 1e-5
    # padding takes no part: the mask removes it from attention and from the mean
    pad = MASK[1]
    assert tok.values[1, pad].abs().max() == 0
    if fn is tw.integrated_hessians:
        assert tok.values[1][:, pad].abs().max() == 0


def test_padding_mask_changes_the_explanation(tiny):
    """The kwargs really reach the model: without the mask the padded tokens get attributions."""
    r = tw.integrated_gradients(tiny, IDS, target=1, embedding=tiny.embedding)
    assert r.values[1, MASK[1]].abs().min() > 0


def test_token_baselines(tiny):
    kw = dict(target=0, embedding=tiny.embedding, steps=8)
    with torch.no_grad():
        e = tiny.embedding(IDS)
        pad = tiny.embedding(torch.zeros_like(IDS))
        sentence = tiny.embedding(torch.tensor([[1, 2, 3, 4, 5, 6]]))
    assert tw.integrated_gradients(tiny, IDS, **kw).baseline.abs().max() == 0
    torch.testing.assert_close(tw.integrated_gradients(tiny, IDS, baseline=0, **kw).baseline, pad)
    torch.testing.assert_close(tw.integrated_gradients(tiny, IDS, baseline=np.int64(0), **kw).baseline, pad)
    ids_b = tw.integrated_gradients(tiny, IDS, baseline=torch.tensor([1, 2, 3, 4, 5, 6]), **kw)
    torch.testing.assert_close(ids_b.baseline, sentence.expand(2, -1, -1))
    shared = tw.integrated_gradients(tiny, IDS, baseline=e[0], **kw)
    assert shared.values[0].abs().max() == 0  # x = x' for the first sentence
    per = tw.integrated_gradients(tiny, IDS, baseline=e.flip(0), target=0, embedding=tiny.embedding)
    torch.testing.assert_close(per.baseline, e.flip(0))
    assert per.relative_completeness_error.max() < 1e-5


def test_hand_written_attention_with_an_additive_mask_and_a_shared_argument():
    m = HandAttention().double()
    bias = torch.zeros(2, T, dtype=torch.float64)
    bias[1, 3:] = -1e9
    kw = {"attn_bias": bias, "scale": 2.0}
    r = tw.integrated_hessians(m, IDS, target=1, embedding=m.emb, forward_kwargs=kw)
    for b in range(2):  # reference: each sentence alone, explained from embeddings
        with torch.no_grad():
            e = m.emb(IDS[b : b + 1])

        def from_embeddings(z, b=b):
            return m.out(torch.tanh(torch.softmax(
                m.q(z) @ m.k(z).transpose(1, 2) / 8 ** 0.5 + bias[b : b + 1, None, :], -1) @ m.v(z)).mean(1)) * 2.0

        ref = tw.integrated_hessians(from_embeddings, e, target=1, embedding_axis=-1)
        torch.testing.assert_close(r.values[b], ref.values[0], rtol=1e-8, atol=1e-10)
    assert r.relative_completeness_error.max() < 1e-5


def test_expected_methods_from_token_id_data(tiny):
    data = torch.randint(0, V, (20, T), generator=torch.Generator().manual_seed(4))
    kw = dict(target=1, embedding=tiny.embedding, samples=16, seed=7)
    eg = tw.expected_gradients(tiny, IDS, data, **kw)
    eh = tw.expected_hessians(tiny, IDS, data, **kw)
    assert eg.values.shape == (2, T) and eh.values.shape == (2, T, T)
    torch.testing.assert_close(eh.values.sum((1, 2)), eh.output - eh.baseline_output + eh.completeness_error)
    # each input's draws depend on the seed and that input only: one sentence alone gives its row
    alone = tw.expected_hessians(tiny, IDS[1:], data, **kw)
    torch.testing.assert_close(alone.values[0], eh.values[1], rtol=1e-10, atol=1e-12)
    with torch.no_grad():
        emb_data = tiny.embedding(data)
    same = tw.expected_gradients(tiny, IDS, emb_data, **kw)
    torch.testing.assert_close(same.values, eg.values)


def test_rows_index_tokens(tiny):
    full = tw.integrated_hessians(tiny, IDS, target=1, embedding=tiny.embedding)
    rows = tw.integrated_hessians(tiny, IDS, target=1, embedding=tiny.embedding, rows=[2, 4])
    torch.testing.assert_close(rows.values, full.values[:, [2, 4]], rtol=1e-7, atol=1e-10)


def test_the_hook_is_removed_after_success_and_error(tiny):
    tw.integrated_gradients(tiny, IDS, target=1, embedding=tiny.embedding, steps=4)
    assert not tiny.embedding._forward_hooks

    class Fails(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(V, 4)

        def forward(self, ids):
            self.emb(ids)
            raise RuntimeError("boom")

    m = Fails().double()
    with pytest.raises(ValueError, match="x: the model failed.*boom"):
        tw.integrated_gradients(m, IDS, target=0, embedding=m.emb)
    assert not m.emb._forward_hooks


# --- bad inputs: each names its argument -------------------------------------------------------


@pytest.mark.parametrize("fn", [tw.integrated_gradients, tw.integrated_hessians])
def test_ids_without_embedding(tiny, fn):
    with pytest.raises(TypeError, match=r"x: expected a floating-point tensor, got dtype torch.int64.*embedding="):
        fn(tiny, IDS, target=1)


def test_embedding_that_is_not_called(tiny):
    with pytest.raises(ValueError, match="embedding: the module was not called"):
        tw.integrated_gradients(tiny, IDS, target=1, embedding=nn.Embedding(V, 16).double())


def test_embedding_called_twice():
    class Twice(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb, self.head = nn.Embedding(V, 4), nn.Linear(4, 2)

        def forward(self, ids):
            return self.head((self.emb(ids) + self.emb(ids.flip(1))).mean(1))

    m = Twice().double()
    with pytest.raises(ValueError, match="embedding: the module was called 2 times"):
        tw.integrated_gradients(m, IDS, target=1, embedding=m.emb)
    assert not m.emb._forward_hooks


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        (dict(baseline=V), ValueError, rf"baseline: token id {V} is out of the vocabulary \[0, {V}\)"),
        (dict(baseline=-1), ValueError, r"baseline: token id -1 is out of the vocabulary"),
        (dict(baseline=0.5), TypeError, "baseline: with token ids, pass None"),
        (dict(baseline=True), TypeError, "baseline: expected None, a token id"),
        (dict(baseline=torch.tensor([1, 2, 3])), ValueError, r"baseline: token ids of shape \(3,\) do not match"),
        (dict(forward_kwargs={"padding_mask": MASK[:1].repeat(3, 1)}), ValueError,
         r"forward_kwargs: the model failed .* whose first dimension is 2 \(the batch\) are split per input"),
        (dict(forward_kwargs={"colour": 1}), ValueError, "forward_kwargs: the model failed"),
        (dict(forward_kwargs=[("padding_mask", MASK)]), TypeError, "forward_kwargs: expected a dict"),
        (dict(forward_kwargs={1: MASK}), TypeError, "forward_kwargs: keys must be argument names"),
        (dict(embedding="embedding"), TypeError, "embedding: expected the nn.Module"),
        (dict(embedding_axis=0), ValueError, "embedding_axis: with token ids the results are per token"),
    ],
)
def test_bad_token_inputs(tiny, kwargs, err, match):
    kw = {"target": 1, "embedding": tiny.embedding, **kwargs}
    with pytest.raises(err, match=match):
        tw.integrated_gradients(tiny, IDS, **kw)
    assert not tiny.embedding._forward_hooks


@pytest.mark.parametrize(
    "x, err, match",
    [
        (IDS.double(), TypeError, "x: expected integer token ids, got dtype torch.float64.*drop embedding="),
        (IDS[0], ValueError, r"x: expected token ids of shape \(B, T\), got \(6,\); for one sentence use x\[None\]"),
        (IDS + V, ValueError, rf"x: token id {9 + V} is out of the vocabulary \[0, {V}\)"),
        (-IDS - 1, ValueError, r"x: token id -10 is out of the vocabulary"),
        (IDS[:, :0], ValueError, "x: is empty"),
        ([[1, 2]], TypeError, "x: expected integer token ids as a"),
    ],
)
def test_bad_token_ids(tiny, x, err, match):
    with pytest.raises(err, match=match):
        tw.integrated_hessians(tiny, x, target=1, embedding=tiny.embedding)


def test_numpy_ids_and_numpy_kwargs(tiny):
    a = tw.integrated_gradients(tiny, IDS.numpy(), target=1, embedding=tiny.embedding, steps=8,
                                forward_kwargs={"padding_mask": MASK.numpy()})
    b = tw.integrated_gradients(tiny, IDS, target=1, embedding=tiny.embedding, steps=8,
                                forward_kwargs={"padding_mask": MASK})
    torch.testing.assert_close(a.values, b.values)


def test_bad_token_data(tiny):
    with pytest.raises(ValueError, match=r"data: token ids of shape \(4, 3\) do not match x's length T = 6"):
        tw.expected_gradients(tiny, IDS, torch.zeros(4, 3, dtype=torch.long), target=1, embedding=tiny.embedding)
    with pytest.raises(ValueError, match="data: token id 99 is out of the vocabulary"):
        tw.expected_gradients(tiny, IDS, torch.full((4, T), 99), target=1, embedding=tiny.embedding)


# --- a Hugging Face BERT classifier, random weights from a config (the `transformers` test extra) ----


@pytest.fixture(scope="module")
def bert():
    transformers = pytest.importorskip("transformers")
    cfg = transformers.BertConfig(
        vocab_size=V, hidden_size=16, num_hidden_layers=2, num_attention_heads=2, intermediate_size=32,
        max_position_embeddings=16, num_labels=3, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0,
    )
    torch.manual_seed(0)
    return transformers.BertForSequenceClassification(cfg).eval().double()


BERT_IDS = torch.tensor([[2, 7, 11, 4, 9, 3, 1], [2, 5, 6, 3, 1, 1, 1]])
BERT_MASK = (BERT_IDS != 1).long()  # id 1 is the pad token here


@pytest.mark.parametrize("fn", [tw.integrated_gradients, tw.integrated_hessians])
def test_bert_from_token_ids_with_an_attention_mask(bert, fn):
    words = bert.bert.embeddings.word_embeddings
    r = fn(bert, BERT_IDS, target=2, embedding=words, forward_kwargs={"attention_mask": BERT_MASK}, baseline=1)
    assert r.values.shape == ((2, 7) if fn is tw.integrated_gradients else (2, 7, 7))
    assert r.relative_completeness_error.max() < 1e-5
    for b in range(2):  # reference: BERT's own inputs_embeds route, one sentence at a time, no hook
        with torch.no_grad():
            e, pad = words(BERT_IDS[b : b + 1]), words(torch.ones_like(BERT_IDS[b : b + 1]))

        def from_embeddings(z, b=b):
            return bert(inputs_embeds=z, attention_mask=BERT_MASK[b : b + 1]).logits

        ref = fn(from_embeddings, e, baseline=pad, target=2, embedding_axis=-1)
        torch.testing.assert_close(r.values[b], ref.values[0], rtol=1e-7, atol=1e-10)
    masked = BERT_MASK[1] == 0  # masked positions do not move the [CLS] logits
    assert r.values[1, masked].abs().max() < 1e-12
    assert not words._forward_hooks


def test_bert_expected_hessians_from_id_data(bert):
    data = torch.randint(2, V, (10, 7), generator=torch.Generator().manual_seed(0))
    r = tw.expected_hessians(bert, BERT_IDS, data, target=0, samples=8, seed=1,
                             embedding=bert.bert.embeddings.word_embeddings,
                             forward_kwargs={"attention_mask": BERT_MASK})
    assert r.values.shape == (2, 7, 7) and torch.isfinite(r.values).all()
    torch.testing.assert_close(r.values.sum((1, 2)), r.output - r.baseline_output + r.completeness_error)
