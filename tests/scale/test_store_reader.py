"""open_explanations: one example, global matrices, top pairs, the summary table, and core
results that the existing widgets take."""
import numpy as np
import pytest
import torch

import taylor_widgets as tw

from _scale_models import SmallCNN, images

NAMES = list("abcde")


@pytest.fixture
def ih(model, X, tmp_path):
    tw.explain_dataset(model, X, "integrated_hessians", tmp_path / "s", batch_size=32, progress=False,
                       feature_names=NAMES)
    return tw.open_explanations(tmp_path / "s")


def test_one_example_and_its_arrays(ih, model, X):
    ref = tw.integrated_hessians(model, torch.from_numpy(X[7:8]))
    np.testing.assert_allclose(ih.matrix(7), ref.values[0].numpy(), rtol=1e-5, atol=1e-7)
    one = ih.example(-1)
    assert set(one) == set(ih.arrays) and one["values"].shape == (5, 5)
    np.testing.assert_array_equal(one["inputs"], X[-1])
    assert repr(ih) == "Explanations(method='integrated_hessians', examples=150/150, values=(5, 5), store='s')"


def test_summary_names_each_examples_strongest_pair(ih):
    s = ih.summary()
    assert len(s) == 150 and s.index.name == "example"
    v = ih.array("values")[:]
    for i in (0, 33, 149):
        m = np.abs(v[i]).astype(np.float64)
        m[np.tril_indices(5)] = -1  # off the diagonal, each pair once
        a, b = np.unravel_index(m.argmax(), m.shape)
        row = s.loc[i]
        assert (row.i, row.j, row.pair) == (a, b, f"{NAMES[a]} × {NAMES[b]}")
        assert row.value == v[i, a, b]
    np.testing.assert_array_equal(s.prediction, ih.array("outputs")[:])
    np.testing.assert_array_equal(s.completeness_error, ih.array("completeness_error")[:])
    assert (s.relative_completeness_error < 1e-3).all()


def test_top_pairs_rank_the_global_matrix(ih):
    G = ih.global_matrix()
    top = ih.top_pairs(3)
    assert list(top.columns) == ["i", "j", "pair", "value"]
    off = [(abs(G[i, j]), i, j) for i in range(5) for j in range(i + 1, 5)]
    want = sorted(off, reverse=True)[:3]
    assert [tuple(sorted((r.i, r.j))) for r in top.itertuples()] == [(i, j) for _, i, j in want]
    np.testing.assert_allclose(top.value, [w for w, _, _ in want])
    signed = ih.top_pairs(2, kind="mean")
    assert len(signed) == 2
    with pytest.raises(ValueError, match="^kind: expected one of"):
        ih.global_matrix("max")


def test_to_result_feeds_the_existing_widgets(ih, model, X):
    r = ih.to_result([3, 0, 149])
    assert isinstance(r, tw.PathResult) and r.values.shape == (3, 5, 5) and r.feature_names == NAMES
    ref = tw.integrated_hessians(model, torch.from_numpy(X[[3, 0, 149]]))
    np.testing.assert_allclose(r.values.numpy(), ref.values.numpy(), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(r.attributions.numpy(), ref.attributions.numpy(), rtol=1e-5, atol=1e-7)
    w = tw.InteractionMatrix(r)
    assert w.feature_names == NAMES
    assert ih.to_result(slice(0, 4)).values.shape == (4, 5, 5)


def test_rows_and_cross_derivatives(model, X, tmp_path):
    rows = tw.explain_dataset(model, X, "integrated_hessians", tmp_path / "r", rows=[4, 1], progress=False)
    assert rows.structure == "rows" and rows.value_shape == (2, 5)
    top = rows.top_pairs(20)
    pairs = {tuple(sorted((r.i, r.j))) for r in top.itertuples()}
    assert len(pairs) == len(top) == 7 and all(4 in p or 1 in p for p in pairs)  # 4 + 4 − the shared (1, 4)
    assert rows.to_result([0]).rows == [4, 1]
    cd = tw.explain_dataset(model, X, "cross_derivatives", tmp_path / "c", progress=False)
    r = cd.to_result([1, 2])
    assert isinstance(r, tw.CrossDerivatives) and r.matrix.shape == (2, 5, 5)
    tw.InteractionMatrix(r)


def test_maps_have_no_pairs(model, X, tmp_path):
    ig = tw.explain_dataset(model, X, "integrated_gradients", tmp_path / "g", progress=False)
    with pytest.raises(ValueError, match="not pair matrices"):
        ig.top_pairs()
    s = ig.summary()
    assert (s.j == -1).all() and s.pair.iloc[0] == f"x{s.i.iloc[0]}"


def test_taylor_cam_results_come_back_whole(tmp_path):
    net, imgs = SmallCNN(), images(6)
    ex = tw.explain_dataset(net, imgs, "taylor_cam", tmp_path / "t", batch_size=4, progress=False,
                            layer="features", target=1, top_k=4)
    r = ex.to_result([5, 1])
    ref = tw.taylor_cam(net, torch.from_numpy(imgs[[5, 1]]), "features", target=1, top_k=4)
    for name in ("pair_scores", "strength", "strength_upsampled", "partner_maps", "partner_cells"):
        np.testing.assert_allclose(getattr(r, name).numpy(), getattr(ref, name).numpy(), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(r.grad_cam.upsampled.numpy(), ref.grad_cam.upsampled.numpy(), rtol=1e-5, atol=1e-7)
    assert [p[:2] for p in r.top_pairs[0]] == [p[:2] for p in ref.top_pairs[0]]
    tw.CAMViewer((imgs[[5, 1]] - imgs.min()) / (imgs.max() - imgs.min()), r)
    assert ex.feature_names[:4] == ["cell 0,0", "cell 0,1", "cell 0,2", "cell 1,0"]  # the 3 × 3 grid


def test_unfinished_examples_and_bad_indices(model, X, tmp_path):
    bad = X.copy()
    bad[40] = np.nan
    with pytest.raises(ValueError):
        tw.explain_dataset(model, bad, "integrated_hessians", tmp_path / "s", batch_size=32, progress=False)
    ex = tw.open_explanations(tmp_path / "s")
    assert not ex.complete and ex.done.sum() == 32 and len(ex.summary()) == 32
    np.testing.assert_allclose(ex.global_matrix(), np.abs(ex.array("values")[:32].astype(np.float64)).mean(0))
    with pytest.raises(ValueError, match=r"^indices: the chunk\(s\) \[1\]"):
        ex.matrix(40)
    with pytest.raises(ValueError, match=r"^indices: \[150\] out of range"):
        ex.to_result([150])
    with pytest.raises(TypeError, match="^indices: expected example indices"):
        ex.to_result([0.5])
    with pytest.raises(tw.StoreError, match="^store: .* is not a taylor_widgets store"):
        tw.open_explanations(tmp_path)
