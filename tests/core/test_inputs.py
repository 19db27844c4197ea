"""Every bad-input case gets a clear error that names the argument (README, "Errors")."""
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
    with pytest.raises(TypeError, match="token ids: pass embedding="):
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


# --- issue 14 §1: the boundary items ------------------------------------------------------------


def test_empty_global_data_is_refused_not_nan():  # item 2
    with pytest.raises(ValueError, match=r"^data: is empty \(shape \(0, 4\)\)"):
        tw.global_interactions(smooth_mlp(4), torch.randn(0, 4, dtype=torch.float64))


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")])
@pytest.mark.parametrize("call", ["ig", "ih", "harsanyi", "audit"])
def test_scalar_non_finite_baselines_are_refused(value, call):  # item 3
    m = smooth_mlp(4)
    fn = {"ig": tw.integrated_gradients, "ih": tw.integrated_hessians, "harsanyi": tw.harsanyi,
          "audit": lambda m, x, baseline: tw.attribution_audit(m, x, baseline, methods=["occlusion_1"])}[call]
    with pytest.raises(ValueError, match="^baseline: expected a finite number"):
        fn(m, X, baseline=value)


def test_a_finite_scalar_baseline_fills_every_feature():
    m = smooth_mlp(4)
    torch.testing.assert_close(tw.integrated_hessians(m, X, baseline=0.5).values,
                               tw.integrated_hessians(m, X, baseline=torch.full((4,), 0.5, dtype=torch.float64)).values)


@pytest.mark.parametrize("call", ["ig", "ih", "eg", "eh", "cd", "harsanyi", "caso"])
def test_complex_inputs_are_refused_with_a_type_error(clf, call):  # item 11
    m, xc = smooth_mlp(4), X.to(torch.complex128)
    fn = {"ig": lambda: tw.integrated_gradients(m, xc), "ih": lambda: tw.integrated_hessians(m, xc),
          "eg": lambda: tw.expected_gradients(m, xc, X), "eh": lambda: tw.expected_hessians(m, xc, X),
          "cd": lambda: tw.cross_derivatives(m, xc), "harsanyi": lambda: tw.harsanyi(m, xc),
          "caso": lambda: tw.caso(clf, xc)}[call]
    with pytest.raises(TypeError, match="^x: complex tensors are not supported"):
        fn()
    with pytest.raises(TypeError, match="^data: complex"):
        tw.expected_hessians(m, X, X.to(torch.complex128))


class Analytic(nn.Module):
    """f(x) = x0·x1 + sin(x2) summed over any leading token axis: no parameters."""

    def forward(self, x):
        return (x[..., 0] * x[..., 1] + torch.sin(x[..., 2])).reshape(x.shape[0], -1).sum(1)


def test_parameter_free_models_and_plain_functions_work_everywhere():  # item 13
    f = lambda x: x[:, 0] * x[:, 1] + torch.sin(x[:, 2])  # noqa: E731
    x = torch.randn(2, 3, dtype=torch.float64)
    for model in (Analytic(), f):
        h = tw.harsanyi(model, x)
        torch.testing.assert_close(h.dividends[:, 0b011], x[:, 0] * x[:, 1])
        te = tw.taylor_effects(model, x)
        torch.testing.assert_close(te.independent[:, 2], torch.sin(x[:, 2]))
        audit = tw.attribution_audit(model, x, methods=["integrated_gradients", "occlusion_1", "shapley_value"])
        assert set(audit.methods) == {"integrated_gradients", "occlusion_1", "shapley_value"}
        assert tw.integrated_hessians(model, x.float()).values.dtype == torch.float32
    emb = torch.randn(2, 3, 4, dtype=torch.float64)  # (B, T, E)
    ig = tw.integrated_gradients(Analytic(), emb, embedding_axis=-1)
    ih = tw.integrated_hessians(Analytic(), emb, embedding_axis=-1)
    assert ig.values.shape == (2, 3) and ih.values.shape == (2, 3, 3)
    torch.testing.assert_close(ih.attributions, ig.values, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("shape", [(0, 4), (3, 0), (0,), (2, 0, 3)])
@pytest.mark.parametrize("call", ["ig", "ih", "eh", "cd", "gi", "harsanyi", "audit", "caso", "cam"])
def test_empty_batches_and_feature_axes_get_one_named_error(clf, shape, call):  # item 14
    m, x = smooth_mlp(4), torch.zeros(shape, dtype=torch.float64)
    fn = {"ig": lambda: tw.integrated_gradients(m, x), "ih": lambda: tw.integrated_hessians(m, x),
          "eh": lambda: tw.expected_hessians(m, x, X), "cd": lambda: tw.cross_derivatives(m, x),
          "gi": lambda: tw.global_interactions(m, x), "harsanyi": lambda: tw.harsanyi(m, x),
          "audit": lambda: tw.attribution_audit(m, x), "caso": lambda: tw.caso(clf, x),
          "cam": lambda: tw.grad_cam(clf, x, "0", target=0)}[call]
    name = "data" if call == "gi" else "x"
    with pytest.raises(ValueError, match=f"^{name}: (is empty|expected a batch)"):
        fn()


def test_errors_blame_the_right_argument():  # item 18
    m = smooth_mlp(4)
    with pytest.raises(ValueError, match="^data: contains 4 NaN"):
        tw.global_interactions(m, torch.full((1, 4), float("nan"), dtype=torch.float64))
    gi = tw.global_interactions(m, X.numpy(), order=3)  # numpy data is accepted now
    assert gi.ranking(2) == tw.global_interactions(m, X, order=3).ranking(2)
    with pytest.raises(ValueError, match=r"^x: expected a batch \(B, \.\.\.\) with the batch first, got shape \(4,\); "
                                         r"for one input add a batch dimension: x\[None\] or x\.unsqueeze\(0\)"):
        tw.integrated_gradients(m, X[0])
    with pytest.raises(ValueError, match=r"^data: expected a batch"):
        tw.global_interactions(m, X[0])


@pytest.mark.parametrize(
    "names, err, match",
    [
        ("abcd", TypeError, "feature_names: expected a sequence of 4 strings, got the single string 'abcd'"),
        ([None] * 4, TypeError, r"feature_names: entry 0 is None \(NoneType\); expected strings"),
        (["a", "b", "c", 3], TypeError, r"feature_names: entry 3 is 3 \(int\)"),
        (5, TypeError, "feature_names: expected a sequence of 4 strings, got int"),
    ],
)
def test_feature_names_are_strings(names, err, match):  # item 19
    for fn in (tw.integrated_gradients, tw.cross_derivatives, tw.harsanyi):
        with pytest.raises(err, match="^" + match):
            fn(smooth_mlp(4), X, feature_names=names)
    assert tw.integrated_gradients(smooth_mlp(4), X, feature_names=tuple("abcd")).feature_names == list("abcd")


def test_outputs_of_the_wrong_kind_blame_the_model():
    with pytest.raises(TypeError, match="^model: returned dtype torch.int64"):
        tw.integrated_gradients(lambda x: x.argmax(1), X)
    with pytest.raises(ValueError, match="^target: the callable failed on the model output"):
        tw.integrated_gradients(smooth_mlp(4), X, target=lambda out: out[:, 5])
