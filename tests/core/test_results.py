"""Every result type on one base (core/results.py): method, names, to_numpy, to_frame, summary, repr."""
import pandas as pd
import pytest
import torch
from torch import nn

import taylor_widgets as tw
from taylor_widgets.core.results import Result

from _models import TaylorPoly, smooth_mlp

NAMES = ["a", "b", "c", "d"]
X = torch.randn(2, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(0))


def _clf():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3)).double()


def _cnn():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.Softplus(beta=4), nn.Flatten(), nn.Linear(32, 3)).double()


IMG = torch.randn(2, 1, 4, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(1))

# name → (make the result, its method, the array to_numpy gives, the frame's shape, some of its columns)
RESULTS = {
    "ig": (lambda: tw.integrated_gradients(smooth_mlp(4), X, feature_names=NAMES), "integrated_gradients",
           lambda r: r.values, (2, 4), NAMES),
    "ih": (lambda: tw.integrated_hessians(smooth_mlp(4), X, feature_names=NAMES), "integrated_hessians",
           lambda r: r.values, (8, 4), NAMES),
    "ih_rows": (lambda: tw.integrated_hessians(smooth_mlp(4), X, rows=[2], feature_names=NAMES), "integrated_hessians",
                lambda r: r.values, (2, 4), NAMES),
    "eg": (lambda: tw.expected_gradients(smooth_mlp(4), X, X, samples=4, seed=0), "expected_gradients",
           lambda r: r.values, (2, 4), ["x0", "x3"]),
    "cd": (lambda: tw.cross_derivatives(smooth_mlp(4), X, feature_names=NAMES), "cross_derivatives",
           lambda r: r.values, (2, 6), ["a × b", "c × d"]),
    "gi": (lambda: tw.global_interactions(smooth_mlp(4), X, order=3, feature_names=NAMES), "global_interactions",
           lambda r: r.matrix, None, ["order", "rank", "set", "score"]),
    "nid": (lambda: tw.nid(smooth_mlp(4).float(), order=2), "nid", lambda r: r.matrix, (6, 4), ["set", "score"]),
    "grad_cam": (lambda: tw.grad_cam(_cnn(), IMG, "0", target=1), "grad_cam", lambda r: r.cam, (32, 4),
                 ["example", "row", "col", "cam"]),
    "taylor_cam": (lambda: tw.taylor_cam(_cnn(), IMG, "0", target=1), "taylor_cam", lambda r: r.pair_scores,
                   (2 * 120, 4), ["cell_i", "cell_j", "score"]),
    "harsanyi": (lambda: tw.harsanyi(TaylorPoly(), X, feature_names=NAMES), "harsanyi", lambda r: r.dividends,
                 (32, 4), ["set", "order", "dividend"]),
    "taylor_effects": (lambda: tw.taylor_effects(TaylorPoly(), X, feature_names=NAMES), "taylor_effects",
                       lambda r: torch.stack([r.independent, r.interaction_per_feature, r.interaction_share], -1),
                       (8, 3), ["independent", "interaction_share"]),
    "audit": (lambda: tw.attribution_audit(TaylorPoly(), X, methods=["occlusion_1", "shapley_value"]),
              "attribution_audit", lambda r: torch.stack([torch.stack([m.measure(p) for p in ("P1", "P2", "P3")])
                                                          for m in r.methods.values()]),
              (12, 5), ["method", "principle", "measure", "passes"]),
    "method_audit": (lambda: tw.attribution_audit(TaylorPoly(), X, methods=["occlusion_1"]).methods["occlusion_1"],
                     "occlusion_1", lambda r: r.attributions, (2, 4), ["x0"]),
    "caso": (lambda: tw.caso(_clf(), X, max_iter=10), "caso", lambda r: r.values, (2, 4), ["x0"]),
    "diag": (lambda: tw.hessian_rank_diagnostic(_clf(), X), "lanczos", lambda r: torch.stack(
        [r.p_max, r.sigma_ratio, r.cosine], -1), (2, 3), ["p_max", "sigma_ratio", "cosine"]),
}


@pytest.mark.parametrize("name", list(RESULTS))
def test_every_result_has_the_common_interface(name):
    make, method, main, frame_shape, columns = RESULTS[name]
    r = make()
    assert isinstance(r, Result) and r.method == method
    assert hasattr(r, "feature_names")
    arr = r.to_numpy()
    expected = main(r).detach().numpy()
    assert arr.shape == expected.shape and (arr == expected).all()
    arr[...] = 0  # a copy: the result's tensors are untouched
    assert (r.to_numpy() == expected).all()
    frame = r.to_frame()
    assert isinstance(frame, pd.DataFrame) and set(columns) <= set(frame.columns)
    if frame_shape is not None:
        assert frame.shape == frame_shape
    s = r.summary()
    assert s["method"] == method and all(isinstance(v, tuple) for v in s["shapes"].values())
    assert repr(r) == repr(make()) and "0x" not in repr(r)


def test_path_frames_are_named_by_features():
    ih = tw.integrated_hessians(smooth_mlp(4), X, feature_names=NAMES)
    f = ih.to_frame()
    assert list(f.columns) == NAMES and f.index.names == ["example", "feature"]
    assert f.loc[(1, "c"), "d"] == ih.values[1, 2, 3].item()
    rows = tw.integrated_hessians(smooth_mlp(4), X, rows=[2, 0], feature_names=NAMES).to_frame()
    assert list(rows.index.get_level_values("feature")[:2]) == ["c", "a"]
    ig = tw.integrated_gradients(smooth_mlp(4), X, feature_names=NAMES).to_frame()
    assert ig.loc[0, "b"] == tw.integrated_gradients(smooth_mlp(4), X).values[0, 1].item()


def test_summaries_rank_interactions_and_report_completeness():
    ih = tw.integrated_hessians(smooth_mlp(4), X, feature_names=NAMES)
    s = ih.summary(n=3)
    G = ih.values.abs().mean(0)
    iu = torch.triu_indices(4, 4, 1)
    best = int(G[iu[0], iu[1]].argmax())
    assert s["top_interactions"][0] == ((NAMES[iu[0, best]], NAMES[iu[1, best]]), G[iu[0, best], iu[1, best]].item())
    assert len(s["top_interactions"]) == 3
    assert s["completeness_error"] == ih.completeness_error.abs().max().item()
    h = tw.harsanyi(TaylorPoly(), X, feature_names=NAMES).summary()
    assert all(len(members) >= 2 for members, _ in h["top_interactions"])
    assert "top_interactions" not in tw.integrated_gradients(smooth_mlp(4), X).summary()


def test_rows_report_the_full_matrix_completeness_error():
    m = smooth_mlp(4)
    full = tw.integrated_hessians(m, X, steps=16)
    row = tw.integrated_hessians(m, X, steps=16, rows=[1])
    assert torch.isfinite(row.completeness_error).all()
    torch.testing.assert_close(row.completeness_error, full.completeness_error, rtol=1e-8, atol=1e-12)
