"""DatasetExplorer in Python: the synced state stays small at 100,000 examples, the page and
fetch requests answer from the store, the kept examples are the store's, refusals name the argument."""
import json

import numpy as np
import pytest
from ipywidgets.widgets.widget import _remove_buffers

import taylor_widgets as tw
from _stores import NAMES, rows, tiny_model, write_store
from tests.scale._scale_models import FailsOnLargeInputs  # d = 5, as the rows here
from taylor_widgets.widgets.dataset_explorer import FETCHED

PNG = b"\x89PNG\r\n\x1a\n"


def state_bytes(w) -> int:
    """Bytes of the widget's synced state as it travels: its JSON plus its binary buffers."""
    state, _, buffers = _remove_buffers(w.get_state())
    return len(json.dumps(state).encode()) + sum(memoryview(b).nbytes for b in buffers)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return write_store(tmp_path_factory.mktemp("ds") / "ih_300", 300, batch_size=64)


def test_state_stays_under_5_mb_at_100k_examples(store_100k, small):
    ex = store_100k
    assert len(ex) == 100_000 and ex.complete
    w = tw.DatasetExplorer(ex)
    size = state_bytes(w)
    assert size < 5_000_000, size
    # it does not grow with the store: 100,000 examples cost what 300 do (the same 100 kept),
    # up to the digits of the counts in the JSON
    assert w.n_examples == 100_000 and len(w.kept) == 100
    assert abs(size - state_bytes(tw.DatasetExplorer(small))) < 100, size


def test_the_page_is_sorted_and_filtered_in_python(store_100k):
    w = tw.DatasetExplorer(store_100k, page_size=50)
    g = store_100k._st.group
    value, pairs = g["strongest_value"][:], g["strongest"][:]
    w.sort_by, w.descending = "abs_value", True
    reply = w._on_page({})
    want = np.argsort(-np.abs(value.astype(np.float64)), kind="stable")[:50]
    assert reply["total"] == 100_000 and [r[0] for r in reply["rows"]] == want.tolist()
    assert reply["rows"][0][5] == pytest.approx(float(value[want[0]]))
    w.filter = {"pair": [3, 1], "min_abs_error": None, "prediction": [0.0, None]}
    reply = w._on_page({})
    pred = g["outputs"][:]
    keep = (((pairs[:, 0] == 1) & (pairs[:, 1] == 3)) | ((pairs[:, 0] == 3) & (pairs[:, 1] == 1))) & (pred >= 0)
    assert reply["total"] == int(keep.sum()) > 0
    assert all(keep[r[0]] for r in reply["rows"])
    assert w.rows().index.tolist() == [r[0] for r in reply["rows"]]
    assert set(w.rows()["pair"]) <= {"dose × heart rate", "heart rate × dose"}


def test_a_page_past_the_end_is_clamped_and_a_new_sort_starts_at_page_0(small):
    w = tw.DatasetExplorer(small, page_size=100)
    w.page = 7
    reply = w._on_page({})
    assert (reply["page"], w.page, len(reply["rows"])) == (2, 2, 100)
    w.sort_by = "prediction"
    assert w.page == 0


def test_fetch_sends_only_that_examples_bytes(store_100k):
    w = tw.DatasetExplorer(store_100k)
    i = 73_210
    reply, buffers = w._on_fetch({"index": i})
    assert reply["ok"] and reply["index"] == i
    assert [a["name"] for a in reply["arrays"]] == [name for name, _ in FETCHED]
    d = 5
    assert sum(memoryview(b).nbytes for b in buffers) == 4 * (d * d + 3 * d)
    m = np.frombuffer(bytes(buffers[0]), dtype="<f4").reshape(d, d)
    np.testing.assert_array_equal(m, store_100k.matrix(i))
    assert reply["arrays"][0]["absmax"] == [pytest.approx(float(np.abs(m).max()))]
    inputs = np.frombuffer(bytes(buffers[2]), dtype="<f4")
    np.testing.assert_array_equal(inputs, rows(100_000)[i])


def test_kept_examples_and_the_global_matrix_are_the_stores(small):
    w = tw.DatasetExplorer(small, keep=7)
    assert w.kept == list(range(7)) and w.matrix.shape == (7, 5, 5)
    r = small.to_result(list(range(7)))
    np.testing.assert_array_equal(w.matrix, r.values.numpy())
    np.testing.assert_allclose(w.attributions, r.attributions.numpy(), rtol=1e-6, atol=1e-7)
    assert [row[0] for row in w.kept_rows] == w.kept
    assert w.view == "global" and "over 300 examples" in w.global_label
    np.testing.assert_allclose(w.global_matrix, small.global_matrix("mean_abs"), rtol=1e-6)
    w.aggregate = "mean"
    np.testing.assert_allclose(w.global_matrix, small.global_matrix("mean"), rtol=1e-6)
    assert w.global_label.startswith("mean Γ over 300 examples")
    assert w.feature_names == NAMES


def test_default_keep_is_bounded_by_bytes_not_only_by_count(small):
    w = tw.DatasetExplorer(small)
    assert len(w.kept) == 100
    assert len(tw.DatasetExplorer(small, keep=10_000).kept) == 300  # never more than the store has


def test_an_incomplete_store_lists_only_computed_examples(tmp_path):
    x = rows(200)
    x[150:, 0] = 1000.0  # the model refuses these: the chunks from row 128 on fail
    with pytest.raises(tw.ChunkError):
        tw.explain_dataset(FailsOnLargeInputs(), x, "integrated_hessians", tmp_path / "s",
                           progress=False, steps=2, batch_size=64)
    ex = tw.open_explanations(tmp_path / "s")
    w = tw.DatasetExplorer(ex)
    assert w.n_examples == 128 and w._on_page({})["total"] == 128
    with pytest.raises(ValueError, match=r"^example: example 150 is not computed"):
        w.example = 150
    with pytest.raises(ValueError, match="^index: example 150 is not computed"):
        w._on_fetch({"index": 150})


def test_refusals_name_the_argument(small, tmp_path):
    with pytest.raises(ValueError, match="^keep:"):
        tw.DatasetExplorer(small, keep=0)
    with pytest.raises(ValueError, match="^sort_by:"):
        tw.DatasetExplorer(small, sort_by="loss")
    with pytest.raises(TypeError, match="^store:"):
        tw.DatasetExplorer(3)
    w = tw.DatasetExplorer(small)
    for name, bad, err in [("example", 300, ValueError), ("page_size", 0, ValueError), ("descending", "yes", TypeError),
                           ("filter", {"pair": [9]}, ValueError), ("filter", {"min_abs_error": -1}, ValueError),
                           ("filter", {"colour": 1}, TypeError), ("filter", {"prediction": [0, float("nan")]}, TypeError)]:
        before = getattr(w, name)
        with pytest.raises(err, match=f"^{name}"):
            setattr(w, name, bad)
        assert getattr(w, name) == before
    ig = tw.explain_dataset(tiny_model(), rows(20), "integrated_gradients", tmp_path / "ig", progress=False)
    with pytest.raises(ValueError, match=r"^store: DatasetExplorer shows \(d, d\) pair matrices"):
        tw.DatasetExplorer(ig)


def test_a_refused_front_end_update_changes_nothing(small):
    w = tw.DatasetExplorer(small)
    with pytest.raises(ValueError):
        w.set_state({"example": 5, "page": 1, "page_size": 9999})
    assert (w.example, w.page, w.page_size) == (0, 0, 20)
    w.set_state({"example": 5, "view": "sample"})
    assert (w.example, w.view) == (5, "sample")
    np.testing.assert_array_equal(w.current()["values"], small.matrix(5))


def test_commands_answer_through_the_base(small):
    w = tw.DatasetExplorer(small, page_size=3)
    sent = []
    w.send = lambda content, buffers=None: sent.append((content, buffers))
    w._answer_command(w, {"kind": "anywidget-command", "id": "a", "name": "fetch_example", "msg": {"index": 4}}, [])
    w._answer_command(w, {"kind": "anywidget-command", "id": "b", "name": "page", "msg": {}}, [])
    w._answer_command(w, {"kind": "anywidget-command", "id": "c", "name": "fetch_example", "msg": {"index": -1}}, [])
    (fetch, buffers), (page, none), (bad, _) = sent
    assert fetch["response"]["index"] == 4 and len(buffers) == 4
    assert page["response"]["rows"][2][0] == 2 and none == []
    assert bad["response"]["ok"] is False and bad["response"]["error"].startswith("TraitValueError: index:")


def test_snapshot_is_a_deterministic_png_of_the_current_view(small):
    w = tw.DatasetExplorer(small, sort_by="abs_error", descending=True)
    png = w.snapshot_png()
    assert png[:8] == PNG and w.snapshot_png() == png
    w.example, w.view = 12, "sample"
    assert w.snapshot_png() != png
    assert "DatasetExplorer(examples=300, d=5, kept=100" in repr(w)


def test_a_cross_derivatives_store_has_no_error_column(tmp_path):
    ex = tw.explain_dataset(tiny_model(), rows(40), "cross_derivatives", tmp_path / "cd", progress=False)
    w = tw.DatasetExplorer(ex, sort_by="abs_error")
    assert w.has_error is False and w.rows().index.tolist()[:3] == [0, 1, 2]  # no error: example order
    assert "error" not in w.rows().columns and w.kept_rows[0][2] is None
    assert w.attributions.size == 0 and w.global_label.startswith("mean |∂²f|")
