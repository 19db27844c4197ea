"""explain_dataset on the local engine: equal to the in-memory core call, deterministic, and its
running aggregates equal the means over the stored examples."""
import numpy as np
import pytest
import torch

import taylor_widgets as tw
from taylor_widgets.scale.methods import example_seed

from _scale_models import SmallCNN, images, store_bytes

# float32 round-off between differently batched vmapped calls: |Δ| ≤ RTOL·|v| + ATOL·max|v|
RTOL, ATOL = 1e-5, 1e-6


def close(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL * max(np.abs(b).max(), 1e-30))


def test_integrated_hessians_match_the_in_memory_call(model, X, tmp_path):
    ex = tw.explain_dataset(model, X, "integrated_hessians", tmp_path / "s", batch_size=32, progress=False)
    ref = tw.integrated_hessians(model, torch.from_numpy(X))
    assert ex.complete and len(ex) == len(X) and ex.value_shape == (5, 5)
    for name, want in [("values", ref.values), ("attributions", ref.attributions), ("outputs", ref.output),
                       ("baseline_outputs", ref.baseline_output), ("completeness_error", ref.completeness_error)]:
        close(ex.array(name)[:], want.numpy())
    np.testing.assert_array_equal(ex.array("inputs")[:], X)


@pytest.mark.parametrize("method, kwargs", [
    ("integrated_gradients", {}),
    ("integrated_hessians", {"rows": [1, 3], "baseline": 0.5}),
    ("cross_derivatives", {}),
])
def test_deterministic_methods_match_core(model, X, tmp_path, method, kwargs):
    ex = tw.explain_dataset(model, X, method, tmp_path / "s", batch_size=40, progress=False, **kwargs)
    ref = getattr(tw, method)(model, torch.from_numpy(X), **kwargs)
    close(ex.array("values")[:], (ref.matrix if method == "cross_derivatives" else ref.values).numpy())


@pytest.mark.parametrize("method", ["expected_gradients", "expected_hessians"])
def test_expected_methods_draw_per_example_seeds(model, X, tmp_path, method):
    """Example i's draws come from the seed example_seed(seed, i): equal to a one-example core call."""
    bg = X[:40]
    ex = tw.explain_dataset(model, X[:30], method, tmp_path / "s", batch_size=8, seed=7, progress=False,
                            background=bg, samples=16)
    for i in (0, 9, 29):
        one = getattr(tw, method)(model, torch.from_numpy(X[i : i + 1]), torch.from_numpy(bg), samples=16,
                                  seed=[example_seed(7, i)])
        np.testing.assert_array_equal(ex.array("values")[i], one.values[0].numpy())
        np.testing.assert_array_equal(ex.array("baselines")[i], one.baseline[0].numpy())
    assert example_seed(7, 3) != example_seed(8, 3) and example_seed(7, 3) != example_seed(7, 4)


def test_random_draws_do_not_depend_on_batching(model, X, tmp_path):
    bg = X[:40]
    a = tw.explain_dataset(model, X[:24], "expected_hessians", tmp_path / "a", batch_size=5, progress=False,
                           background=bg, samples=8)
    b = tw.explain_dataset(model, X[:24], "expected_hessians", tmp_path / "b", batch_size=24, progress=False,
                           background=bg, samples=8)
    np.testing.assert_array_equal(a.array("values")[:], b.array("values")[:])


def test_batch_sizes_agree_to_float_round_off(model, X, tmp_path):
    stores = [tw.explain_dataset(model, X, "integrated_hessians", tmp_path / f"s{b}", batch_size=b, progress=False)
              for b in (7, 64, 150)]
    for s in stores[1:]:
        close(s.array("values")[:], stores[0].array("values")[:])
        np.testing.assert_allclose(s.global_matrix(), stores[0].global_matrix(), rtol=1e-12, atol=0)


def test_a_rerun_writes_the_same_store_bit_for_bit(model, X, tmp_path):
    tw.explain_dataset(model, X, "integrated_hessians", tmp_path / "a", batch_size=32, progress=False)
    tw.explain_dataset(model, X, "integrated_hessians", tmp_path / "b", batch_size=32, progress=False)
    first = store_bytes(tmp_path / "a")
    assert first == store_bytes(tmp_path / "b")
    tw.explain_dataset(model, X, "integrated_hessians", tmp_path / "a", batch_size=32, progress=False, overwrite=True)
    assert store_bytes(tmp_path / "a") == first
    again = tw.explain_dataset(model, X, "integrated_hessians", tmp_path / "a", progress=False)  # resume: nothing to do
    assert again.complete and store_bytes(tmp_path / "a") == first


def test_aggregates_equal_the_means_over_the_examples(model, X, tmp_path):
    ex = tw.explain_dataset(model, X, "integrated_hessians", tmp_path / "s", batch_size=16, progress=False)
    v = ex.array("values")[:].astype(np.float64)
    np.testing.assert_allclose(ex.global_matrix("mean_abs"), np.abs(v).mean(0), rtol=1e-12)
    np.testing.assert_allclose(ex.global_matrix("mean_square"), (v**2).mean(0), rtol=1e-12)
    np.testing.assert_allclose(ex.global_matrix("mean"), v.mean(0), rtol=1e-10, atol=1e-15)
    ref = tw.integrated_hessians(model, torch.from_numpy(X)).values.double()
    close(ex.global_matrix("mean_abs"), ref.abs().mean(0).numpy())


def test_default_chunk_and_class_targets(clf, X, tmp_path):
    ex = tw.explain_dataset(clf, X, "integrated_gradients", tmp_path / "s", target=2, progress=False)
    assert ex._st.chunk == 64  # 150 rows: at least 64 per chunk, a power of two
    np.testing.assert_array_equal(ex.array("targets")[:], np.full(len(X), 2))
    close(ex.array("values")[:], tw.integrated_gradients(clf, torch.from_numpy(X), target=2).values.numpy())


@pytest.mark.parametrize("method", ["grad_cam", "taylor_cam"])
def test_cam_methods_match_core(tmp_path, method):
    net, imgs = SmallCNN(), images(12)
    ex = tw.explain_dataset(net, imgs, method, tmp_path / "s", batch_size=5, progress=False, layer="features",
                            target=1)
    ref = getattr(tw, method)(net, torch.from_numpy(imgs), "features", target=1)
    close(ex.array("values")[:], (ref.cam if method == "grad_cam" else ref.pair_scores).numpy())
    assert ex.layout["grid"] == [3, 3] and ex.layout["image_size"] == [6, 6]
