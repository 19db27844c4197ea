"""AllocationView: traits from an audit, binary serialization, validation, bar segments that sum to a_i."""
import numpy as np
import pytest
import torch

import taylor_widgets as tw
from taylor_widgets.widgets.payloads.allocation import KINDS, segments
from taylor_widgets.widgets.serialize import array_from_json, array_to_json
from tests.core.test_audit import Poly

XP = torch.tensor([[1.5, -2.0, 0.5, 3.0], [0.5, 1.0, -1.0, 2.0]], dtype=torch.float64)
METHODS = ["gradient_x_input", "integrated_gradients", "occlusion_1", "shapley_value", "prediction_difference"]


@pytest.fixture(scope="module")
def audit():
    bg = torch.tensor([[0.5, 0.5, -0.5, 1.0], [0.0, 1.0, 0.0, -1.0]], dtype=torch.float64)
    return tw.attribution_audit(Poly(), XP, None, methods=METHODS, background=bg, ig_steps=8)


@pytest.fixture
def view(audit):
    return tw.AllocationView(audit, ["a", "b", "c", "d"])


def test_traits_shapes_and_repr(view, audit):
    B, M, n = 2, len(METHODS), 4
    assert view.methods == METHODS
    assert view.allocation.shape == (B, M, n, 2**n) and view.allocation.dtype == np.float32
    assert view.attributions.shape == (B, M, n)
    assert view.segments.shape == (B, M, n, 2 * len(KINDS))
    assert view.dividends.shape == (B, 2**n) and view.expected_dividends.shape == (B, 2**n)
    assert [m["game"] for m in view.marks] == ["baseline"] * 4 + ["background"]
    np.testing.assert_allclose(view.marks[0]["P1"], audit.methods["gradient_x_input"].p1.numpy(), rtol=1e-12)
    assert (view.method, view.feature, view.sample) == ("", -1, 0)
    assert repr(view) == "AllocationView(B=2, methods=5, players=4, skipped=0)"
    assert repr(tw.AllocationView(audit)) == repr(view)


def test_segments_sum_to_each_methods_attribution(view, audit):
    seg = view.segments.astype(np.float64).reshape(2, len(METHODS), 4, len(KINDS), 2)
    np.testing.assert_allclose(seg.sum((-1, -2)), view.attributions, rtol=1e-5, atol=1e-5)
    for k, name in enumerate(METHODS):  # against the core's float64 attributions too
        np.testing.assert_allclose(seg[:, k].sum((-1, -2)), audit.methods[name].attributions.numpy(), rtol=1e-5, atol=1e-5)
    assert (seg[..., 0] >= 0).all() and (seg[..., 1] <= 0).all()
    np.testing.assert_allclose(view.segment_table(1), seg[1], rtol=1e-5, atol=1e-5)


def test_segment_kinds_on_known_allocations(view):
    """Shapley keeps everything with members; Occlusion-1 gives each member the whole interaction."""
    tab = view.segment_table(0)
    sh, occ = METHODS.index("shapley_value"), METHODS.index("occlusion_1")
    others, base = KINDS.index("others"), KINDS.index("baseline")
    assert np.abs(tab[sh, :, others]).max() < 1e-6 and np.abs(tab[sh, :, base]).max() < 1e-6
    I = view.dividends[0].astype(np.float64)
    own = np.array([I[1 << i] for i in range(4)])
    np.testing.assert_allclose(tab[sh, :, KINDS.index("own")].sum(-1), own, atol=1e-5)
    # Occlusion-1 on x0: every interaction containing x0 in full
    inter0 = sum(I[s] for s in range(16) if s & 1 and bin(s).count("1") >= 2)
    np.testing.assert_allclose(tab[occ, 0, KINDS.index("interaction")].sum(), inter0, atol=1e-5)


def test_segments_function_splits_signs_and_kinds():
    E = np.zeros((2, 4))
    E[0] = [0.5, 2.0, -1.0, 3.0]  # player 0: baseline 0.5, own 2, takes −1 from {1}, pair 3
    E[1] = [0.0, 0.0, 1.5, -0.5]
    s = segments(E)
    assert s.shape == (2, 4, 2)
    np.testing.assert_array_equal(s[0], [[2, 0], [3, 0], [0, -1], [0.5, 0]])
    np.testing.assert_array_equal(s[1], [[1.5, 0], [0, -0.5], [0, 0], [0, 0]])
    np.testing.assert_allclose(s.sum((-1, -2)), E.sum(-1))


def test_arrays_travel_binary(view):
    for name in ("allocation", "attributions", "segments", "dividends"):
        wire = array_to_json(getattr(view, name))
        assert isinstance(wire["view"], memoryview) and wire["dtype"] == "float32"
        np.testing.assert_array_equal(array_from_json({**wire, "view": bytes(wire["view"])}), getattr(view, name))
    state = view.get_state()
    assert isinstance(state["allocation"]["view"], memoryview)
    assert isinstance(state["marks"], list) and isinstance(state["feature_names"], list)


def test_user_state_validation(view):
    view.method = "shapley_value"
    view.feature = 3
    view.sample = 1
    assert (view.method, view.feature, view.sample) == ("shapley_value", 3, 1)
    view.method = ""
    view.feature = -1
    with pytest.raises(ValueError, match="method"):
        view.method = "lime"
    with pytest.raises(ValueError, match="feature"):
        view.feature = 4
    with pytest.raises(ValueError, match="sample"):
        view.sample = 2
    with pytest.raises(TypeError, match="sample"):
        view.sample = True
    with pytest.raises(ValueError, match="tol"):
        view.tol = -1.0
    with pytest.raises(ValueError, match="marks"):
        view.marks = [{"method": "x"}] * 5
    with pytest.raises(ValueError, match="feature_names"):
        view.feature_names = ["a"]
    assert (view.method, view.feature, view.sample) == ("", -1, 1)


def test_constructor_arguments(audit):
    with pytest.raises(TypeError, match="audit"):
        tw.AllocationView(np.zeros((4, 16)))
    with pytest.raises(ValueError, match="feature_names"):
        tw.AllocationView(audit, ["a", "b"])
    with pytest.raises(TypeError, match="feature_names"):
        tw.AllocationView(audit, [1, 2, 3, 4])
    with pytest.raises(TypeError, match="title"):
        tw.AllocationView(audit, title=3)
    with pytest.raises(TypeError):
        tw.AllocationView(audit, colour="red")
    with pytest.raises(ValueError, match="method"):
        tw.AllocationView(audit, method="nope")
    w = tw.AllocationView(audit, ["<img src=x>", "b", "c", "d"], title="t", sample=1, method="occlusion_1", feature=2)
    assert (w.sample, w.method, w.feature, w.title) == (1, "occlusion_1", 2, "t")
    assert w.feature_names[0] == "<img src=x>"


def test_skipped_methods_and_export(audit, tmp_path):
    r = tw.attribution_audit(Poly(), XP[:1], None, methods=["shapley_value", "grad_cam"])
    w = tw.AllocationView(r)
    assert w.methods == ["shapley_value"] and "grad_cam" in w.skipped
    assert repr(w) == "AllocationView(B=1, methods=1, players=4, skipped=1)"
    out = tw.export_html(w, tmp_path / "a.html")
    text = (tmp_path / "a.html").read_text()
    assert "allocation" in text and "grad_cam" in text
    del out
