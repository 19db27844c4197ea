"""Tsang F1–F10: formulas agree with their ground-truth sets; ROC-AUC and the labelling rule."""
import itertools
import math

import numpy as np
import pytest
import torch

from taylor_widgets.datasets.synthetic import FUNCTIONS, candidate_labels, roc_auc, tsang_function


def _pairs_of(sets):
    return {p for s in sets for p in itertools.combinations(sorted(s), 2)}


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_samples_lie_in_the_paper_domain_and_are_finite(name):
    f = FUNCTIONS[name]
    X, y = f.sample(500, seed=3)
    assert X.shape == (500, 10) and y.shape == (500,) and torch.isfinite(y).all()
    if name == "F1":
        hooker = torch.tensor([3, 4, 7, 9])
        assert (X[:, hooker] >= 0.6).all() and X.min() >= 0 and X.max() <= 1
    else:
        assert X.min() >= -1 and X.max() <= 1 and X.min() < -0.9
    X2, y2 = f.sample(500, seed=3)
    assert torch.equal(X, X2) and torch.equal(y, y2)


def test_known_values():
    zero = torch.zeros(1, 10, dtype=torch.float64)
    assert FUNCTIONS["F10"].fn(zero).item() == pytest.approx(math.pi / 2 + 2)
    assert FUNCTIONS["F5"].fn(zero).item() == pytest.approx(2.0)
    x = torch.tensor([[0.5, 0.5, 0.5, 0.8, 0.7, 0.1, 0.4, 0.9, 0.3, 0.6]], dtype=torch.float64)
    want = (math.pi ** 0.25 * math.sqrt(1.0) - math.asin(0.8) + math.log(1.2)
            - (0.3 / 0.6) * math.sqrt(0.4 / 0.9) - 0.5 * 0.4)
    assert FUNCTIONS["F1"].fn(x).item() == pytest.approx(want)
    assert FUNCTIONS["F4"].fn(x).item() - FUNCTIONS["F3"].fn(x).item() == pytest.approx((0.5 * 0.8) ** 2)


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_hessian_of_true_function_is_nonzero_only_inside_true_sets(name):
    f = FUNCTIONS[name]
    X, _ = f.sample(20, seed=1)
    truth = _pairs_of(f.interactions)
    H = torch.func.vmap(torch.func.hessian(lambda z: f.fn(z[None])[0]))(X)
    nz = (H.abs() > 1e-9).any(0)
    seen = {(int(i), int(j)) for i, j in zip(*torch.nonzero(nz, as_tuple=True)) if i < j}
    assert seen <= truth, seen - truth
    # the piecewise-linear terms (|x6+x7| in F5, the max(·,0) in F7) have zero cross derivatives
    # (in F7, (3, 5) is also inside {3,4,5,6,7}, so only (2, 5) vanishes)
    assert truth - seen == {"F5": {(5, 6)}, "F7": {(2, 5)}}.get(name, set())


def test_lookup():
    assert tsang_function(3) is FUNCTIONS["F3"] and tsang_function("f10") is FUNCTIONS["F10"]
    with pytest.raises(ValueError, match="F1..F10"):
        tsang_function(11)
    with pytest.raises(ValueError, match="n"):
        FUNCTIONS["F2"].sample(0)


def test_candidate_labels_use_the_subset_rule():
    truth = [(0, 1, 2), (3, 4)]
    sets = [(0, 1), (1, 2), (0, 3), (3, 4), (0, 1, 2), (0, 1, 3), (2, 3, 4)]
    assert candidate_labels(sets, truth).tolist() == [1, 1, 0, 1, 1, 0, 0]
    assert candidate_labels(torch.tensor([[4, 3]]), truth).tolist() == [1]


def test_roc_auc_on_toy_rankings():
    assert roc_auc([3, 2, 1, 0], [1, 1, 0, 0]) == 1.0
    assert roc_auc([0, 1, 2, 3], [1, 1, 0, 0]) == 0.0
    assert roc_auc([1, 1, 1, 1], [1, 0, 1, 0]) == 0.5  # all ties: one half per pair
    # positives 3, 1 vs negatives 2, 1: (3>2, 3>1, 1<2, 1=1 → ½) = 2.5 / 4
    assert roc_auc(torch.tensor([3.0, 1.0, 2.0, 1.0]), torch.tensor([1, 1, 0, 0])) == pytest.approx(0.625)


def test_roc_auc_matches_sklearn_with_ties():
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(0)
    s, y = rng.integers(0, 5, 200).astype(float), rng.integers(0, 2, 200)
    assert roc_auc(s, y) == pytest.approx(roc_auc_score(y, s), abs=1e-12)


def test_zero_score_padding_is_labelled_by_membership_not_score():
    """The reference code counted NID's zero-score padding candidates as positives.

    Here a method scores two triplets and "pads" the rest with 0. Labelled by the subset rule,
    the padded negatives tie with nothing positive and the AUC is 1; counting the padding as
    positive (the bug) would give 1/3 on the same scores.
    """
    truth = [(0, 1, 2)]
    sets = list(itertools.combinations(range(4), 3))  # (0,1,2) (0,1,3) (0,2,3) (1,2,3)
    scores = np.array([0.9, 0.2, 0.0, 0.0])  # the last two are padding
    labels = candidate_labels(sets, truth)
    assert labels.tolist() == [1, 0, 0, 0]
    assert roc_auc(scores, labels) == 1.0
    bugged = np.array([1, 0, 1, 1])
    assert roc_auc(scores, bugged) == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    "scores, labels, match",
    [
        ([1, 2], [1, 1], "both classes"),
        ([1, 2, 3], [1, 0], "equal length"),
        ([1, float("nan")], [1, 0], "NaN"),
        ([1, 2], [2, 0], "0/1"),
    ],
)
def test_roc_auc_bad_input(scores, labels, match):
    with pytest.raises(ValueError, match=match):
        roc_auc(scores, labels)
