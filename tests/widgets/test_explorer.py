"""Explorer: computed traits, the one door (baseline traits + the "apply_baseline" request), failures
that keep user state."""
import numpy as np
import pytest
import torch

import taylor_widgets as tw

f32 = lambda t: np.asarray(t.detach().numpy() if isinstance(t, torch.Tensor) else t, dtype=np.float32)  # noqa: E731


def wire(values):
    """A float32 array as the view sends it."""
    return {"dtype": "float32", "shape": [len(values)], "view": memoryview(np.float32(values).tobytes())}


def request(w, rid="r1"):
    """The view's "apply_baseline" request through the comm, as anywidget's invoke sends it; its reply."""
    sent = []
    w.send = lambda content, buffers=None: sent.append((content, buffers))
    w._handle_custom_msg({"id": rid, "kind": "anywidget-command", "name": "apply_baseline", "msg": {}}, [])
    (content, buffers), = sent
    assert content["id"] == rid and content["kind"] == "anywidget-command-response" and buffers == []
    return content["response"]


def commit(w, state):
    """What the view does on an edit: commit the traits (refused ones raise), then request."""
    try:
        w.set_state(state)
    except ValueError:
        pass  # the view learns of a refusal from the request's answer and from `status`
    return request(w)


def counting(w):
    """A list that gets one entry per Γ computation of widget w."""
    calls, compute = [], w._compute
    w._compute = lambda *a: calls.append(1) or compute(*a)
    return calls


@pytest.fixture
def ex(tab):
    model, x, data, names = tab
    return tw.Explorer(model, x, data=data, feature_names=names, sweep_features=3, sweep_points=4)


def user_state(w):
    return dict(baseline=w.baseline.copy(), kind=w.baseline_kind, selected=w.selected, pair=list(w.selected_pair),
                scale=dict(w.color_scale), order=w.order, top_n=w.top_n, matrix=w.matrix.copy(), sweep=w.sweep.copy())


def same(a, b):
    assert a.keys() == b.keys()
    for k in a:
        assert np.array_equal(a[k], b[k]) if isinstance(a[k], np.ndarray) else a[k] == b[k], k


def test_initial_traits(ex, tab):
    model, x, data, names = tab
    direct = tw.integrated_hessians(model, x)
    np.testing.assert_array_equal(ex.matrix, f32(direct.values))
    np.testing.assert_array_equal(ex.attributions, f32(direct.attributions))
    np.testing.assert_array_equal(ex.baseline, np.zeros(5, np.float32))
    np.testing.assert_array_equal(ex.data_range, f32(torch.stack([data.amin(0), data.amax(0)])))
    assert ex.baseline_kind == "zeros" and ex.status["state"] == "idle"
    assert ex.sweep.shape == (3, 4, 5) and ex.sweep_values.shape == (3, 4)
    top = torch.argsort(direct.attributions[0].abs(), descending=True)[:3].tolist()
    assert ex.sweep_features == top
    assert repr(ex) == "Explorer(B=2, d=5, method='integrated_hessians', baseline_kind='zeros')"


def test_sweep_rows_equal_direct_integrated_hessians_rows(ex, tab):
    model, x, _, _ = tab
    for f, i in enumerate(ex.sweep_features):
        values = torch.from_numpy(ex.sweep_values[f].copy()).double()
        np.testing.assert_allclose(values[[0, -1]], [ex.data_range[0, i], ex.data_range[1, i]], rtol=1e-6)
        bl = torch.zeros(4, 5, dtype=torch.float64)
        bl[:, i] = values
        rows = tw.integrated_hessians(model, x[:1].expand(4, 5), baseline=bl, rows=[i]).values[:, 0]
        np.testing.assert_allclose(ex.sweep[f], f32(rows), rtol=1e-5, atol=1e-7)


def test_an_edit_in_the_view_updates_the_matrix(ex, tab):
    model, x, _, _ = tab
    ex.selected, ex.color_scale = 2, {"vmax": 0.5, "scheme": "PiYG"}
    b = [0.5, -1.0, 0.25, 2.0, 0.0]
    calls = counting(ex)
    reply = commit(ex, {"baseline": wire(b), "baseline_kind": "custom"})
    assert reply == {"ok": True} and calls == [1]  # one door: the commit and its request compute once
    direct = tw.integrated_hessians(model, x, baseline=torch.tensor(b, dtype=torch.float64))
    np.testing.assert_array_equal(ex.matrix, f32(direct.values))
    np.testing.assert_array_equal(ex.baselines, f32(direct.baseline))
    np.testing.assert_array_equal(ex.baseline, np.float32(b))
    assert ex.baseline_kind == "custom" and ex.selected == 2 and ex.color_scale["scheme"] == "PiYG"
    assert ex.status == {"state": "idle", "message": "", "progress": 1.0}


def test_command_protocol_through_the_comm(ex, tab):
    _, _, data, _ = tab
    ex.set_state({"baseline_kind": "mean"})  # the request carries nothing: the traits say what to explain
    assert request(ex) == {"ok": True}
    np.testing.assert_array_equal(ex.baseline, f32(data.mean(0)))
    sent = []
    ex.send = lambda content, buffers=None: sent.append(content)
    ex._handle_custom_msg({"id": "r2", "kind": "anywidget-command", "name": "set_kind", "msg": {}}, [])
    assert sent[0]["id"] == "r2" and sent[0]["response"] == {"ok": False, "error": "unknown command 'set_kind'"}


@pytest.mark.parametrize("bad", [
    {"baseline": wire([float("nan")] * 5), "baseline_kind": "custom"},
    {"baseline": wire([1.0, 2.0]), "baseline_kind": "custom"},
    {"baseline": wire([0.0] * 5), "baseline_kind": "weird"},
    {"baseline_kind": "sample", "baseline_sample": 40},
])
def test_failed_recompute_keeps_everything_the_user_set(ex, bad):
    ex.set_state({"selected": 3, "selected_pair": [3, 1], "color_scale": {"vmax": 1.5, "scheme": "PuOr"},
                  "order": "attribution", "top_n": 2, "baseline": wire([1, 1, 1, 1, 1]), "baseline_kind": "custom"})
    before = user_state(ex)
    sent = []
    ex.send_state = lambda key=None: sent.append(key)
    with pytest.raises(ValueError, match="baseline"):
        ex.set_state(bad)
    assert any(set(bad) <= set(keys or ()) for keys in sent)  # the view is sent Python's values back
    reply = request(ex)
    assert reply["ok"] is False and reply["error"]
    same(user_state(ex), before)
    assert ex.status["state"] == "error" and ex.status["message"] == reply["error"]
    assert ex.get_state()["baseline"]["view"].tobytes() == np.float32([1] * 5).tobytes()  # so export_html writes it


def test_a_model_that_raises_keeps_state_and_reports(tab):
    model, x, data, _ = tab
    broken = {"on": False}

    def f(z):
        if broken["on"]:
            raise RuntimeError("model exploded")
        return model(z)

    w = tw.Explorer(f, x, data=data, sweep_features=2, sweep_points=3)
    w.selected, w.color_scale = 1, {"vmax": 2.0, "scheme": "RdBu"}
    before = user_state(w)
    broken["on"] = True
    reply = commit(w, {"baseline_kind": "median"})
    assert reply["ok"] is False and "model exploded" in reply["error"]
    same(user_state(w), before)
    assert w.status["state"] == "error" and "exploded" in w.status["message"]
    # the same from Python: the assignment warns, and the previous baseline stays with its matrix
    with pytest.warns(RuntimeWarning, match="model exploded"):
        w.baseline = np.full(5, 0.5, np.float32)
    same(user_state(w), before)
    np.testing.assert_array_equal(w.baselines, np.broadcast_to(w.baseline, w.baselines.shape))
    assert w.recompute(kind="median")["ok"] is False and w.baseline_kind == "zeros"
    broken["on"] = False
    assert w.recompute()["ok"] and w.status["state"] == "idle"


@pytest.mark.parametrize("kind", ["zeros", "mean", "median", "sample", "custom"])
def test_set_kind(ex, tab, kind):
    model, x, data, _ = tab
    ex.baseline_sample = 7
    expected = {"zeros": torch.zeros(5, dtype=torch.float64), "mean": data.mean(0), "median": data.quantile(0.5, 0),
                "sample": data[7], "custom": torch.zeros(5, dtype=torch.float64)}[kind]
    reply = commit(ex, {"baseline_kind": kind, "baseline_sample": 7})
    assert reply["ok"], reply
    np.testing.assert_array_equal(ex.baseline, f32(expected))
    assert ex.baseline_kind == kind
    b32 = torch.from_numpy(f32(expected)).double()
    np.testing.assert_array_equal(ex.matrix, f32(tw.integrated_hessians(model, x, baseline=b32).values))


def test_set_kind_without_data_is_an_error_reply(tab):
    model, x, _, _ = tab
    w = tw.Explorer(model, x, sweep_features=1, sweep_points=2)
    reply = w.recompute(kind="mean")
    assert not reply["ok"] and "needs data" in reply["error"] and w.status["state"] == "error"
    assert w.data_range.shape == (0,) and w.baseline_kind == "zeros"
    reply = commit(w, {"baseline_kind": "median"})
    assert not reply["ok"] and "needs data" in reply["error"] and w.baseline_kind == "zeros"


def test_setting_baseline_from_python_recomputes(ex, tab):
    model, x, _, _ = tab
    states = []
    ex.observe(lambda c: states.append((c["new"]["state"], c["new"]["progress"])), "status")
    ex.baseline = torch.full((5,), 0.5)
    direct = tw.integrated_hessians(model, x, baseline=torch.full((5,), 0.5, dtype=torch.float64))
    np.testing.assert_array_equal(ex.matrix, f32(direct.values))
    progress = [p for s, p in states if s == "computing"]
    assert progress == sorted(progress) and len(progress) >= 3 and states[-1] == ("idle", 1.0)


@pytest.mark.parametrize("bad, match", [
    (np.full(5, np.nan), "baseline: contains 5 NaN"),
    (np.zeros(3), r"baseline: expected shape \(d,\) = \(5,\)"),
    ("zeros", "baseline: expected"),
])
def test_bad_baseline_from_python_is_refused_and_keeps_the_matrix(ex, bad, match):
    m, b = ex.matrix.copy(), ex.baseline.copy()
    with pytest.raises((ValueError, TypeError), match=match):
        ex.baseline = bad
    assert np.array_equal(ex.baseline, b) and np.array_equal(ex.matrix, m)


def test_a_baseline_edited_in_the_view_is_explained_once(ex, tab):
    model, x, _, _ = tab
    calls = counting(ex)
    ex.set_state({"baseline": wire([2] * 5)})  # the commit alone: the traits are the source of truth
    np.testing.assert_array_equal(ex.baseline, np.float32([2] * 5))
    assert ex.baseline_kind == "custom" and calls == [1]
    direct = tw.integrated_hessians(model, x, baseline=torch.full((5,), 2.0, dtype=torch.float64))
    np.testing.assert_array_equal(ex.matrix, f32(direct.values))
    assert request(ex) == {"ok": True} and calls == [1]  # its request finds the matrix up to date


def test_expected_hessians_shifts_the_background(tab):
    model, x, data, _ = tab
    w = tw.Explorer(model, x, data=data, method="eh", samples=64, seed=1, sweep_features=1, sweep_points=2)
    assert w.baseline_kind == "mean" and w.value_label == "Γ, Expected Hessians"
    np.testing.assert_allclose(w.baseline, f32(data.mean(0)), rtol=1e-6)
    direct = tw.expected_hessians(model, x, data, samples=64, seed=1)
    np.testing.assert_allclose(w.matrix, f32(direct.values), rtol=1e-4, atol=1e-6)
    assert w.recompute(kind="zeros")["ok"]
    shifted = tw.expected_hessians(model, x, data - data.mean(0), samples=64, seed=1)
    np.testing.assert_allclose(w.matrix, f32(shifted.values), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"method": "ig"}, ValueError, "method"),
    ({"x": torch.zeros(1, 2, 3, dtype=torch.float64)}, ValueError, "x: Explorer explains"),
    ({"x": [1.0, 2.0]}, TypeError, "x: expected a torch.Tensor"),
    ({"data": torch.zeros(4, 3, dtype=torch.float64)}, ValueError, "data"),
    ({"data": None, "method": "eh"}, ValueError, "data"),
    ({"data": None, "baseline": "median"}, ValueError, "needs data"),
    ({"baseline": "max"}, ValueError, "baseline"),
    ({"baseline": torch.zeros(3)}, ValueError, "baseline"),
    ({"baseline": 3}, TypeError, "baseline"),
    ({"sweep_points": -1}, ValueError, "sweep_points"),
    ({"samples": 0}, ValueError, "samples"),
    ({"bogus": 1}, TypeError, "bogus"),
])
def test_validation(tab, kwargs, exc, match):
    model, x, data, _ = tab
    args = {"x": x, "data": data, **kwargs}
    with pytest.raises(exc, match=match):
        tw.Explorer(model, **args)
