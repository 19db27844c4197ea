"""Cross derivatives: closed-form mixed partials, finite differences, aggregators, search, errors."""
import math

import pytest
import torch
from torch import nn

import taylor_widgets as tw
from taylor_widgets.core.higher_order import sets as _sets
from taylor_widgets.core.higher_order.cross_derivatives import cross_derivatives, global_interactions

from _models import smooth_mlp


class Poly(nn.Module):
    """f = x0·x1·x2 + 2·x0²·x3 + x0·x1·x2·x3 + 3·x4·x5 (float64 through a dummy parameter)."""

    def __init__(self):
        super().__init__()
        self.dummy = nn.Parameter(torch.zeros((), dtype=torch.float64))

    def forward(self, x):
        x0, x1, x2, x3, x4, x5 = (x[:, i] for i in range(6))
        return x0 * x1 * x2 + 2 * x0**2 * x3 + x0 * x1 * x2 * x3 + 3 * x4 * x5 + self.dummy


class Triple(nn.Module):
    """f = x0·x1·x2 on 3 features: ∂²f/∂x0∂x1 = x2."""

    def __init__(self):
        super().__init__()
        self.dummy = nn.Parameter(torch.zeros((), dtype=torch.float64))

    def forward(self, x):
        return x[:, 0] * x[:, 1] * x[:, 2] + self.dummy


@pytest.fixture
def xs():
    return torch.randn(5, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(0))


def test_order2_matrix_matches_closed_form(xs):
    r = cross_derivatives(Poly(), xs)
    x0, x1, x2, x3 = (xs[:, i] for i in range(4))
    H = torch.zeros(5, 6, 6, dtype=torch.float64)
    for (i, j), v in {(0, 1): x2 + x2 * x3, (0, 2): x1 + x1 * x3, (0, 3): 4 * x0 + x1 * x2, (1, 2): x0 + x0 * x3,
                      (1, 3): x0 * x2, (2, 3): x0 * x1, (4, 5): torch.full_like(x0, 3.0)}.items():
        H[:, i, j] = H[:, j, i] = v.abs()
    torch.testing.assert_close(r.matrix, H)
    assert r.sets.tolist() == [list(p) for p in torch.triu_indices(6, 6, 1).T.tolist()]
    torch.testing.assert_close(r.values, H[:, r.sets[:, 0], r.sets[:, 1]])
    assert r.order == 2 and r.values.shape == (5, 15)


def test_order3_and_order4_match_closed_form(xs):
    r3 = cross_derivatives(Poly(), xs, sets=[(0, 1, 2), (0, 1, 3), (3, 2, 0), (1, 2, 3), (0, 3, 4)])
    x0, x1, x2, x3 = (xs[:, i] for i in range(4))
    want = torch.stack([1 + x3, x2, x1, x0, torch.zeros_like(x0)], 1).abs()
    torch.testing.assert_close(r3.values, want)
    assert r3.sets.tolist()[2] == [0, 2, 3]  # sorted
    r4 = cross_derivatives(Poly(), xs, order=4, sets=[(0, 1, 2, 3), (-1, -2, 0, 1)])
    torch.testing.assert_close(r4.values, torch.tensor([[1.0, 0.0]] * 5, dtype=torch.float64))
    assert r4.sets.tolist()[1] == [0, 1, 4, 5]
    import numpy as np

    r3n = cross_derivatives(Poly(), xs, sets=np.array([[0, 1, 2]]))
    torch.testing.assert_close(r3n.values[:, 0], want[:, 0])


class Quintic(nn.Module):
    """f = x0·x1·x2·x3·x4·(1 + x5) + x0²·x1·x2·x3 on 6 features."""

    def __init__(self):
        super().__init__()
        self.dummy = nn.Parameter(torch.zeros((), dtype=torch.float64))

    def forward(self, x):
        x0, x1, x2, x3, x4, x5 = x.unbind(-1)
        return x0 * x1 * x2 * x3 * x4 * (1 + x5) + x0**2 * x1 * x2 * x3 + self.dummy


def test_order5_matches_closed_form(xs):
    """∂⁵f/∂x0…∂x4 = 1 + x5, ∂⁵f/∂x0∂x1∂x2∂x3∂x5 = x4, ∂⁵f/∂x0∂x1∂x2∂x4∂x5 = x3 (the x0² term has none)."""
    r5 = cross_derivatives(Quintic(), xs, order=5, sets=[(0, 1, 2, 3, 4), (5, 3, 2, 1, 0), (0, 1, 2, 4, 5)])
    x3, x4, x5 = xs[:, 3], xs[:, 4], xs[:, 5]
    want = torch.stack([1 + x5, x4, x3], 1).abs()
    torch.testing.assert_close(r5.values, want)
    assert r5.order == 5 and r5.sets.tolist()[1] == [0, 1, 2, 3, 5]


def test_sets_of_order2_agree_with_the_hessian(mlp):
    x = torch.randn(3, 6, dtype=torch.float64)
    full = cross_derivatives(mlp, x)
    some = cross_derivatives(mlp, x, sets=[(0, 5), (2, 3)])
    torch.testing.assert_close(some.values, full.matrix[:, [0, 2], [5, 3]])
    # no autograd graph through the parameters is kept alive by the results
    assert not (full.values.requires_grad or full.matrix.requires_grad or some.values.requires_grad)
    assert not global_interactions(mlp, x, order=3, top_k=2).scores[3].requires_grad


def test_third_order_matches_finite_differences(mlp):
    x = torch.randn(2, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(3))
    r = cross_derivatives(mlp, x, sets=[(0, 2, 4), (1, 3, 5)], chunk_size=1)
    h = 1e-3
    for m, (i, j, k) in enumerate([(0, 2, 4), (1, 3, 5)]):
        fd = torch.zeros(2, dtype=torch.float64)
        for si in (1, -1):
            for sj in (1, -1):
                for sk in (1, -1):
                    z = x.clone()
                    z[:, i] += si * h
                    z[:, j] += sj * h
                    z[:, k] += sk * h
                    fd += si * sj * sk * mlp(z).reshape(-1).detach()
        torch.testing.assert_close(r.values[:, m], (fd / (8 * h**3)).abs(), rtol=1e-4, atol=1e-5)
    assert r.values.abs().max() > 1e-3  # a vanishing derivative would make the check vacuous


def test_class_target_selects_one_logit():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3)).double()
    x = torch.randn(3, 4, dtype=torch.float64)
    t = torch.tensor([0, 2, 1])
    r = cross_derivatives(model, x, target=t, sets=[(0, 1), (2, 3)])
    for b in range(3):
        H = torch.func.hessian(lambda z: model(z[None])[0, t[b]])(x[b])
        torch.testing.assert_close(r.values[b], H[[0, 2], [1, 3]].abs())


def _data_triple():
    # rows chosen so the representatives are known (see _sets.representative_rows)
    return torch.tensor([[0.0] * 3, [1.0] * 3, [2.0] * 3, [10.0] * 3, [-5.0] * 3], dtype=torch.float64)


def test_aggregators_mean_abs_and_mean_square():
    data = torch.tensor([[1.0, 1.0, -1.0], [1.0, 1.0, 3.0]], dtype=torch.float64)
    a = global_interactions(Triple(), data, aggregate="mean_abs")
    s = global_interactions(Triple(), data, aggregate="mean_square")
    # ∂²f/∂x0∂x1 = x2 ∈ {−1, 3}: E|·| = 2, E[(·)²] = 5; ∂²f/∂x0∂x2 = x1 = 1 always
    assert dict(a.ranking(2)) == pytest.approx({(0, 1): 2.0, (0, 2): 1.0, (1, 2): 1.0})
    assert dict(s.ranking(2)) == pytest.approx({(0, 1): 5.0, (0, 2): 1.0, (1, 2): 1.0})
    assert a.ranking(2)[0][0] == (0, 1) and a.n_samples == 2 and a.representatives is None
    torch.testing.assert_close(a.matrix, torch.tensor([[0, 2, 1], [2, 0, 1], [1, 1, 0.0]], dtype=torch.float64))


def test_representative_samples_are_the_documented_rows():
    data = _data_triple()
    kinds = ("mean", "median", "min", "max", "mode")
    g = global_interactions(Triple(), data, aggregate="representative", representative=kinds)
    # mean 1.6 → row 2; median 1 → row 1; min → row 4; max → row 3; mode bin centre 1.75 → row 2
    assert g.representatives == [2, 1, 4, 3, 2]
    assert dict(g.ranking(2))[(0, 1)] == pytest.approx((2 + 1 + 5 + 10 + 2) / 5)
    full = global_interactions(Triple(), data, aggregate="representative", seed=7)
    again = global_interactions(Triple(), data, aggregate="representative", seed=7)
    assert len(full.representatives) == 6 and full.representatives[:5] == [2, 1, 4, 3, 2]
    assert full.representatives == again.representatives and 0 <= full.representatives[5] < 5


class Planted(nn.Module):
    """A planted 3-way term 3·x1·x3·x5 among pairs x0·x1 and 0.5·x2·x4 (d=6)."""

    def __init__(self):
        super().__init__()
        self.dummy = nn.Parameter(torch.zeros((), dtype=torch.float64))

    def forward(self, x):
        return 3 * x[:, 1] * x[:, 3] * x[:, 5] + x[:, 0] * x[:, 1] + 0.5 * x[:, 2] * x[:, 4] + self.dummy


def test_candidate_search_finds_the_planted_triple():
    data = 2 * torch.rand(200, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(1)) - 1
    g = global_interactions(Planted(), data, order=4, top_k=1)
    assert g.sets[3].shape[0] == 4 and g.candidates[3] == "top-1 extension"  # one pair × 4 new indices
    assert g.ranking(3)[0] == ((1, 3, 5), pytest.approx(3.0))
    assert all(v == 0.0 for _, v in g.ranking(3)[1:])
    assert g.ranking(4)[0][1] == 0.0 and g.sets[4].shape == (3, 4)
    ex = global_interactions(Planted(), data, order=3, exhaustive=True)
    assert ex.sets[3].shape[0] == math.comb(6, 3) and ex.ranking(3)[0][0] == (1, 3, 5)


def test_extend_sets_dedupes():
    ext = _sets.extend_sets(torch.tensor([[0, 1], [0, 2], [1, 2]]), 4)
    assert ext.tolist() == [[0, 1, 2], [0, 1, 3], [0, 2, 3], [1, 2, 3]]


def test_progress_writes_to_stderr(capsys):
    global_interactions(Triple(), _data_triple(), progress=True)
    assert "global_interactions" in capsys.readouterr().err
    global_interactions(Triple(), _data_triple())
    assert capsys.readouterr().err == ""


def test_repr_is_deterministic(xs):
    r = cross_derivatives(Poly(), xs, sets=[(0, 1, 2, 3)])
    assert repr(r) == "CrossDerivatives(order=4, examples=5, sets=1, strongest=(0, 1, 2, 3) mean=1)"
    g = global_interactions(Triple(), torch.ones(2, 3, dtype=torch.float64))
    assert repr(g) == "GlobalInteractions(aggregate='mean_abs', samples=2, top={2: (0, 1)=1})"


def test_relu_model_warns_and_smoothing_fixes_it():
    torch.manual_seed(0)
    relu = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1)).double()
    x = torch.randn(3, 4, dtype=torch.float64)
    with pytest.warns(RuntimeWarning, match="smooth_relu"):
        cross_derivatives(relu, x)
    with pytest.warns(RuntimeWarning, match="smooth_relu"):
        global_interactions(relu, x)
    r = cross_derivatives(tw.smooth_relu(relu), x)
    assert r.values.max() > 0


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(order=1), ValueError, "order"),
        (dict(order=7, sets=None), ValueError, "order"),
        (dict(order=3), ValueError, "order"),  # no sets: pairs only
        (dict(order=2.0), TypeError, "order"),
        (dict(sets=[(0, 0)]), ValueError, "repeats"),
        (dict(sets=[(0, 6)]), ValueError, "out of range"),
        (dict(sets=[(0, 1), (0, 1, 2)]), ValueError, "same size"),
        (dict(sets=[(0, 1, 2)], order=2), ValueError, "order=2"),
        (dict(sets=[(0,)]), ValueError, "at least 2"),
        (dict(sets=[]), ValueError, "at least one"),
        (dict(sets=[(0, 1.0)]), TypeError, "integer"),
        (dict(sets="01"), TypeError, "sets"),
        (dict(sets=[tuple(range(7))]), ValueError, "out of range"),
    ],
)
def test_cross_derivatives_bad_input(xs, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        cross_derivatives(Poly(), xs, **kwargs)


def test_bad_x_and_target():
    with pytest.raises(TypeError, match="x"):
        cross_derivatives(Poly(), [[1.0] * 6])
    with pytest.raises(ValueError, match="NaN"):
        cross_derivatives(Poly(), torch.full((1, 6), float("nan"), dtype=torch.float64))
    multi = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    with pytest.raises(ValueError, match="target"):
        cross_derivatives(multi, torch.randn(2, 3))


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(order=1), ValueError, "order"),
        (dict(order=4), ValueError, "order"),
        (dict(aggregate="median"), ValueError, "aggregate"),
        (dict(top_k=0), ValueError, "top_k"),
        (dict(exhaustive="yes"), TypeError, "exhaustive"),
        (dict(representative=("mean",)), ValueError, "representative"),
        (dict(aggregate="representative", representative=("mean", "nearest")), ValueError, "representative"),
    ],
)
def test_global_interactions_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        global_interactions(Triple(), _data_triple(), **kwargs)


def test_exhaustive_refuses_huge_counts():
    with pytest.raises(ValueError, match="exhaustive"):
        _sets.all_subsets(60, 5)
    model = smooth_mlp(60, hidden=4)
    with pytest.raises(ValueError, match="exhaustive.*top_k"):
        global_interactions(model, torch.randn(2, 60, dtype=torch.float64), order=5, exhaustive=True)


def test_global_order2_is_the_mean_of_local_matrices_and_honours_targets():
    torch.manual_seed(2)
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3)).double()
    x = torch.randn(6, 4, dtype=torch.float64)
    local = cross_derivatives(model, x, target=2, feature_names=list("abcd"))
    g = global_interactions(model, x, target=2, aggregate="mean_abs")
    torch.testing.assert_close(g.matrix, local.matrix.mean(0))
    other = global_interactions(model, x, target=0)
    assert not torch.allclose(other.matrix, g.matrix)
    assert local.labels()[:2] == ["a × b", "a × c"]
