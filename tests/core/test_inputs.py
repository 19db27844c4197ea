"""Every bad-input case gets a clear error that names the argument (DESIGN.md, Errors)."""
import warnings

import pytest
import torch
from torch import nn

import taylor_widgets as tw
from _models import smooth_mlp


@pytest.fixture
def clf():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3)).double()


X = torch.randn(2, 4, dtype=torch.float64)


@pytest.mark.parametrize("fn", [tw.integrated_gradients, tw.integrated_hessians])
def test_missing_target_on_a_multi_output_model(clf, fn):
    with pytest.raises(ValueError, match="target: the model has 3 outputs"):
        fn(clf, X)


@pytest.mark.parametrize(
    "target, err, match",
    [
        (5, ValueError, r"target: indices must lie in \[0, 3\)"),
        (torch.tensor([0, 1, 2]), ValueError, "expected 2 indices"),
        (torch.tensor([0.0, 1.0]), TypeError, "integer tensor"),
        ("cat", TypeError, "target: expected None, an int"),
    ],
)
def test_bad_targets(clf, target, err, match):
    with pytest.raises(err, match=match):
        tw.integrated_hessians(clf, X, target=target)


def test_targets_per_input_and_callable_agree(clf):
    a = tw.integrated_gradients(clf, X, target=torch.tensor([2, 0])).values
    b0 = tw.integrated_gradients(clf, X[:1], target=2).values
    b1 = tw.integrated_gradients(clf, X[1:], target=0).values
    torch.testing.assert_close(a, torch.cat([b0, b1]))
    c = tw.integrated_gradients(clf, X, target=lambda out: out[:, 2] - out[:, 0]).values
    d = tw.integrated_gradients(clf, X, target=2).values - tw.integrated_gradients(clf, X, target=0).values
    torch.testing.assert_close(c, d, rtol=1e-6, atol=1e-8)


def test_scalar_output_models_of_shape_b_work():
    class Scalar(nn.Module):
        def forward(self, x):
            return (x**2).sum(1)  # (B,), which path_explain crashes on

    res = tw.integrated_hessians(Scalar(), X)
    torch.testing.assert_close(res.values, torch.diag_embed(X**2))


@pytest.mark.parametrize(
    "baseline, match",
    [
        (torch.zeros(3), r"baseline: shape \(3,\) does not broadcast to the input shape \(2, 4\)"),
        (torch.zeros(5, 4), "does not broadcast"),
        ([0.0, 1.0], "baseline: expected a torch.Tensor"),
    ],
)
def test_wrong_baselines(baseline, match):
    m = smooth_mlp(4)
    err = TypeError if isinstance(baseline, list) else ValueError
    with pytest.raises(err, match=match):
        tw.integrated_hessians(m, X, baseline=baseline)


def test_per_input_baselines_are_accepted():
    m = smooth_mlp(4)
    b = torch.randn(2, 4, dtype=torch.float64)
    both = tw.integrated_hessians(m, X, baseline=b).values
    first = tw.integrated_hessians(m, X[:1], baseline=b[0]).values
    torch.testing.assert_close(both[:1], first)


def test_nan_and_inf_are_refused():
    m = smooth_mlp(4)
    bad = X.clone()
    bad[1, 2] = float("nan")
    with pytest.raises(ValueError, match="x: contains 1 NaN or Inf"):
        tw.integrated_hessians(m, bad)
    with pytest.raises(ValueError, match="baseline: contains 1 NaN or Inf"):
        tw.integrated_gradients(m, X, baseline=torch.tensor([0, float("inf"), 0, 0], dtype=torch.float64))


def test_integer_token_inputs_are_refused_with_a_pointer_to_embeddings():
    with pytest.raises(TypeError, match="token ids.*embedding_axis"):
        tw.integrated_hessians(nn.Embedding(10, 3), torch.tensor([[1, 2]]))


def test_not_a_tensor_and_not_a_model():
    with pytest.raises(TypeError, match="x: expected a torch.Tensor"):
        tw.integrated_gradients(smooth_mlp(4), [[1.0, 2.0, 3.0, 4.0]])
    with pytest.raises(TypeError, match="model: expected"):
        tw.integrated_gradients("model", X)


def test_shape_mismatch_between_input_and_model_is_reported():
    with pytest.raises(ValueError, match=r"x: the model failed on an input of shape \(2, 5\)"):
        tw.integrated_hessians(smooth_mlp(4), torch.randn(2, 5, dtype=torch.float64))


def test_data_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"data: expected shape \(N, 4\)"):
        tw.expected_hessians(smooth_mlp(4), X, torch.randn(10, 3, dtype=torch.float64))


def test_rows_and_steps_validation():
    m = smooth_mlp(4)
    with pytest.raises(ValueError, match="rows: index 4 is out of range for 4 features"):
        tw.integrated_hessians(m, X, rows=[4])
    with pytest.raises(TypeError, match="rows: expected integer"):
        tw.integrated_hessians(m, X, rows=[1.5])
    with pytest.raises(ValueError, match="samples: expected a positive integer"):
        tw.expected_hessians(m, X, X, samples=0)
    with pytest.raises(TypeError):
        tw.integrated_hessians(m, X, stpes=4)  # unknown keyword


def test_a_full_matrix_over_the_memory_limit_is_refused_with_a_pointer_to_rows():
    m = smooth_mlp(4)
    with pytest.raises(ValueError, match=r"above the limit.*rows=\[i, \.\.\.\]"):
        tw.integrated_hessians(m, X, max_bytes=100)
    assert tw.integrated_hessians(m, X, rows=[0], max_bytes=100).values.shape == (2, 1, 4)


def test_feature_names_length_is_checked():
    with pytest.raises(ValueError, match="feature_names: expected 4 names, got 2"):
        tw.integrated_hessians(smooth_mlp(4), X, feature_names=["a", "b"])


def test_relu_models_warn_and_point_to_smoothing():
    torch.manual_seed(0)
    relu = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1)).double()
    with pytest.warns(RuntimeWarning, match=r"tw.smooth_relu\(model, beta=10.0\)"):
        tw.integrated_hessians(relu, X)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tw.integrated_hessians(tw.smooth_relu(relu), X)
