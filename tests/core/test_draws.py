"""Seeded draws per input (core/draws.py): batching never changes an input's Expected Gradients/Hessians."""
import pytest
import torch
from torch import nn

import taylor_widgets as tw
from taylor_widgets.core import draws

from _models import smooth_mlp

X = torch.randn(5, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
DATA = torch.randn(50, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(3))


@pytest.mark.parametrize("fn", [tw.expected_gradients, tw.expected_hessians])
def test_an_inputs_result_does_not_depend_on_its_batch(fn):
    m = smooth_mlp(4)
    whole = fn(m, X, DATA, samples=16, seed=7).values
    one_by_one = torch.cat([fn(m, X[i : i + 1], DATA, samples=16, seed=7).values for i in range(5)])
    reversed_ = fn(m, X.flip(0), DATA, samples=16, seed=7).values.flip(0)
    inside_other = fn(m, torch.cat([DATA[:3], X[2:3]]), DATA, samples=16, seed=7).values[3]
    assert torch.equal(whole, one_by_one) and torch.equal(whole, reversed_) and torch.equal(whole[2], inside_other)


def test_the_seed_and_the_input_decide_the_draws():
    m = smooth_mlp(4)
    a = tw.expected_hessians(m, X[:1], DATA, samples=8, seed=7).values
    assert not torch.equal(a, tw.expected_hessians(m, X[:1], DATA, samples=8, seed=8).values)
    twins = tw.expected_hessians(m, X[[0, 0]], DATA, samples=8, seed=7).values
    assert torch.equal(twins[0], twins[1]) and torch.equal(twins[:1], a)
    s = draws.input_seeds(X, 7)
    assert s == draws.input_seeds(X.clone(), 7) and len(set(s)) == 5 and all(0 <= v < 2**63 for v in s)


def test_one_seed_per_input_is_used_as_given():
    m = smooth_mlp(4)
    per = tw.expected_gradients(m, X[:2], DATA, samples=8, seed=[11, 12]).values
    assert torch.equal(per[1:], tw.expected_gradients(m, X[1:2], DATA, samples=8, seed=[12]).values)
    assert draws.input_seeds(X[:2], torch.tensor([11, 12])) == [11, 12]
    with pytest.raises(ValueError, match=r"seed: expected one seed per input \(2\), got 3"):
        tw.expected_gradients(m, X[:2], DATA, seed=[1, 2, 3])


def test_seed_none_draws_fresh_values():
    m = smooth_mlp(4)
    a = tw.expected_gradients(m, X[:1], DATA, samples=4).values
    b = tw.expected_gradients(m, X[:1], DATA, samples=4).values
    assert not torch.equal(a, b)


def test_caso_noise_is_drawn_per_input_too():
    torch.manual_seed(0)
    clf = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3)).double()
    both = tw.caso(clf, X[:2], smooth_samples=3, seed=5, max_iter=30).values
    second = tw.caso(clf, X[1:2], smooth_samples=3, seed=5, max_iter=30).values
    torch.testing.assert_close(both[1:], second, rtol=1e-12, atol=1e-12)
