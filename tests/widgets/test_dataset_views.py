"""The dataset views of a batch (issue 12 §2): InteractionSummary, InteractionNetwork and the tabs of
InteractionMatrix / Explorer, their traits and refusals; numpy and pandas inputs of the matrix widgets."""
import threading

import numpy as np
import pandas as pd
import pytest
import torch

import taylor_widgets as tw
from taylor_widgets.widgets import recompute
from tests.conftest import smooth_mlp

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def batch():
    torch.manual_seed(0)
    x = torch.randn(12, 5, dtype=torch.float64)
    return tw.integrated_hessians(smooth_mlp(5, hidden=8, seed=1), x, feature_names=list("abcde"))


def test_standalone_views_take_a_batch_and_show_one_tab(batch):
    s, n = tw.InteractionSummary(batch), tw.InteractionNetwork(batch, network_edges=4, layout_seed=9)
    assert (s.tab, n.tab) == ("summary", "network")
    assert (n.network_edges, n.layout_seed) == (4, 9)
    np.testing.assert_array_equal(s.inputs, batch.x.numpy().astype(np.float32))  # dots coloured by x
    with pytest.raises(ValueError, match="^tab: expected one of 'summary'"):
        s.tab = "matrix"
    assert s.tab == "summary"
    assert repr(s).startswith("InteractionSummary(B=12, d=5")


def test_dataset_views_refuse_a_single_sample_or_a_global_matrix(batch):
    with pytest.raises(ValueError, match="^result_or_array: InteractionSummary summarises a batch.*one"):
        tw.InteractionSummary(np.eye(3))
    X = torch.randn(10, 3, dtype=torch.float64)
    gi = tw.global_interactions(lambda z: (z[:, 0] * z[:, 1])[:, None], X, order=2)
    with pytest.raises(ValueError, match="global matrix only"):
        tw.InteractionNetwork(gi)
    w = tw.InteractionMatrix(np.eye(3))
    with pytest.raises(ValueError, match="^tab: 'summary' is a dataset view"):
        w.tab = "summary"
    assert w.tab == "matrix"


def test_matrix_tabs_and_view_options(batch):
    w = tw.InteractionMatrix(batch, tab="network", diagonal="hide", top_pairs=7, dependence="attribution")
    assert (w.tab, w.diagonal, w.top_pairs, w.dependence) == ("network", "hide", 7, "attribution")
    w.tab = "summary"
    with pytest.raises(TypeError, match="^diagonals: unexpected keyword argument"):
        tw.InteractionMatrix(batch, diagonals="hide")
    for name, bad in [("top_pairs", 0), ("top_pairs", 101), ("network_edges", 0), ("diagonal", "off"),
                      ("dependence", "phi"), ("layout_seed", -1)]:
        with pytest.raises((ValueError, TypeError), match=f"^{name}:"):
            setattr(w, name, bad)


def test_bare_arrays_take_inputs_and_names_from_x():
    rng = np.random.default_rng(0)
    m = rng.normal(size=(4, 3, 3))
    df = pd.DataFrame(rng.normal(size=(4, 3)), columns=["age", "bmi", "bp"])
    w = tw.InteractionSummary(m, x=df)
    assert w.feature_names == ["age", "bmi", "bp"]
    np.testing.assert_allclose(w.inputs, df.to_numpy(), rtol=1e-6)
    assert tw.InteractionMatrix(m, ["p", "q", "r"], x=df).feature_names == ["p", "q", "r"]  # given names win
    with pytest.raises(ValueError, match=r"^x: expected the 4 explained inputs of 3 features, shape \(4, 3\)"):
        tw.InteractionMatrix(m, x=np.ones((3, 3)))
    with pytest.raises(TypeError, match="^x: column 'c'"):
        tw.InteractionMatrix(m, x=pd.DataFrame({"a": [1.0] * 4, "b": [1.0] * 4, "c": ["z"] * 4}))
    w2 = tw.InteractionMatrix(pd.DataFrame(np.eye(3), columns=["u", "v", "w"]))  # a (d, d) frame names its features
    assert w2.feature_names == ["u", "v", "w"]


def test_explorer_takes_numpy_and_pandas_and_matches_data_by_column():
    torch.manual_seed(3)
    model = smooth_mlp(3, hidden=8, seed=2)
    rng = np.random.default_rng(1)
    data = pd.DataFrame(rng.normal(size=(30, 3)), columns=["a", "b", "c"])
    x = data.iloc[:2] + 0.5
    w = tw.Explorer(model, x, data=data[["c", "a", "b"]], baseline="mean", sweep_features=1, sweep_points=2)
    assert w.feature_names == ["a", "b", "c"]
    np.testing.assert_allclose(w.baseline, data.mean().to_numpy(), rtol=1e-6)  # reordered by label, not position
    ref = tw.Explorer(model, torch.tensor(x.to_numpy()), data=torch.tensor(data.to_numpy()), baseline="mean",
                      sweep_features=1, sweep_points=2)
    np.testing.assert_array_equal(w.matrix, ref.matrix)
    w_np = tw.Explorer(model, x.to_numpy(), data=data.to_numpy(), sweep_features=1, sweep_points=2)
    assert w_np.feature_names == ["x0", "x1", "x2"]
    with pytest.raises(ValueError, match="^data: its labels do not match"):
        tw.Explorer(model, x, data=data.rename(columns={"c": "z"}))
    with pytest.raises(TypeError, match="^x: expected a torch.Tensor, a numpy array or a pandas DataFrame, got list"):
        tw.Explorer(model, [[1.0, 2.0, 3.0]])


def test_explorer_offers_the_dataset_views_for_several_inputs():
    torch.manual_seed(3)
    data = torch.randn(20, 4, dtype=torch.float64)
    w = tw.Explorer(smooth_mlp(4, hidden=8, seed=2), data[:5], data=data, sweep_features=1, sweep_points=2,
                    tab="summary", selected_pair=[0, 2])
    assert w.tab == "summary" and w.selected_pair == [0, 2]
    w.baseline = np.full(4, 0.25, np.float32)  # a recompute keeps the view
    assert w.tab == "summary" and w.status["state"] == "idle"


def test_concurrent_recomputes_are_serialised_and_both_answered():
    """Two threads recompute one Explorer at once (a trait update and the view's request of the same
    edit, as JupyterLab's kernel subshell can deliver them): without the lock torch fails with
    "forward AD level with an invalid index"; with it both finish and the matrix is right."""
    torch.manual_seed(3)
    data = torch.randn(40, 6, dtype=torch.float64)
    model = smooth_mlp(6, hidden=32, seed=2)
    w = tw.Explorer(model, data[:8], data=data, sweep_features=2, sweep_points=4)
    target = np.full(6, 0.5, np.float32)
    outcomes, go = [], threading.Barrier(2)

    def edit(fn):
        go.wait()
        outcomes.append(fn())

    threads = [threading.Thread(target=edit, args=(lambda: w.recompute(target),)),
               threading.Thread(target=edit, args=(lambda: w._apply("custom", 0, target) or {"ok": True},))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes == [{"ok": True}, {"ok": True}]
    direct = tw.integrated_hessians(model, data[:8], baseline=torch.from_numpy(target).double())
    np.testing.assert_array_equal(w.matrix, direct.values.numpy().astype(np.float32))


def test_the_forward_ad_race_is_retried_once_and_nothing_else_is():
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("Trying to access a forward AD level with an invalid index. This index was ...")
        return "done"

    assert recompute.retry_forward_ad_race(flaky) == "done" and len(calls) == 2

    def broken():
        raise RuntimeError("model exploded")

    with pytest.raises(RuntimeError, match="model exploded"):
        recompute.retry_forward_ad_race(broken)
