"""Each audited attribution method against its definition or a reference implementation."""
import warnings

import pytest
import torch
from torch import nn

from taylor_widgets.core.targets import Target
from taylor_widgets.core.taylor import attribution_methods as am
from taylor_widgets.core.taylor.layerwise import deep_taylor, deeplift
from taylor_widgets.core.taylor.harsanyi import patch_groups

from _models import Prod

warnings.filterwarnings("ignore", module="captum")


def _t(idx, x=None):
    """The rows' Target: class indices, or a scalar model's output for the rows of x."""
    return Target(idx) if idx is not None else Target(batch=x.shape[0])


def _probe(model, n, shape=None, **options):
    return am.Probe(model, torch.eye(n, dtype=torch.float64), shape or (n,), options)


@pytest.fixture
def cnn():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, 3, 3, padding=1), nn.ReLU(), nn.AvgPool2d(2), nn.Flatten(),
                         nn.Linear(12, 8), nn.ReLU(), nn.Linear(8, 3)).double()


def test_rescale_engine_matches_captum_and_revealcancel_sums_to_delta(cnn):
    from captum.attr import DeepLift

    x, b = torch.randn(4, 1, 4, 4, dtype=torch.float64), 0.1 * torch.randn(4, 1, 4, 4, dtype=torch.float64)
    idx = torch.tensor([0, 1, 2, 0])
    sel = nn.functional.one_hot(idx, 3)
    ref = DeepLift(cnn).attribute(x.clone(), baselines=b, target=idx).detach()
    torch.testing.assert_close(deeplift(cnn, x, b, sel, "rescale"), ref)
    rc = deeplift(cnn, x, b, sel, "revealcancel")
    delta = (cnn(x) - cnn(b)).gather(1, idx[:, None]).squeeze(1).detach()
    torch.testing.assert_close(rc.sum((1, 2, 3)), delta)
    assert (rc - ref).abs().max() > 1e-4  # a different rule, not a copy


def test_revealcancel_keeps_cancelling_inputs():
    # y = ReLU(x0 − x1) at x = (1, 1), reference 0: Rescale gives (0, 0), RevealCancel (½, −½)
    m = nn.Sequential(nn.Linear(2, 1, bias=False), nn.ReLU()).double()
    with torch.no_grad():
        m[0].weight.copy_(torch.tensor([[1.0, -1.0]]))
    x, b = torch.ones(1, 2, dtype=torch.float64), torch.zeros(1, 2, dtype=torch.float64)
    torch.testing.assert_close(deeplift(m, x, b, None, "revealcancel"), torch.tensor([[0.5, -0.5]], dtype=torch.float64))
    torch.testing.assert_close(deeplift(m, x, b, None, "rescale"), torch.zeros(1, 2, dtype=torch.float64))


def test_lrp_epsilon_is_gradient_x_input_on_a_bias_free_relu_net():
    torch.manual_seed(1)
    m = nn.Sequential(nn.Linear(5, 7, bias=False), nn.ReLU(), nn.Linear(7, 2, bias=False)).double()
    x, idx = torch.randn(3, 5, dtype=torch.float64), torch.tensor([0, 1, 1])
    p = _probe(m, 5, lrp_epsilon=1e-12)
    zero = torch.zeros_like(x)
    torch.testing.assert_close(am.lrp_epsilon(p, x, zero, _t(idx)), am.gradient_x_input(p, x, zero, _t(idx)))


def test_lrp_alphabeta_and_deep_taylor_conserve_positive_relevance():
    torch.manual_seed(2)
    m = nn.Sequential(nn.Linear(4, 6, bias=False), nn.ReLU(), nn.Linear(6, 1, bias=False)).double()
    with torch.no_grad():
        m[2].weight.abs_()
    x = torch.randn(5, 4, dtype=torch.float64)
    out = m(x).reshape(-1).detach()
    p = _probe(m, 4, bounds=(-5.0, 5.0))
    ab = am.lrp_alphabeta(p, x, torch.zeros_like(x), _t(None, x))
    torch.testing.assert_close(ab.sum(-1), out)
    torch.testing.assert_close(am.deep_taylor(p, x, torch.zeros_like(x), _t(None, x)).sum(-1), out)


def test_deep_taylor_zb_rule_by_hand():
    m = nn.Sequential(nn.Linear(2, 1, bias=False)).double()
    with torch.no_grad():
        m[0].weight.copy_(torch.tensor([[1.0, -1.0]]))
    R = deep_taylor(m, torch.tensor([[0.5, -0.5]], dtype=torch.float64), None, -1.0, 1.0)
    # z = w·x − w⁺·l − w⁻·h = 1 + 1 + 1 = 3; R_i = (x_i w_i − l_i w⁺_i − h_i w⁻_i)/3 · f(x)
    torch.testing.assert_close(R, torch.tensor([[0.5, 0.5]], dtype=torch.float64), rtol=1e-6, atol=1e-8)


def test_occlusion_one_and_patch_on_players():
    x = torch.tensor([[2.0, 3.0, 5.0]], dtype=torch.float64)
    b = torch.zeros_like(x)
    p = _probe(Prod(), 3)
    torch.testing.assert_close(am.occlusion_1(p, x, b, _t(None, x)), torch.tensor([[6.0, 6.0, 5.0]], dtype=torch.float64))
    d01, d12 = 6.0, 11.0  # windows {0,1} and {1,2}
    ref = torch.tensor([[d01, (d01 + d12) / 2, d12]], dtype=torch.float64)
    torch.testing.assert_close(am.occlusion_patch(p, x, b, _t(None, x)), ref)


def test_prediction_difference_marginalises_over_the_background():
    x = torch.tensor([[2.0, 3.0, 5.0]], dtype=torch.float64)
    bg = torch.tensor([[1.0, 0.0, 0.0], [-1.0, 2.0, 4.0]], dtype=torch.float64)
    a = am.prediction_difference(_probe(Prod(), 3), x, bg, _t(None, x))
    v = lambda z: z[0] * z[1] + z[2]  # noqa: E731
    xs = x[0]
    ref = [v(xs) - sum(v(torch.cat([xs[:i], bk[i:i + 1], xs[i + 1:]])) for bk in bg) / 2 for i in range(3)]
    torch.testing.assert_close(a[0], torch.stack(ref))


def test_grad_cam_by_hand_and_grouped(cnn):
    x, idx = torch.randn(2, 1, 4, 4, dtype=torch.float64), torch.tensor([2, 0])
    groups = patch_groups((1, 4, 4), 2)
    masks = nn.functional.one_hot(groups.reshape(-1), 4).T.to(torch.float64)
    a = am.grad_cam(am.Probe(cnn, masks, (2, 2), {}), x, torch.zeros_like(x), _t(idx))
    Aconv = cnn[0](x).detach().requires_grad_(True)
    y = cnn[2:](cnn[1](Aconv)).gather(1, idx[:, None]).sum()
    (g,) = torch.autograd.grad(y, Aconv)
    cam = torch.relu((g.mean((2, 3), keepdim=True) * Aconv).sum(1))  # (2, 4, 4): same size, no upsampling
    ref = cam.reshape(2, -1) @ masks.T
    torch.testing.assert_close(a, ref.detach())


def test_expected_methods_are_the_pairwise_methods_averaged(cnn):
    from captum.attr import DeepLiftShap

    from taylor_widgets.core.taylor.audit import attribution_audit

    torch.manual_seed(3)
    x, bg = torch.randn(2, 1, 4, 4, dtype=torch.float64), torch.randn(3, 1, 4, 4, dtype=torch.float64)
    groups = patch_groups((1, 4, 4), 2)
    r = attribution_audit(cnn, x, None, target=1, groups=groups, methods=["deepshap"], background=bg)
    ref = DeepLiftShap(cnn).attribute(x.clone(), baselines=bg, target=1).detach()
    masks = nn.functional.one_hot(groups.reshape(-1), 4).T.to(torch.float64)
    torch.testing.assert_close(r.methods["deepshap"].attributions, ref.reshape(2, -1) @ masks.T)


def test_unsupported_models_raise_type_errors():
    class Custom(nn.Module):
        def forward(self, x):
            return x.sum(-1, keepdim=True)

    x = torch.randn(2, 3, dtype=torch.float64)
    with pytest.raises(TypeError, match="Sequential"):
        am.deeplift_revealcancel(_probe(Custom(), 3), x, torch.zeros_like(x), _t(None, x))
    with pytest.raises(TypeError, match="Conv2d"):
        am.grad_cam(_probe(nn.Sequential(nn.Linear(3, 1)).double(), 3), x, torch.zeros_like(x), _t(None, x))
    with pytest.raises(TypeError, match="layers"):
        am.deeplift_rescale(_probe(Prod(), 3), x, torch.zeros_like(x), _t(None, x))
    with pytest.raises(TypeError, match="layers"):
        am.lrp_epsilon(_probe(Prod(), 3), x, torch.zeros_like(x), _t(None, x))
    with pytest.raises(TypeError, match="not supported"):
        am.deeplift_revealcancel(_probe(nn.Sequential(nn.Linear(3, 2), nn.Tanh()).double(), 3), x, x, _t(None, x))


def test_batched_ig_equals_the_shared_ig(cnn):
    x, b = torch.randn(3, 1, 4, 4, dtype=torch.float64), 0.2 * torch.randn(3, 1, 4, 4, dtype=torch.float64)
    idx = torch.tensor([0, 2, 1])
    masks = nn.functional.one_hot(patch_groups((1, 4, 4), 2).reshape(-1), 4).T.to(torch.float64)
    p = am.Probe(cnn, masks, (4,), {"ig_steps": 16})
    torch.testing.assert_close(am.integrated_gradients(p, x, b, _t(idx)),
                               am.reference_integrated_gradients(p, x, b, _t(idx)))
