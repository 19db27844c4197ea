import copy
import io
import pickle

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import taylor_widgets as tw


def _relu_net():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Sequential(nn.Linear(8, 8), nn.ReLU()), nn.Linear(8, 1))


def test_smooth_relu_swaps_every_relu_and_leaves_the_original_untouched():
    net = _relu_net()
    before = {k: v.clone() for k, v in net.state_dict().items()}
    smooth = tw.smooth_relu(net, beta=7.0)
    assert sum(isinstance(m, nn.ReLU) for m in net.modules()) == 2
    assert sum(isinstance(m, nn.ReLU) for m in smooth.modules()) == 0
    assert [m.beta for m in smooth.modules() if isinstance(m, nn.Softplus)] == [7.0, 7.0]
    for k, v in net.state_dict().items():
        assert torch.equal(v, before[k])
        assert torch.equal(smooth.state_dict()[k], v)
    smooth[0].weight.data.zero_()
    assert not torch.equal(net[0].weight, smooth[0].weight)  # a copy, not shared storage


def test_the_smoothed_model_tends_to_the_original():
    net = _relu_net()
    x = torch.randn(64, 3)
    errs = [(tw.smooth_relu(net, b)(x) - net(x)).abs().max().item() for b in (1.0, 10.0, 1000.0)]
    assert errs[0] > errs[1] > errs[2] and errs[2] < 1e-3


@pytest.mark.parametrize("beta", [0, -1.0, float("inf"), float("-inf"), float("nan")])
def test_bad_beta_is_refused(beta):
    with pytest.raises(ValueError, match="^beta: "):
        tw.smooth_relu(_relu_net(), beta=beta)


def test_non_numbers_and_non_modules_are_refused():
    with pytest.raises(TypeError, match="^beta: "):
        tw.smooth_relu(_relu_net(), beta="10")
    with pytest.raises(TypeError, match="^beta: "):
        tw.smooth_relu(_relu_net(), beta=True)
    with pytest.raises(TypeError, match="^model: "):
        tw.smooth_relu(lambda x: x)


class FeedForward(nn.Module):
    """A TransformerEncoderLayer's feed-forward block alone: its only non-linearity is F.relu."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.layer = nn.TransformerEncoderLayer(6, 2, 12, dropout=0.0, activation="relu", batch_first=True)

    def forward(self, x):
        return self.layer._ff_block(x).sum((1, 2))


def _hessian(model, x):
    return torch.autograd.functional.hessian(lambda v: model(v[None]).sum(), x)


def test_functional_relu_inside_a_transformer_layer_is_smoothed():
    ff = FeedForward().double().eval()
    x = torch.randn(3, 6, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    assert _hessian(ff, x).abs().max() == 0  # the layer's default activation is F.relu
    smooth = tw.smooth_relu(ff, beta=5.0)
    assert _hessian(smooth, x).abs().max() > 1e-3
    assert _hessian(ff, x).abs().max() == 0  # the original is untouched
    # the whole layer equals the same layer built with a softplus activation
    layer = FeedForward().layer.double().eval()
    ref = nn.TransformerEncoderLayer(6, 2, 12, dropout=0.0, batch_first=True,
                                     activation=lambda t: F.softplus(t, beta=5.0)).double().eval()
    ref.load_state_dict(layer.state_dict())
    xs = torch.randn(2, 3, 6, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    smooth_layer = tw.smooth_relu(layer, beta=5.0)
    for grad_mode in (torch.no_grad, torch.enable_grad):  # inference runs the fused kernel unless kept off
        with grad_mode():
            torch.testing.assert_close(smooth_layer(xs), ref(xs))
            assert not torch.allclose(layer(xs), ref(xs))


class Functional(nn.Module):
    """Every functional spelling of ReLU, in place and not."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.a, self.b = nn.Linear(3, 4), nn.Linear(4, 1)

    def forward(self, x):
        h = self.a(x)
        h1 = h.clone()
        F.relu_(h1)
        h2 = h.clone()
        torch.relu_(h2)
        h3 = h.clone()
        h3.relu_()
        h4 = h.clone()
        F.relu(h4, inplace=True)
        return self.b(h1 + h2 + h3 + h4 + F.relu(h) + torch.relu(h) + h.relu())


def test_every_functional_spelling_is_smoothed_and_the_copy_is_an_ordinary_module():
    net = Functional()
    x = torch.randn(5, 3)
    smooth = tw.smooth_relu(net, beta=4.0)
    expected = net.b(7 * F.softplus(net.a(x), beta=4.0))
    torch.testing.assert_close(smooth(x), expected)
    assert not torch.allclose(net(x), expected)
    assert smooth.state_dict().keys() == net.state_dict().keys()
    for k, v in net.state_dict().items():
        assert torch.equal(smooth.state_dict()[k], v)
    buf = io.BytesIO()
    torch.save(smooth, buf)
    buf.seek(0)
    for other in (torch.load(buf, weights_only=False), copy.deepcopy(smooth), pickle.loads(pickle.dumps(smooth))):
        torch.testing.assert_close(other(x), expected)
    torch.testing.assert_close(F.relu(torch.tensor([-1.0, 2.0])), torch.tensor([0.0, 2.0]))  # nothing leaks out


def test_an_error_inside_forward_leaves_no_mode_behind():
    class Fails(nn.Module):
        def forward(self, x):
            F.relu(x)
            raise RuntimeError("boom")

    smooth = tw.smooth_relu(Fails(), beta=3.0)
    with pytest.raises(RuntimeError, match="boom"):
        smooth(torch.zeros(2))
    assert F.relu(torch.tensor([-1.0])).item() == 0.0
