"""Every synced trait of every widget refuses bad values, from Python and from the front end, and
a refusal changes nothing: a ValueError/TypeError that starts with the trait's name (issue 14 §1.5, §1.17)."""
import base64

import numpy as np
import pytest
import torch

import taylor_widgets as tw
from taylor_widgets.sharing.page import read_models
from taylor_widgets.widgets import traits as tt
from tests.conftest import smooth_mlp
from _models import TaylorPoly

torch.set_num_threads(1)

# Traits that ipywidgets and anywidget own, not this package.
FOREIGN = {"_esm", "_css", "_anywidget_id", "_dom_classes", "layout", "tabbable", "tooltip", "_model_module",
           "_model_module_version", "_model_name", "_view_count", "_view_module", "_view_module_version", "_view_name"}


def poly(x):
    return (x[:, 0] * x[:, 1] * x[:, 2] + x[:, 3] * x[:, 4])[:, None]


def make_matrix():
    torch.manual_seed(0)
    return tw.InteractionMatrix(tw.integrated_hessians(smooth_mlp(4, hidden=8), torch.randn(3, 4, dtype=torch.float64)),
                                higher_order=[{"members": [0, 1, 2], "score": 1.0}], view="global")


def make_global():
    X = torch.randn(16, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    return tw.InteractionMatrix(tw.global_interactions(poly, X, order=3, top_k=3))


def make_explorer():
    torch.manual_seed(3)
    data = torch.randn(20, 5, dtype=torch.float64)
    return tw.Explorer(smooth_mlp(5, hidden=8, seed=2), data[:2] + 1, data=data, sweep_features=2, sweep_points=3)


def make_cam():
    torch.manual_seed(0)
    model = tw.YieldOrGoCNN(width=4, hidden=8).double().eval()
    x = torch.rand(2, 3, 32, 32, dtype=torch.float64)
    return tw.CAMViewer(x, tw.taylor_cam(model, x, "features", target=1, top_k=3))


def make_allocation():
    X = torch.tensor([[1.5, -2.0, 0.5, 3.0]], dtype=torch.float64)
    return tw.AllocationView(tw.attribution_audit(TaylorPoly(), X, None, methods=["shapley_value", "occlusion_1"],
                                                  background=X * 0.5))


def make_summary():
    torch.manual_seed(0)
    return tw.InteractionSummary(tw.integrated_hessians(smooth_mlp(4, hidden=8), torch.randn(3, 4, dtype=torch.float64)))


def make_network():
    torch.manual_seed(0)
    return tw.InteractionNetwork(np.random.default_rng(0).normal(size=(3, 4, 4)), x=np.ones((3, 4)))


def make_single():
    torch.manual_seed(0)
    return tw.InteractionMatrix(tw.integrated_hessians(smooth_mlp(4, hidden=8), torch.randn(1, 4, dtype=torch.float64)))


def make_text():
    G = np.random.default_rng(0).normal(size=(2, 4, 4))
    return tw.TextInteractions(G + G.transpose(0, 2, 1), [["a", "b", "c", "d"], ["e", "f"]])


WIDGETS = {"text": make_text, "matrix": make_matrix, "global": make_global, "explorer": make_explorer, "cam": make_cam,
           "allocation": make_allocation, "summary": make_summary, "network": make_network, "single": make_single}

# Bad values named in the issue, on top of the generic ones every trait type gets (generic_bad).
SPECIFIC = {
    "matrix": {"matrix": [np.full((3, 4, 4), np.nan), np.ones((3, 4, 5)), np.ones((3, 5, 5)), np.ones((2, 4, 4))],
               "attributions": [np.ones((3, 5))], "global_matrix": [np.ones((3, 3)), None],
               "sweep": [np.ones((1, 2, 4))], "sweep_values": [np.ones((1, 2))], "sweep_features": [[0]],
               "higher_order": [[{"members": [0, 1], "score": 1.0}], [{"members": [0, 1, 9], "score": 1.0}]],
               "selected_pair": [[0, 1, 2], [0, 4]], "highlighted_set": [[0], [0, 0, 1]],
               "color_scale": [{"vmax": -1}, {"scheme": "Jet"}, {"vmin": 1}], "view": ["both"],
               "diagonal": ["off", None], "tab": ["heatmap"], "top_pairs": [0, 101], "network_edges": [0, 1001],
               "dependence": ["phi"]},
    "summary": {"tab": ["matrix", "network"], "matrix": [np.ones((1, 4, 4))]},
    "text": {"interactions": [np.ones((2, 4, 5)), np.ones((3, 4, 4))], "attributions": [np.ones((2, 5))],
             "tokens": [[["a"] * 5, ["b"]], [["a"]], [["a"], []], [["a"], [1]]], "selected": [4], "sentence": [2],
             "top_k": [-1, 51], "scheme": ["jet"]},
    "network": {"tab": ["matrix", "summary"], "inputs": [np.ones((3, 5))]},
    "single": {"tab": ["summary", "network"]},
    "global": {"view": ["sample"], "global_matrix": [np.ones((4, 4)), None], "matrix": [np.ones((1, 5, 5))]},
    "explorer": {"baseline": [np.full(5, np.inf), np.ones(4)], "data_range": [np.ones((2, 4))],
                 "baseline_sample": [20], "status": [{"state": "done", "message": "", "progress": 1.0}],
                 "sweep": [np.ones((2, 3, 4)), np.ones((3, 3, 5))], "sweep_values": [np.ones((2, 4))],
                 "sweep_features": [[0, 0], [0, 1, 2], [0, 7]]},
    "cam": {"pair_scores": [np.full((2, 16, 16), np.nan), -np.ones((2, 16, 16))], "images": [np.full((2, 32, 32, 3), 1.5)],
            "grid": [[-1, 5], [4, 5]], "gradcam": [-np.ones((2, 4, 4))], "labels": [["only one"]]},
    "allocation": {"allocation": [np.full((1, 2, 4, 16), np.nan), np.ones((1, 2, 4, 8))],
                   "segments": [np.ones((1, 2, 4, 7)), -np.ones((1, 2, 4, 8))], "methods": [[], ["a", "a"], ["a"]],
                   "marks": [[{"method": "x"}] * 2, []], "skipped": [{"a": 1}], "tol": [-1.0, float("nan")],
                   "method": ["lime"], "expected_dividends": [np.ones((1, 8))], "bar_scale": ["log"]},
}


def generic_bad(trait, value):
    """Wrong-type and out-of-range values for a trait of this type (an unbounded Index: no too-large one)."""
    if isinstance(trait, tt.Float32Array):
        bad = ["abc", np.ones((2,) * (trait.ndim + 1))]
        if np.size(value):
            bad.append(np.where(np.arange(value.size).reshape(value.shape) == 0, np.nan, value))
        return bad
    if isinstance(trait, (tt.Text,)):
        return [5, None]
    if isinstance(trait, tt.Names):
        return [[1] * max(len(value), 1), list(value) + ["extra"], "abc"]
    if isinstance(trait, tt.Index):
        return ["a", True, -2] + ([trait.hi if isinstance(trait.hi, int) else 10**6] if trait.hi is not None else [])
    if isinstance(trait, tt.Flag):
        return [1, "yes", None]
    if isinstance(trait, tt.Number):
        return ["0.5", float("nan")] + ([1e9] if trait.hi < 1e9 else [])
    if isinstance(trait, tt.Choice):
        return ["nope", 3]
    if isinstance(trait, tt.IntList):
        return ["ab", [10**6], [1.5]]
    if isinstance(trait, tt.Record):
        return ["x", 5]
    raise AssertionError(f"{trait.name}: a synced trait of type {type(trait).__name__} has no validated type")


def snapshot(w):
    """Every synced value but `status` (where Explorer reports a refusal), arrays as bytes: equal
    snapshots mean nothing changed."""
    out = {}
    for k, v in w.get_state().items():
        if k == "status":
            continue
        if isinstance(v, dict) and "view" in v:
            v = {**v, "view": bytes(v["view"])}
        out[k] = v
    return out


@pytest.mark.parametrize("kind", list(WIDGETS))
def test_every_data_trait_refuses_bad_values_and_keeps_the_state(kind):
    w = WIDGETS[kind]()
    names = sorted(set(w.keys) - FOREIGN)
    before = snapshot(w)
    for name in names:
        trait = w.traits()[name]
        for bad in generic_bad(trait, getattr(w, name)) + SPECIFIC[kind].get(name, []):
            with pytest.raises((ValueError, TypeError)) as err:
                setattr(w, name, bad)
            assert str(err.value).startswith(name), (name, bad, str(err.value))
            assert snapshot(w) == before, (name, bad)
    assert set(SPECIFIC[kind]) <= set(names)


@pytest.mark.parametrize("kind", list(WIDGETS))
def test_front_end_updates_with_nan_bytes_are_refused_and_never_exported(kind, tmp_path):
    w = WIDGETS[kind]()
    before = snapshot(w)
    for name in sorted(set(w.keys) - FOREIGN):
        value = getattr(w, name)
        if not isinstance(w.traits()[name], tt.Float32Array) or value.size == 0:
            continue
        poisoned = value.copy()
        poisoned.flat[0] = np.nan
        wire = {"dtype": "float32", "shape": list(value.shape), "view": memoryview(poisoned.tobytes())}
        resent = []
        w.send_state = lambda key=None: resent.append(key)
        with pytest.raises(ValueError, match=f"^{name}: contains 1 NaN"):
            w.set_state({"title": "changed", name: wire})  # a batch: the title must not change either
        assert any(name in (k or ()) for k in resent)  # the view gets Python's value back
        del w.send_state
        assert snapshot(w) == before
    assert exported_arrays_are_finite(tw.export_html(w, tmp_path / "w.html"))


def exported_arrays_are_finite(path) -> bool:
    """Decode every binary buffer of the state that export_html wrote; all values finite?"""
    [spec] = read_models(path.read_text()).values()
    assert spec["buffers"]
    return all(np.isfinite(np.frombuffer(base64.b64decode(b["data"]), "<f4")).all() for b in spec["buffers"])


def test_a_batch_from_the_front_end_is_all_or_nothing():
    w = make_matrix()
    with pytest.raises(ValueError, match="order"):
        w.set_state({"selected": 2, "selected_pair": [2, 3], "order": "bad"})
    assert (w.selected, w.selected_pair, w.order) == (-1, [], "given")
    with pytest.raises(ValueError, match="selected"):
        w.set_state({"selected": 5})
    assert w.selected == -1


@pytest.mark.parametrize("method", [tw.integrated_gradients, tw.expected_gradients])
@pytest.mark.parametrize("d", [4, 3])
def test_attribution_only_results_are_refused(method, d):
    torch.manual_seed(0)
    x = torch.randn(2, d, dtype=torch.float64)
    kwargs = {"data": torch.randn(8, d, dtype=torch.float64), "samples": 4} if method is tw.expected_gradients else {}
    with pytest.raises(ValueError, match="^result_or_array: .*attributions only"):
        tw.InteractionMatrix(method(smooth_mlp(d, hidden=4), x, **kwargs))


def test_a_precomputed_global_matrix_refuses_another_aggregate():
    X = torch.randn(16, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    gi = tw.global_interactions(poly, X, order=2)
    with pytest.raises(ValueError, match="^aggregate: the GlobalInteractions was aggregated already"):
        tw.InteractionMatrix(gi, aggregate="mean")
    assert tw.InteractionMatrix(gi, aggregate="mean_abs").aggregate == "mean_abs"
    with pytest.raises(ValueError, match="^aggregate"):
        tw.InteractionMatrix(tw.nid(torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Softplus(), torch.nn.Linear(4, 1)),
                                    order=None), aggregate="mean_abs")


def test_wrong_types_name_the_trait_and_export_title_is_checked(tmp_path):
    w = tw.InteractionMatrix(np.eye(3))
    for name, bad, err in [("title", 5, TypeError), ("feature_names", [1, 2, 3], TypeError), ("selected", "a", TypeError),
                           ("top_n", 1.5, TypeError), ("order", 5, ValueError)]:
        with pytest.raises(err, match=f"^{name}: "):
            setattr(w, name, bad)
    with pytest.raises(TypeError, match="^title: expected a str"):
        tw.export_html(w, tmp_path / "x.html", title=5)
    with pytest.raises(TypeError, match="^path: "):
        tw.export_html(w, 5)


def test_bfloat16_arrays_are_converted_exactly():
    m = torch.randn(2, 3, 3).to(torch.bfloat16)
    w = tw.InteractionMatrix(m)
    np.testing.assert_array_equal(w.matrix, m.float().numpy())
    torch.manual_seed(0)
    model = tw.YieldOrGoCNN(width=4, hidden=8).double().eval()
    x = torch.rand(1, 3, 32, 32, dtype=torch.float64)
    tc = tw.taylor_cam(model, x, "features", target=1)
    v = tw.CAMViewer(x.to(torch.bfloat16), tc)
    np.testing.assert_array_equal(v.images, x.to(torch.bfloat16).float().permute(0, 2, 3, 1).numpy())
    w.matrix = torch.ones(2, 3, 3, dtype=torch.bfloat16)  # later assignments too
    assert w.matrix.dtype == np.float32 and (w.matrix == 1).all()


@pytest.mark.parametrize("data, match", [
    (torch.zeros(0, 5, dtype=torch.float64), "^data: is empty"),
    (torch.full((4, 5), float("nan"), dtype=torch.float64), "^data: contains 20 NaN"),
])
def test_explorer_blames_bad_data_on_data(tab, data, match):
    model, x, _, _ = tab
    with pytest.raises(ValueError, match=match):
        tw.Explorer(model, x, data=data, baseline="mean")


def random_values(rng, current, n):
    """n values of every kind a user or a view might send: scalars, text, lists, dicts, arrays and
    tensors of random shapes and dtypes, and copies of the current value with one thing wrong."""
    scalars = [None, True, 0, -1, 7, 2**70, 0.5, float("nan"), float("inf"), -3.25, "", "a", "<img src=x>", b"ab"]
    out = []
    for _ in range(n):
        kind = rng.integers(7)
        if kind == 0:
            out.append(scalars[rng.integers(len(scalars))])
        elif kind == 1:
            out.append([scalars[rng.integers(len(scalars))] for _ in range(rng.integers(0, 5))])
        elif kind == 2:
            out.append({str(rng.integers(3)): scalars[rng.integers(len(scalars))] for _ in range(rng.integers(0, 3))})
        elif kind == 3:
            shape = tuple(int(k) for k in rng.integers(0, 5, size=rng.integers(0, 5)))
            dtype = [np.float32, np.float64, np.int64, np.bool_, np.complex64][rng.integers(5)]
            out.append((rng.normal(size=shape) * 3).astype(dtype))
        elif kind == 4:
            shape = tuple(int(k) for k in rng.integers(1, 5, size=rng.integers(1, 4)))
            dtype = [torch.float32, torch.bfloat16, torch.float16, torch.int64, torch.complex64][rng.integers(5)]
            out.append((torch.randn(shape) * 2).to(dtype))
        elif isinstance(current, np.ndarray) and current.size:
            bad = current.astype(np.float64).copy()
            bad.flat[rng.integers(bad.size)] = [np.nan, np.inf, -1e9, 1e9][rng.integers(4)]
            out.append(bad if kind == 5 else bad.reshape(-1))
        elif isinstance(current, list) and current:
            bad = list(current)
            bad[rng.integers(len(bad))] = scalars[rng.integers(len(scalars))]
            out.append(bad)
        else:
            out.append(scalars[rng.integers(len(scalars))])
    return out


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # a random baseline that is taken may saturate the model
@pytest.mark.parametrize("kind", list(WIDGETS))
def test_random_values_give_a_value_or_an_error_that_names_the_trait(kind):
    """Seeded fuzzing of every synced trait: each value is taken, or refused with a ValueError /
    TypeError that starts with the trait's name and changes nothing; never another exception."""
    rng = np.random.default_rng(14)
    torch.manual_seed(14)
    w = WIDGETS[kind]()
    before = snapshot(w)
    for name in sorted(set(w.keys) - FOREIGN):
        current = getattr(w, name)
        for value in random_values(rng, current, 25):
            try:
                setattr(w, name, value)
            except (ValueError, TypeError) as err:
                assert str(err).startswith(name), (name, value, err)
                assert snapshot(w) == before, (name, value)
                continue
            w = WIDGETS[kind]()  # taken (and maybe acted on: a recompute): start again from a fresh widget
            before = snapshot(w)
