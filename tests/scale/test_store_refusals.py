"""Clear errors that lose nothing: bad arguments and data, unusable stores, a model failing on a chunk."""
import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

import taylor_widgets as tw

from _scale_models import FailsOnLargeInputs, mlp, store_bytes


class Counting(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.net, self.calls = mlp(), 0

    def forward(self, x):
        self.calls += 1
        return self.net(x)


def run(model, X, path, **kw):
    kw.setdefault("batch_size", 32)
    return tw.explain_dataset(model, X, kw.pop("method", "integrated_gradients"), path, progress=False, **kw)


def test_an_unwritable_store_is_refused_before_any_compute(X, tmp_path):
    (tmp_path / "file").write_text("not a directory")
    m = Counting()
    for bad in (tmp_path / "file", tmp_path / "file" / "store"):
        with pytest.raises(tw.StoreError, match="^store: "):
            run(m, X, bad)
    assert m.calls == 0


def test_a_store_of_another_run_is_refused_unless_overwrite(model, X, tmp_path):
    path = tmp_path / "s"
    run(model, X, path)
    before = store_bytes(path)
    cases = [
        ({"method": "integrated_hessians"}, "method"),
        ({"steps": 64}, "settings"),
    ]
    for kw, what in cases:
        with pytest.raises(tw.StoreError, match=f"^store: .*written by another run .*{what}"):
            run(model, X, path, **kw)
    run(model, X, path, seed=3)  # the seed does not change deterministic methods: continued, not refused
    eh = dict(method="expected_hessians", background=X[:20], samples=4)
    run(model, X, tmp_path / "eh", **eh)
    with pytest.raises(tw.StoreError, match="seed: stored 0, asked 3"):
        run(model, X, tmp_path / "eh", seed=3, **eh)
    with pytest.raises(tw.StoreError, match="model_fingerprint"):
        run(mlp(seed=1), X, path)
    with pytest.raises(tw.StoreError, match="n_examples"):
        run(model, X[:100], path)
    with pytest.raises(tw.StoreError, match="other data"):
        run(model, X[::-1].copy(), path)
    with pytest.raises(tw.StoreError, match="resume=True to continue it or overwrite=True"):
        run(model, X, path, resume=False)
    with pytest.raises(ValueError, match="^batch_size: .*chunks of 32"):
        run(model, X, path, batch_size=16)
    assert store_bytes(path) == before  # nothing lost
    ex = run(model, X, path, method="integrated_hessians", overwrite=True)
    assert ex.method == "integrated_hessians"


def test_a_foreign_directory_is_never_deleted(model, X, tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(tw.StoreError, match="not a taylor_widgets store"):
        run(model, X, tmp_path / "mine", overwrite=True)
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


def test_bad_data_is_refused(model, X, tmp_path):
    with pytest.raises(ValueError, match="^data: is empty"):
        run(model, X[:0], tmp_path / "a")
    with pytest.raises(ValueError, match=r"^data: the first row does not fit \(shape \(4,\)\)"):
        run(model, X[:, :4].copy(), tmp_path / "b")
    bad = X.copy()
    bad[70, 2] = np.nan
    with pytest.raises(ValueError, match=r"^data: rows 64\.\.95 contain 1 NaN or Inf value\(s\), first at row 70"):
        run(model, bad, tmp_path / "c")
    ex = tw.open_explanations(tmp_path / "c")
    assert ex.done.sum() == 64 and not ex.complete  # the finished chunks are kept


def test_a_failing_model_names_the_chunk_and_keeps_finished_work(X, tmp_path):
    bad = X.copy()
    bad[70, 0] = 1000.0
    m = FailsOnLargeInputs()
    with pytest.raises(tw.ChunkError, match=r"^chunk 2 \(rows 64\.\.95\) failed: .*input out of the training range") as e:
        run(m, bad, tmp_path / "s", method="integrated_hessians")
    assert (e.value.chunk, e.value.rows) == (2, (64, 96))
    assert "input out of the training range" in str(e.value.__cause__)
    ex = tw.open_explanations(tmp_path / "s")
    assert np.flatnonzero(ex.done).tolist() == list(range(64))
    # fix the data and resume: the result is the uninterrupted run's, bit for bit
    run(m, X, tmp_path / "s", method="integrated_hessians")
    run(m, X, tmp_path / "clean", method="integrated_hessians")
    assert store_bytes(tmp_path / "s") == store_bytes(tmp_path / "clean")


def test_bad_arguments_name_themselves(model, X, tmp_path):
    p = tmp_path / "s"
    cases = [
        (TypeError, "^foo: not an argument of integrated_hessians", dict(method="integrated_hessians", foo=1)),
        (ValueError, "^method: expected one of", dict(method="ih2")),
        (ValueError, "^background: expected_hessians draws", dict(method="expected_hessians")),
        (ValueError, "^layer: grad_cam needs", dict(method="grad_cam")),
        (ValueError, "^order: not supported", dict(method="cross_derivatives", order=3)),
        (TypeError, "^target: per-example targets", dict(target=torch.zeros(150, dtype=torch.long))),
        (ValueError, "^engine: expected", dict(engine="spark")),
        (ValueError, "^batch_size: expected a positive", dict(batch_size=0)),
        (ValueError, "^seed: expected a non-negative", dict(seed=-1)),
        (ValueError, "^workers: only used with engine='ray'", dict(workers=2)),
        (TypeError, "^resume: expected True or False", dict(resume="yes")),
        (TypeError, "^columns: expected a list", dict(columns="a")),
        (ValueError, "^baseline: ", dict(baseline=torch.zeros(3))),
        (ValueError, "^data: a DataLoader or IterableDataset", dict(engine="ray", data=DataLoader(X, batch_size=4))),
    ]
    for exc, msg, kw in cases:
        with pytest.raises(exc, match=msg):
            run(model, kw.pop("data", X), p, **kw)
    with pytest.raises(TypeError, match="^model: expected a torch model"):
        tw.explain_dataset(None, X, "integrated_gradients", p)
    with pytest.raises(ValueError, match="^model_factory: pass either"):
        tw.explain_dataset(model, X, "integrated_gradients", p, model_factory=mlp)
    assert not p.exists()
