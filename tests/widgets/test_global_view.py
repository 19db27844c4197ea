"""InteractionMatrix global over data: the aggregate, GlobalInteractions input, higher-order sets."""
import numpy as np
import pytest
import torch

import taylor_widgets as tw

torch.set_num_threads(1)


def poly(x):
    """f = x0·x1·x2 + x3·x4: one true triplet, one true pair."""
    return (x[:, 0] * x[:, 1] * x[:, 2] + x[:, 3] * x[:, 4])[:, None]


@pytest.fixture(scope="module")
def X():
    return torch.randn(48, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(0))


@pytest.fixture(scope="module")
def gi(X):
    return tw.global_interactions(poly, X, order=4, top_k=5, feature_names=list("abcde"))


def sets_with_pair(higher_order, a, b):
    """What the drill panel lists for a pair (js/src/lib/topk.js setsForPair), as member lists."""
    hits = [s for s in higher_order if a in s["members"] and b in s["members"]]
    return [s["members"] for s in sorted(hits, key=lambda s: (len(s["members"]), -abs(s["score"])))]


def test_global_interactions_fill_the_global_view_and_the_sets(gi, X):
    w = tw.InteractionMatrix(gi)
    assert w.view == "global" and w.matrix.shape == (0,) and repr(w) == "InteractionMatrix(B=0, d=5, method='global_interactions')"
    np.testing.assert_array_equal(w.global_matrix, gi.matrix.numpy().astype(np.float32))
    assert w.global_label == w.value_label == "mean |∂²f| over 48 samples, cross derivatives"
    assert w.feature_names == list("abcde") and w.aggregate == "mean_abs"
    # ∂³f/∂x0∂x1∂x2 = 1 everywhere; every other triplet and every 4-set scores exactly 0 and is left out
    assert w.higher_order == [{"members": [0, 1, 2], "score": 1.0}]
    assert sets_with_pair(w.higher_order, 0, 1) == [[0, 1, 2]]
    assert sets_with_pair(w.higher_order, 3, 4) == []
    g = w.global_matrix
    assert g[3, 4] == pytest.approx(1.0) and g[0, 3] == 0 and g[0, 1] == pytest.approx(X[:, 2].abs().mean().item(), rel=1e-6)
    state = w.get_state()
    assert state["global_matrix"]["shape"] == [5, 5] and state["matrix"]["shape"] == [0] and state["view"] == "global"


def test_representative_and_mean_square_labels(X):
    rep = tw.InteractionMatrix(tw.global_interactions(poly, X, aggregate="representative"))
    assert rep.global_label == "mean |∂²f| over 6 representative samples, cross derivatives"
    sq = tw.InteractionMatrix(tw.global_interactions(poly, X, aggregate="mean_square"))
    assert sq.global_label == "mean (∂²f)² over 48 samples, cross derivatives" and sq.higher_order == []


def test_a_global_only_widget_refuses_sample_view_and_re_aggregation(gi):
    w = tw.InteractionMatrix(gi)
    w.selected, w.selected_pair = 0, [0, 1]
    with pytest.raises(ValueError, match="'sample' needs per-sample"):
        w.view = "sample"
    with pytest.raises(ValueError, match="precomputed"):
        w.aggregate = "mean_square"
    assert (w.view, w.aggregate, w.selected_pair) == ("global", "mean_abs", [0, 1])
    with pytest.raises(ValueError, match="sample"):
        tw.InteractionMatrix(gi, view="sample")


def test_samples_aggregate_to_the_global_matrix():
    m = np.stack([np.array([[1.0, -2.0], [-2.0, 3.0]]), np.array([[3.0, 4.0], [4.0, -1.0]])])
    w = tw.InteractionMatrix(m, view="global")
    np.testing.assert_array_equal(w.global_matrix, [[2.0, 3.0], [3.0, 2.0]])  # mean |Γ|
    assert w.global_label == "mean |Γ| over 2 samples" and w.view == "global"
    w.aggregate = "mean_square"
    np.testing.assert_array_equal(w.global_matrix, [[5.0, 10.0], [10.0, 5.0]])
    assert w.global_label == "mean Γ² over 2 samples"
    w.aggregate = "mean"
    np.testing.assert_array_equal(w.global_matrix, [[2.0, 1.0], [1.0, 1.0]])
    with pytest.raises(ValueError, match="aggregate"):
        w.aggregate = "median"
    assert w.aggregate == "mean" and w.view == "global"  # nothing lost on bad input
    w.matrix = m * 2  # new samples: the global matrix follows
    np.testing.assert_array_equal(w.global_matrix, [[4.0, 2.0], [2.0, 2.0]])


def test_one_sample_has_no_global_view():
    w = tw.InteractionMatrix(np.eye(3))
    assert w.global_matrix.shape == (0,) and w.global_label == ""
    with pytest.raises(ValueError, match="'global' needs a global matrix"):
        w.view = "global"
    assert w.view == "sample"


def test_path_result_label_names_the_method(X):
    ih = tw.integrated_hessians(poly, X[:4])
    w = tw.InteractionMatrix(ih, aggregate="mean_square", view="global")
    assert w.global_label == "mean Γ² over 4 samples, Integrated Hessians"
    np.testing.assert_allclose(w.global_matrix, (ih.values.numpy() ** 2).mean(0), rtol=1e-6)


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"view": "both"}, ValueError, "view"),
    ({"aggregate": "max"}, ValueError, "aggregate"),
    ({"highlighted_set": [0]}, ValueError, "highlighted_set"),
    ({"highlighted_set": [0, 0, 1]}, ValueError, "highlighted_set"),
    ({"highlighted_set": [0, 9]}, ValueError, "highlighted_set"),
    ({"top_sets": 0}, ValueError, "top_sets"),
])
def test_bad_arguments_name_themselves(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        tw.InteractionMatrix(np.ones((2, 3, 3)), **kwargs)


def test_higher_order_from_results_on_a_path_result_matrix(gi, X):
    ih = tw.integrated_hessians(poly, X[:3])
    w = tw.InteractionMatrix(ih, higher_order=gi)
    assert w.higher_order == [{"members": [0, 1, 2], "score": 1.0}]
    cd = tw.cross_derivatives(poly, X[:3], sets=[(1, 2, 3), (0, 1, 2), (2, 3, 4)])
    w.higher_order = cd  # assigned later, from Python: converted the same way (mean over its examples)
    assert w.higher_order == [{"members": [0, 1, 2], "score": 1.0}]
    w.higher_order = [{"members": [4, 3, 2], "score": 0.5}]
    assert w.higher_order == [{"members": [4, 3, 2], "score": 0.5}]


def test_higher_order_top_sets_caps_each_order(X):
    f = lambda x: (x[:, :4].prod(1) + x[:, 4])[:, None]  # noqa: E731 - every subset of {0..3} interacts
    g = tw.global_interactions(f, X, order=4, exhaustive=True)
    w = tw.InteractionMatrix(g, top_sets=2)
    sizes = [len(s["members"]) for s in w.higher_order]
    assert sizes == [3, 3, 4] and w.higher_order[2]["members"] == [0, 1, 2, 3]


def test_nid_result_as_matrix_and_as_sets():
    torch.manual_seed(0)
    mlp = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Softplus(), torch.nn.Linear(6, 1))
    r = tw.nid(mlp, order=None)
    w = tw.InteractionMatrix(r)
    assert w.view == "global" and w.global_label.startswith("ω, Neural Interaction Detection")
    np.testing.assert_array_equal(w.global_matrix, r.matrix.detach().numpy().astype(np.float32))
    assert all(len(s["members"]) >= 3 for s in w.higher_order) and w.higher_order


@pytest.mark.parametrize("make, match", [
    (lambda X: tw.global_interactions(poly, X, order=2), "no sets of size ≥ 3"),
    (lambda X: tw.cross_derivatives(poly, X[:2]), "no sets of size ≥ 3"),
    (lambda X: tw.global_interactions(lambda x: poly(x[:, :5]), torch.cat([X, X[:, :1]], 1), order=3), "covers 6 features"),
])
def test_bad_higher_order_results_are_refused_and_the_old_sets_kept(make, match, X):
    w = tw.InteractionMatrix(np.ones((2, 5, 5)), higher_order=[{"members": [0, 1, 2], "score": 1.0}])
    with pytest.raises(ValueError, match=match):
        w.higher_order = make(X)
    assert w.higher_order == [{"members": [0, 1, 2], "score": 1.0}]
    with pytest.raises(ValueError, match=match):
        tw.InteractionMatrix(np.ones((2, 5, 5)), higher_order=make(X))


def test_cross_derivatives_as_the_matrix(X):
    cd = tw.cross_derivatives(poly, X[:3])
    w = tw.InteractionMatrix(cd, view="global")
    assert w.value_label == "|∂²f|, cross derivatives" and w.global_label == "mean |∂²f| over 3 samples, cross derivatives"
    np.testing.assert_array_equal(w.matrix, cd.matrix.numpy().astype(np.float32))
    np.testing.assert_array_equal(w.inputs, X[:3].numpy().astype(np.float32))
    with pytest.raises(ValueError, match="no pair matrix"):
        tw.InteractionMatrix(tw.cross_derivatives(poly, X[:2], sets=[(0, 1, 2)]))


def test_view_and_highlight_sync_from_the_front_end(gi):
    w = tw.InteractionMatrix(np.ones((2, 5, 5)), higher_order=gi)
    w.set_state({"view": "global", "selected": 0, "selected_pair": [0, 1], "highlighted_set": [0, 1, 2]})
    assert (w.view, w.selected_pair, w.highlighted_set) == ("global", [0, 1], [0, 1, 2])
    assert w.get_state("highlighted_set") == {"highlighted_set": [0, 1, 2]}
    with pytest.raises(ValueError, match="highlighted_set"):
        w.highlighted_set = [7, 1, 2]
    assert w.highlighted_set == [0, 1, 2]


def test_explorer_global_view_follows_recomputes(tab):
    model, x, data, names = tab
    ex = tw.Explorer(model, x, data=data, feature_names=names, sweep_features=0, view="global", aggregate="mean")
    np.testing.assert_allclose(ex.global_matrix, ex.matrix.astype(np.float64).mean(0), rtol=1e-6, atol=1e-9)
    assert ex.global_label == "mean Γ over 2 samples, Integrated Hessians"
    before = ex.global_matrix.copy()
    ex.selected = 1
    ex.baseline = np.full(5, 0.5, np.float32)  # recompute at a new baseline
    assert ex.view == "global" and ex.selected == 1
    assert not np.array_equal(before, ex.global_matrix)
    np.testing.assert_allclose(ex.global_matrix, ex.matrix.astype(np.float64).mean(0), rtol=1e-6, atol=1e-9)
