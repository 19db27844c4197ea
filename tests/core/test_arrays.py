"""numpy arrays and pandas objects at the boundary (core/arrays.py): same values as tensors, names from columns."""
import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn

import taylor_widgets as tw

from _models import smooth_mlp

NAMES = ["age", "bmi", "bp", "s1"]


@pytest.fixture
def m():
    return smooth_mlp(4)


@pytest.fixture
def frame():
    rng = np.random.default_rng(0)
    return pd.DataFrame(rng.normal(size=(5, 4)), columns=NAMES)


def test_numpy_and_pandas_give_the_tensor_values_and_stay_tensors(m, frame):
    X = torch.tensor(frame.to_numpy())
    ref = tw.integrated_hessians(m, X)
    for given in (frame.to_numpy(), frame.to_numpy().astype(np.float32), frame):
        r = tw.integrated_hessians(m, given)
        assert isinstance(r.values, torch.Tensor) and r.values.dtype == torch.float64
        tol = 1e-6 if isinstance(given, np.ndarray) and given.dtype == np.float32 else 0
        torch.testing.assert_close(r.values, ref.values, rtol=tol, atol=tol)
    assert tw.integrated_hessians(m, frame).feature_names == NAMES
    assert ref.feature_names is None


def test_given_names_win_over_columns(m, frame):
    names = ["a", "b", "c", "d"]
    assert tw.integrated_gradients(m, frame, feature_names=names).feature_names == names


def test_integer_and_bool_columns_are_numbers(m):
    df = pd.DataFrame({"n": [1, 2, 3], "flag": [True, False, True], "x": [0.5, 1.5, 2.5], "k": np.arange(3)})
    r = tw.integrated_gradients(m, df)
    ref = tw.integrated_gradients(m, torch.tensor(df.to_numpy(dtype=np.float64)))
    torch.testing.assert_close(r.values, ref.values, rtol=0, atol=0)
    torch.testing.assert_close(tw.integrated_gradients(m, np.array([[1, 2, 3, 4]])).values,
                               tw.integrated_gradients(m, torch.tensor([[1.0, 2, 3, 4]], dtype=torch.float64)).values)


def test_a_baseline_series_is_matched_to_the_columns_by_label(m, frame):
    mean = frame.mean()
    ref = tw.integrated_hessians(m, frame, baseline=torch.tensor(mean.to_numpy()))
    shuffled = mean[["bp", "s1", "age", "bmi"]]
    torch.testing.assert_close(tw.integrated_hessians(m, frame, baseline=shuffled).values, ref.values)
    with pytest.raises(ValueError, match=r"baseline: its labels do not match the columns of x \(missing \['s1'\]"):
        tw.integrated_hessians(m, frame, baseline=mean.rename({"s1": "s2"}))


def test_data_frames_as_background_and_as_global_data(m, frame):
    X = torch.tensor(frame.to_numpy())
    ref = tw.expected_hessians(m, X[:2], X, samples=8, seed=1)
    got = tw.expected_hessians(m, frame.iloc[:2], frame[["s1", "bp", "bmi", "age"]], samples=8, seed=1)
    torch.testing.assert_close(got.values, ref.values)
    gi = tw.global_interactions(m, frame, order=3)
    assert gi.feature_names == NAMES and gi.ranking(2)[0][0] == tw.global_interactions(m, X).ranking(2)[0][0]


def test_harsanyi_and_caso_take_frames(frame):
    m = smooth_mlp(4)
    assert tw.harsanyi(m, frame.iloc[:2]).feature_names == NAMES
    assert tw.harsanyi(m, frame.iloc[:2], groups=[[0, 1], [2, 3]]).feature_names is None  # columns are not players
    torch.manual_seed(0)
    clf = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3)).double()
    assert tw.caso(clf, frame.iloc[:2], max_iter=5).feature_names == NAMES


@pytest.mark.parametrize(
    "column, match",
    [
        (pd.Series(["a", "b", "a"], dtype="category"), "column 'c' has dtype category; encode it as numbers first"),
        (pd.Series(["a", "b", "a"]), "column 'c' has dtype (object|str)"),
        (pd.Series([True, False, None], dtype=object), "column 'c' has dtype object"),
        (pd.Series(pd.to_datetime(["2020-01-01"] * 3)), "column 'c' has dtype datetime64"),
    ],
)
def test_non_numeric_columns_are_refused_with_a_hint(column, match):
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [0.0, 1.0, 2.0], "c": column, "d": [1.0, 1.0, 1.0]})
    with pytest.raises(TypeError, match=match):
        tw.integrated_gradients(smooth_mlp(4), df)


@pytest.mark.parametrize(
    "x, err, match",
    [
        (np.ones((2, 4), dtype=np.complex128), TypeError, "x: complex arrays are not supported"),
        (np.array([["a", "b", "c", "d"]]), TypeError, "x: expected an array of numbers, got dtype <U1"),
        (np.ones((2, 4), dtype=object), TypeError, "x: expected an array of numbers, got dtype object"),
        ([[1.0, 2.0, 3.0, 4.0]], TypeError, "x: expected a torch.Tensor, a numpy array or a pandas DataFrame"),
        (np.full((2, 4), np.nan), ValueError, "x: contains 8 NaN or Inf"),
        (pd.Series([1.0, 2.0, 3.0, 4.0], index=NAMES), ValueError, r"x: expected a batch .*df.iloc\[\[i\]\]"),
    ],
)
def test_bad_arrays(x, err, match):
    with pytest.raises(err, match=match):
        tw.integrated_gradients(smooth_mlp(4), x)


def test_parameter_free_models_keep_a_numpy_input_dtype_at_least_float32_and_ints_become_float64():
    f = lambda x: x[:, 0] * x[:, 1]  # noqa: E731
    assert tw.integrated_gradients(f, np.ones((1, 2), dtype=np.float64)).values.dtype == torch.float64
    assert tw.integrated_gradients(f, np.ones((1, 2), dtype=np.float16)).values.dtype == torch.float32
    assert tw.integrated_gradients(f, np.ones((1, 2), dtype=np.int64)).values.dtype == torch.float64
