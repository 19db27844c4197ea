"""Exact Harsanyi dividends against the direct formula, and the Taylor-effect split."""
import itertools
import math

import pytest
import torch
from torch import nn

from taylor_widgets.core.taylor.harsanyi import harsanyi, mobius, patch_groups, subset_bits, taylor_effects, zeta

from _models import TaylorPoly as Poly


def _brute(model, x, b, n, masks):
    """I(S) = Σ_{T⊆S} (−1)^{|S|−|T|} v(x_T, b_−T), one evaluation per T, no fast transform."""
    out = {}
    for S in range(2**n):
        members = [i for i in range(n) if S >> i & 1]
        total = 0.0
        for r in range(len(members) + 1):
            for T in itertools.combinations(members, r):
                keep = masks[list(T)].sum(0) if T else torch.zeros(masks.shape[1], dtype=x.dtype)
                z = b + keep.reshape(x.shape) * (x - b)
                total += (-1) ** (len(members) - r) * float(model(z[None]).reshape(-1)[0])
        out[S] = total
    return torch.tensor([out[S] for S in range(2**n)], dtype=torch.float64)


def test_polynomial_dividends_are_its_taylor_terms():
    x = torch.tensor([[1.5, -2.0, 0.5, 3.0]], dtype=torch.float64)
    h = harsanyi(Poly(), x)
    x0, x1, x2, x3 = x[0].tolist()
    I = h.dividends[0]
    assert I[0b0001].item() == pytest.approx(2 * x0 + 3 * x0**2)
    assert I[0b0011].item() == pytest.approx(x0 * x1 + 0.5 * x0**2 * x1)
    assert I[0b0111].item() == pytest.approx(x0 * x1 * x2)
    assert I[0b1000].item() == pytest.approx(-x3)
    others = [s for s in range(16) if s not in (0b0001, 0b0011, 0b0111, 0b1000, 0)]
    assert I[others].abs().max() < 1e-12


def test_dividends_match_brute_force_and_sum_to_the_gap():
    torch.manual_seed(0)
    m = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3)).double()
    x, b = torch.randn(2, 5, dtype=torch.float64), torch.randn(5, dtype=torch.float64)
    h = harsanyi(m, x, b, target=1)
    eye = torch.eye(5, dtype=torch.float64)
    for i in range(2):
        ref = _brute(lambda z: m(z)[:, 1], x[i], b, 5, eye)
        torch.testing.assert_close(h.dividends[i], ref, rtol=1e-9, atol=1e-12)
    gap = m(x)[:, 1] - m(b[None])[:, 1]
    torch.testing.assert_close(h.dividends[:, 1:].sum(-1), gap.detach(), rtol=1e-10, atol=1e-12)
    assert h.completeness_error.abs().max() < 1e-12
    assert h.dividends[:, 1:][:, (subset_bits(5).sum(-1)[1:] >= 2)].abs().max() > 1e-3  # real interactions


def test_grouped_dividends_match_brute_force_on_an_image():
    torch.manual_seed(1)
    m = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.Softplus(), nn.Flatten(), nn.Linear(32, 1)).double()
    x = torch.randn(1, 1, 4, 4, dtype=torch.float64)
    groups = patch_groups((1, 4, 4), 2)
    h = harsanyi(m, x, None, groups=groups)
    assert h.n_players == 4 and h.masks.sum() == 16
    ref = _brute(m, x[0], torch.zeros_like(x[0]), 4, h.masks)
    torch.testing.assert_close(h.dividends[0], ref, rtol=1e-9, atol=1e-12)


def test_fast_transform_is_the_inverse_of_the_subset_sum_and_fast():
    v = torch.randn(3, 2**12, dtype=torch.float64)
    torch.testing.assert_close(zeta(mobius(v, 12), 12), v)
    n = 6  # against the O(3^n) definition
    v = torch.randn(2**n, dtype=torch.float64)
    direct = torch.tensor([sum((-1) ** (bin(S).count("1") - bin(T).count("1")) * v[T] for T in range(2**n) if T & S == T)
                           for S in range(2**n)], dtype=torch.float64)
    torch.testing.assert_close(mobius(v, n), direct)


def test_shapley_from_dividends_matches_the_permutation_formula():
    torch.manual_seed(2)
    m = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 1)).double()
    x = torch.randn(1, 4, dtype=torch.float64)
    h = harsanyi(m, x)
    v = h.values[0]
    phi = torch.zeros(4, dtype=torch.float64)
    for perm in itertools.permutations(range(4)):
        S = 0
        for i in perm:
            phi[i] += (v[S | 1 << i] - v[S]) / math.factorial(4)
            S |= 1 << i
    torch.testing.assert_close(h.shapley()[0], phi)


def test_taylor_effects_split():
    x = torch.tensor([[1.5, -2.0, 0.5, 3.0], [0.2, 0.3, -1.0, 1.0]], dtype=torch.float64)
    e = taylor_effects(Poly(), x)
    x0, x1, x2, x3 = x[0].tolist()
    torch.testing.assert_close(e.independent[0], torch.tensor([2 * x0 + 3 * x0**2, 0, 0, -x3], dtype=torch.float64))
    pair01 = x0 * x1 + 0.5 * x0**2 * x1
    assert e.pairs[0, 0, 1].item() == pytest.approx(pair01) and e.pairs[0, 1, 0].item() == pytest.approx(pair01)
    assert e.interaction_per_feature[0, 0].item() == pytest.approx(pair01 + x0 * x1 * x2)
    assert e.interaction_share[0, 2].item() == pytest.approx(x0 * x1 * x2 / 3)
    assert e.by_order[0, 3].item() == pytest.approx(x0 * x1 * x2)
    # independent + interaction effects account for the whole change
    total = e.independent.sum(-1) + e.interaction.sum(-1)
    torch.testing.assert_close(total, e.dividends.output - e.dividends.baseline_output)
    assert e.feature(2)[0] == ((0, 1, 2), pytest.approx(x0 * x1 * x2))
    assert e.top_interactions(1)[0][0] == (0, 1)
    assert taylor_effects(e.dividends).independent.equal(e.independent)


def test_bad_inputs():
    m = nn.Linear(20, 1).double()
    with pytest.raises(ValueError, match="groups="):
        harsanyi(m, torch.randn(1, 20, dtype=torch.float64))
    with pytest.raises(ValueError, match="overlap"):
        harsanyi(m, torch.randn(1, 20, dtype=torch.float64), groups=[[0, 1], [1, 2]])
    with pytest.raises(ValueError, match="cover"):
        harsanyi(m, torch.randn(1, 20, dtype=torch.float64), groups=[[0, 1], [2]])
    with pytest.raises(ValueError, match="shape"):
        harsanyi(m, torch.randn(1, 20, dtype=torch.float64), groups=torch.zeros(3, dtype=torch.long))
    with pytest.raises(TypeError, match="integer"):
        harsanyi(m, torch.randn(1, 20, dtype=torch.float64), groups=torch.zeros(20))
    with pytest.raises(ValueError, match="baseline"):
        harsanyi(Poly(), torch.randn(1, 4, dtype=torch.float64), torch.zeros(3, dtype=torch.float64))
    with pytest.raises(ValueError, match="target"):
        harsanyi(nn.Linear(4, 3).double(), torch.randn(1, 4, dtype=torch.float64))
    with pytest.raises(TypeError, match="HarsanyiResult"):
        taylor_effects(Poly())
