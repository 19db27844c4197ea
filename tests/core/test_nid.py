"""NID on hand-built networks with known answers, and its errors."""
import pytest
import torch
from torch import nn

import taylor_widgets as tw


def _net(W1, W_rest, act=nn.ReLU):
    """Sequential MLP with the given weights (torch layout: out × in) and zero biases."""
    layers, dims = [], [W1] + W_rest
    for n, W in enumerate(dims):
        lin = nn.Linear(W.shape[1], W.shape[0])
        with torch.no_grad():
            lin.weight.copy_(torch.as_tensor(W, dtype=torch.float32))
            lin.bias.zero_()
        layers.append(lin)
        if n < len(dims) - 1:
            layers.append(act())
    return nn.Sequential(*layers)


W1 = [[1.0, 2.0, 0.0], [3.0, 0.5, 4.0]]  # unit 0 sorts inputs 1, 0, 2; unit 1 sorts 2, 0, 1
W2 = [[2.0, -1.0]]  # z = (2, 1)


def test_pairwise_strengths_by_hand():
    r = tw.nid(_net(torch.tensor(W1), [torch.tensor(W2)]))
    # ω(0,1) = min(1,2)·2 + min(3,.5)·1 = 2.5; ω(0,2) = 0·2 + 3·1 = 3; ω(1,2) = 0 + .5 = .5
    assert r.ranking(2) == [((0, 2), pytest.approx(3.0)), ((0, 1), pytest.approx(2.5)), ((1, 2), pytest.approx(0.5))]
    torch.testing.assert_close(r.matrix, torch.tensor([[0, 2.5, 3], [2.5, 0, 0.5], [3, 0.5, 0]], dtype=torch.float64))
    torch.testing.assert_close(r.unit_influence, torch.tensor([2.0, 1.0], dtype=torch.float64))
    assert r.rule == "pairwise"


def test_deeper_network_multiplies_absolute_weights():
    W2b = torch.tensor([[1.0, -2.0], [0.5, 1.0], [-1.0, 0.0]])  # 2 → 3
    W3 = torch.tensor([[1.0, -1.0, 2.0]])  # 3 → 1
    r = tw.nid(_net(torch.tensor(W1), [W2b, W3], act=nn.Softplus))
    z = W3.abs() @ W2b.abs()  # (1, 2) = [1 + .5 + 2, 2 + 1 + 0] = [3.5, 3]
    torch.testing.assert_close(r.unit_influence, z[0].double())
    assert dict(r.ranking(2))[(0, 1)] == pytest.approx(1 * 3.5 + 0.5 * 3)


def test_prefix_scores_for_higher_orders():
    model = _net(torch.tensor(W1), [torch.tensor(W2)])
    r = tw.nid(model, order=None)
    # unit 0 prefixes: (0,1) 1·2, (0,1,2) 0·2; unit 1 prefixes: (0,2) 3·1, (0,1,2) .5·1
    assert r.ranking(2) == [((0, 2), pytest.approx(3.0)), ((0, 1), pytest.approx(2.0))]
    assert r.ranking(3) == [((0, 1, 2), pytest.approx(0.5))]
    assert r.rule == "prefix"
    assert tw.nid(model, order=3).ranking(3) == r.ranking(3)


def test_given_sets_use_the_full_min_rule_and_top_k():
    model = _net(torch.tensor(W1), [torch.tensor(W2)])
    r = tw.nid(model, order=3, sets=[(2, 1, 0)])
    assert r.ranking(3) == [((0, 1, 2), pytest.approx(0 * 2 + 0.5 * 1))]
    assert tw.nid(model, sets=[(0, 1), (1, 2)], order=None).ranking(2) == [((0, 1), pytest.approx(2.5)), ((1, 2), pytest.approx(0.5))]
    assert tw.nid(model, top_k=1).ranking(2) == [((0, 2), pytest.approx(3.0))]


def test_multi_output_target():
    W2m = torch.tensor([[2.0, -1.0], [0.0, 5.0]])
    model = _net(torch.tensor(W1), [W2m])
    with pytest.raises(ValueError, match="target"):
        tw.nid(model)
    assert dict(tw.nid(model, target=1).ranking(2))[(0, 2)] == pytest.approx(3 * 5)
    assert dict(tw.nid(model, target="sum").ranking(2))[(0, 2)] == pytest.approx(3 * 6)
    with pytest.raises(ValueError, match="target"):
        tw.nid(model, target=2)
    with pytest.raises(ValueError, match="target"):
        tw.nid(model, target="mean")


def test_recovers_a_planted_pair_from_training():
    torch.manual_seed(0)
    X = torch.rand(256, 4) * 2 - 1
    y = (2 * X[:, 0] * X[:, 1] + X[:, 2] + X[:, 3])[:, None]
    model = nn.Sequential(nn.Linear(4, 8), nn.Softplus(), nn.Linear(8, 1))
    opt = torch.optim.Adam(model.parameters(), lr=2e-2)
    for _ in range(150):
        opt.zero_grad()
        loss = ((model(X) - y) ** 2).mean() + 1e-4 * sum(p.abs().sum() for n, p in model.named_parameters() if "weight" in n)
        loss.backward()
        opt.step()
    assert tw.nid(model).ranking(2)[0][0] == (0, 1)


@pytest.mark.parametrize(
    "model, exc, match",
    [
        (nn.Linear(3, 1), TypeError, "Sequential"),
        (nn.Sequential(nn.Conv1d(1, 1, 3), nn.ReLU(), nn.Linear(1, 1)), TypeError, "Conv1d"),
        (nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 1)), TypeError, "BatchNorm1d"),
        (nn.Sequential(nn.Linear(3, 1), nn.ReLU()), ValueError, "hidden layer"),
        (nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 1)), ValueError, "activation"),
        (nn.Sequential(nn.ReLU(), nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1)), ValueError, "start with a Linear"),
    ],
)
def test_non_mlp_models_are_refused(model, exc, match):
    with pytest.raises(exc, match=match):
        tw.nid(model)


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(order=1), ValueError, "order"),
        (dict(order=4), ValueError, "order"),
        (dict(order="2"), TypeError, "order"),
        (dict(top_k=0), ValueError, "top_k"),
        (dict(sets=[(0, 0)]), ValueError, "repeats"),
        (dict(sets=[(0, 3)]), ValueError, "out of range"),
        (dict(order=2, sets=[(0, 1, 2)]), ValueError, "order=2"),
    ],
)
def test_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        tw.nid(_net(torch.tensor(W1), [torch.tensor(W2)]), **kwargs)


def test_pairwise_chunking_matches_the_direct_sum():
    from taylor_widgets.core.higher_order.nid import _pairwise

    g = torch.Generator().manual_seed(0)
    W1, z = torch.rand(7, 5, generator=g, dtype=torch.float64), torch.rand(7, generator=g, dtype=torch.float64)
    direct = torch.minimum(W1[:, :, None], W1[:, None, :]).mul(z[:, None, None]).sum(0).fill_diagonal_(0)
    torch.testing.assert_close(_pairwise(W1, z, budget=30), direct)  # one unit per chunk
    torch.testing.assert_close(_pairwise(W1, z), direct)
