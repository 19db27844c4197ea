"""The model at the boundary (core/models.py): train mode, meta device, outputs that are not tensors."""
import pytest
import torch
from torch import nn

import taylor_widgets as tw
from taylor_widgets.core.models import read_output

from _models import smooth_mlp


class Out:
    """A Hugging Face style output object."""

    def __init__(self, logits):
        self.logits, self.hidden_states = logits, None


class Wrapped(nn.Module):
    """The same classifier, returning its logits as an object, a tuple or a dict."""

    def __init__(self, net, kind):
        super().__init__()
        self.net, self.kind = net, kind

    def forward(self, x):
        y = self.net(x)
        if self.kind == "object":
            return Out(y)
        if self.kind == "tuple":
            return y, torch.zeros(())
        return {"loss": None, "logits": y}


@pytest.fixture
def clf():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.Softplus(beta=3), nn.Linear(8, 3)).double()


X = torch.randn(3, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(1))

CALLS = {
    "ig": lambda m: tw.integrated_gradients(m, X, target=1).values,
    "ih": lambda m: tw.integrated_hessians(m, X, target=torch.tensor([0, 1, 2])).values,
    "eh": lambda m: tw.expected_hessians(m, X, X, target=2, samples=8, seed=3).values,
    "cd": lambda m: tw.cross_derivatives(m, X, target=0).values,
    "cd3": lambda m: tw.cross_derivatives(m, X, sets=[(0, 1, 2)], target=0).values,
    "gi": lambda m: tw.global_interactions(m, X, order=3, target=1).scores[3],
    "harsanyi": lambda m: tw.harsanyi(m, X, target=1).dividends,
    "audit": lambda m: tw.attribution_audit(m, X, target=1, methods=["integrated_gradients", "occlusion_1"],
                                            ig_steps=16).methods["occlusion_1"].attributions,
    "caso": lambda m: tw.caso(m, X, max_iter=20).values,
    "diag": lambda m: tw.hessian_rank_diagnostic(m, X, method="lanczos").sigma_ratio,
}


@pytest.mark.parametrize("kind", ["object", "tuple", "dict"])
@pytest.mark.parametrize("call", list(CALLS))
def test_outputs_that_are_not_tensors_give_the_tensor_path_values(clf, kind, call):
    torch.testing.assert_close(CALLS[call](Wrapped(clf, kind)), CALLS[call](clf), rtol=0, atol=0)


def test_cam_reads_non_tensor_outputs_and_finds_layers_on_the_users_model():
    torch.manual_seed(0)
    cnn = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.Softplus(beta=4), nn.Flatten(), nn.Linear(2 * 16, 3)).double()
    x = torch.randn(2, 1, 4, 4, dtype=torch.float64)
    ref = tw.taylor_cam(cnn, x, "0", target=1)
    got = tw.taylor_cam(Wrapped(cnn, "object"), x, "net.0", target=1)
    torch.testing.assert_close(got.pair_scores, ref.pair_scores, rtol=0, atol=0)
    torch.testing.assert_close(tw.grad_cam(Wrapped(cnn, "dict"), x, "net.0", target=1).cam, ref.grad_cam.cam)


def test_read_output_refuses_what_it_cannot_read():
    with pytest.raises(TypeError, match="model: returned a dict with keys \\['a', 'b'\\] and no 'logits'"):
        read_output({"a": torch.zeros(1), "b": torch.zeros(1)})
    with pytest.raises(TypeError, match="model: expected the model to return a tensor"):
        read_output("text")
    torch.testing.assert_close(read_output(((torch.ones(2), 0), None)), torch.ones(2))


def _train_mode_models():
    torch.manual_seed(0)
    bn = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.Tanh(), nn.Linear(8, 3)).double()
    drop = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Dropout(0.3), nn.Linear(8, 3)).double()
    alpha = nn.Sequential(nn.Linear(4, 8), nn.AlphaDropout(0.2), nn.Linear(8, 3)).double()
    return {"batchnorm": bn, "dropout": drop, "alpha_dropout": alpha}


TRAIN_CALLS = {
    "ig": lambda m, x: tw.integrated_gradients(m, x, target=0),
    "ih": lambda m, x: tw.integrated_hessians(m, x, target=0),
    "eg": lambda m, x: tw.expected_gradients(m, x, x, target=0, samples=4),
    "eh": lambda m, x: tw.expected_hessians(m, x, x, target=0, samples=4),
    "cd": lambda m, x: tw.cross_derivatives(m, x, target=0),
    "harsanyi": lambda m, x: tw.harsanyi(m, x, target=0),
    "audit": lambda m, x: tw.attribution_audit(m, x, target=0, methods=["occlusion_1"]),
    "caso": lambda m, x: tw.caso(m, x),
    "diag": lambda m, x: tw.hessian_rank_diagnostic(m, x),
}


@pytest.mark.parametrize("which", ["batchnorm", "dropout", "alpha_dropout"])
@pytest.mark.parametrize("call", list(TRAIN_CALLS))
def test_train_mode_with_dropout_or_batchnorm_is_refused_and_the_model_untouched(which, call):
    model = _train_mode_models()[which]
    state = {k: v.clone() for k, v in model.state_dict().items()}
    with pytest.raises(ValueError, match=r"model: is in training mode .*call model\.eval\(\) first"):
        TRAIN_CALLS[call](model, X)
    assert model.training and all(torch.equal(state[k], v) for k, v in model.state_dict().items())
    model.eval()
    TRAIN_CALLS[call](model, X)  # the same model in eval mode works


@pytest.mark.parametrize("fn", [tw.grad_cam, tw.taylor_cam])
def test_cam_refuses_train_mode(fn):
    cnn = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.BatchNorm2d(2), nn.Flatten(), nn.Linear(32, 3)).double()
    rm = cnn[1].running_mean.clone()
    with pytest.raises(ValueError, match="model.eval"):
        fn(cnn, torch.randn(2, 1, 4, 4, dtype=torch.float64), "0", target=0)
    assert torch.equal(rm, cnn[1].running_mean)


def test_train_mode_without_stochastic_layers_is_fine():
    m = smooth_mlp(4)  # a module in train mode, but no Dropout/BatchNorm: deterministic
    assert m.training
    tw.integrated_hessians(m, X)
    drop0 = nn.Sequential(nn.Linear(4, 1), nn.Dropout(0.0)).double()  # p = 0 is the identity
    tw.integrated_gradients(drop0, X)


def test_nid_reads_weights_whatever_the_mode():
    mlp = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 1))
    assert tw.nid(mlp).matrix.shape == (4, 4)


@pytest.mark.parametrize("call", ["ih", "cd", "harsanyi", "caso", "diag", "nid"])
def test_meta_device_models_are_refused(call):
    meta = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3)).to("meta")
    fn = {**{k: v for k, v in TRAIN_CALLS.items()}, "nid": lambda m, x: tw.nid(m, target=0)}[call]
    with pytest.raises(ValueError, match="model: its parameters are on the meta device"):
        fn(meta, X)
