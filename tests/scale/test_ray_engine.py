"""engine="ray": Ray Data actors write the same store as the local engine, to float round-off.

One local Ray (2 CPUs, no dashboard) serves the whole module: starting it takes tens of seconds on
a busy 2-core machine, so these tests are few and each run is small.
"""
import os

import numpy as np
import pandas as pd
import pytest
import ray

import taylor_widgets as tw

from _local_ray import start_local_ray
from _scale_models import HERE, data, factory, mlp

pytestmark = pytest.mark.ray

RTOL, ATOL = 1e-5, 1e-6  # float32 round-off: actors run torch on 1 thread, the local engine on 2


@pytest.fixture(scope="module")
def local_ray():
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    start_local_ray(2, paths=[HERE])  # actors import _scale_models
    yield
    ray.shutdown()


def same(a, b):
    np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL * np.abs(b).max())


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    path = tmp_path_factory.mktemp("local") / "s"
    return tw.explain_dataset(mlp(), data(), "integrated_hessians", path, batch_size=16, progress=False)


def test_ray_actors_write_the_local_store(local_ray, reference, tmp_path):
    ex = tw.explain_dataset(mlp(), data(), "integrated_hessians", tmp_path / "s", engine="ray", workers=2,
                            batch_size=16, progress=False)
    assert ex.complete
    np.testing.assert_array_equal(ex.array("inputs")[:], reference.array("inputs")[:])
    for name in ("values", "attributions", "outputs", "completeness_error"):
        same(ex.array(name)[:], reference.array(name)[:])
    for kind in ("mean_abs", "mean_square", "mean"):
        same(ex.global_matrix(kind), reference.global_matrix(kind))


def test_a_ray_dataset_and_a_model_factory(local_ray, reference, tmp_path):
    ds = ray.data.from_pandas(pd.DataFrame(data(), columns=list("abcde")).assign(label=0))
    ex = tw.explain_dataset(None, ds, "integrated_hessians", tmp_path / "s", engine="ray", model_factory=factory,
                            batch_size=16, progress=False, columns=list("abcde"))
    assert ex.complete and ex.feature_names == list("abcde")
    np.testing.assert_array_equal(ex.array("inputs")[:], reference.array("inputs")[:])
    same(ex.array("values")[:], reference.array("values")[:])


def test_an_actor_failure_names_the_chunk_and_keeps_the_rest(local_ray, reference, tmp_path):
    bad = data()
    bad[40, 0] = 1000.0  # chunk 2
    from _scale_models import FailsOnLargeInputs

    with pytest.raises(tw.ChunkError, match=r"^chunk 2 \(rows 32\.\.47\) failed") as e:
        tw.explain_dataset(FailsOnLargeInputs(), bad, "integrated_hessians", tmp_path / "s", engine="ray",
                           workers=2, batch_size=16, progress=False)
    assert e.value.chunk == 2
    ex = tw.open_explanations(tmp_path / "s")
    done = ex._st.done()
    assert not done[2]
    kept = ex.done
    same(ex.array("values")[:][kept], reference.array("values")[:][kept])
    # fixed data, resumed on the local engine: only the unfinished chunks run
    ex = tw.explain_dataset(FailsOnLargeInputs(), data(), "integrated_hessians", tmp_path / "s", batch_size=16,
                            progress=False)
    assert ex.complete
    same(ex.array("values")[:], reference.array("values")[:])
