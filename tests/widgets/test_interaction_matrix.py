"""InteractionMatrix: traits per js/CONTRACT.md, validation, `selected` both ways, repr."""
import numpy as np
import pytest
import torch

import taylor_widgets as tw
from taylor_widgets.widgets.serialize import array_to_json
from tests.conftest import smooth_mlp

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def result():
    torch.manual_seed(0)
    return tw.integrated_hessians(smooth_mlp(4, hidden=8), torch.randn(3, 4, dtype=torch.float64),
                                  feature_names=["a", "b", "c", "d"])


def test_from_result_carries_matrix_attributions_inputs_baselines_and_names(result):
    w = tw.InteractionMatrix(result)
    np.testing.assert_array_equal(w.matrix, result.values.numpy().astype(np.float32))
    np.testing.assert_array_equal(w.attributions, result.attributions.numpy().astype(np.float32))
    np.testing.assert_array_equal(w.inputs, result.x.numpy().astype(np.float32))
    np.testing.assert_array_equal(w.baselines, result.baseline.numpy().astype(np.float32))
    assert w.feature_names == ["a", "b", "c", "d"]
    assert w.value_label == "Γ, Integrated Hessians"
    assert repr(w) == "InteractionMatrix(B=3, d=4, method='integrated_hessians')"
    state = w.get_state()
    assert state["matrix"]["shape"] == [3, 4, 4] and state["matrix"]["dtype"] == "float32"
    assert bytes(state["matrix"]["view"]) == result.values.numpy().astype("<f4").tobytes()


def test_from_array_defaults(result):
    w = tw.InteractionMatrix(np.eye(3))
    assert w.matrix.shape == (1, 3, 3) and w.attributions.shape == (0,)
    assert w.feature_names == ["x0", "x1", "x2"]
    assert (w.sample, w.selected, w.selected_pair, w.order, w.top_n) == (0, -1, [], "given", 0)
    assert w.color_scale == {"vmax": None, "scheme": "RdBu"} and w.higher_order == []
    assert array_to_json(w.attributions) == {"dtype": "float32", "shape": [0], "view": b""}
    assert repr(w) == "InteractionMatrix(B=1, d=3, method='array')"


def test_user_state_from_the_constructor():
    w = tw.InteractionMatrix(torch.ones(2, 5, 5), list("vwxyz"), title="t", sample=1, order="cluster", top_n=3,
                             color_scale={"vmax": 2.0, "scheme": "PuOr"},
                             higher_order=[{"members": [0, 1, 4], "score": 0.5}])
    assert (w.title, w.sample, w.order, w.top_n) == ("t", 1, "cluster", 3)
    assert w.color_scale == {"vmax": 2.0, "scheme": "PuOr"}
    assert w.higher_order == [{"members": [0, 1, 4], "score": 0.5}]


@pytest.mark.parametrize("args, kwargs, exc, match", [
    (("nope",), {}, TypeError, "result_or_array"),
    ((np.ones((3, 4)),), {}, ValueError, "square"),
    ((np.ones(3),), {}, ValueError, "square"),
    ((np.full((2, 2), np.nan),), {}, ValueError, "NaN"),
    ((np.eye(2), ["a"]), {}, ValueError, "feature_names: expected 2"),
    ((np.eye(2), "ab"), {}, TypeError, "feature_names"),
    ((np.eye(2), [1, 2]), {}, TypeError, "feature_names"),
    ((np.eye(2),), {"sample": 1}, ValueError, "sample"),
    ((np.eye(2),), {"sample": True}, TypeError, "sample"),
    ((np.eye(2),), {"order": "size"}, ValueError, "order"),
    ((np.eye(2),), {"top_n": -1}, ValueError, "top_n"),
    ((np.eye(2),), {"color_scale": {"scheme": "Jet"}}, ValueError, "scheme"),
    ((np.eye(2),), {"color_scale": {"vmax": -1}}, ValueError, "vmax"),
    ((np.eye(2),), {"color_scale": {"vmin": 1}}, ValueError, "unknown"),
    ((np.eye(3),), {"higher_order": [{"members": [0, 1], "score": 1.0}]}, ValueError, "≥ 3"),
    ((np.eye(3),), {"higher_order": [{"members": [0, 1, 5], "score": 1.0}]}, ValueError, "members"),
    ((np.eye(2),), {"title": 3}, TypeError, "title"),
    ((np.eye(2),), {"colour": "x"}, TypeError, "colour"),
])
def test_validation_names_the_argument(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        tw.InteractionMatrix(*args, **kwargs)


def test_rows_only_result_is_refused(result):
    rows = tw.integrated_hessians(smooth_mlp(4, hidden=8), result.x, rows=[1])
    with pytest.raises(ValueError, match="full matrix"):
        tw.InteractionMatrix(rows)


def test_later_assignments_are_validated_too():
    w = tw.InteractionMatrix(np.eye(3))
    with pytest.raises(ValueError, match="selected"):
        w.selected = 3
    with pytest.raises(ValueError, match="selected_pair"):
        w.selected_pair = [0, 1, 2]
    assert w.selected == -1 and w.selected_pair == []


def test_selected_syncs_from_the_front_end_and_can_be_observed():
    w = tw.InteractionMatrix(np.eye(4) + 0.1)
    seen = []
    w.observe(lambda c: seen.append((c["old"], c["new"])), "selected")
    w.set_state({"selected": 2, "selected_pair": [2, 3]})  # what a click in the view sends
    assert w.selected == 2 and w.selected_pair == [2, 3] and seen == [(-1, 2)]
    w.selected = 1  # Python → JS: a synced trait (the browser tests check the real round trip)
    assert "selected" in w.keys and w.get_state("selected") == {"selected": 1}


def test_names_are_kept_verbatim(result):
    evil = "<img src=x onerror=alert(1)>"
    w = tw.InteractionMatrix(np.eye(2), [evil, "b&c"])
    assert w.feature_names == [evil, "b&c"]


def test_higher_order_from_the_widget_state_is_json():
    w = tw.InteractionMatrix(np.eye(4), higher_order=[{"members": [3, 1, 2], "score": np.float32(2.5)}])
    assert w.get_state()["higher_order"] == [{"members": [3, 1, 2], "score": 2.5}]
