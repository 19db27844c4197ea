import pytest
import torch
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


def test_bad_beta_and_non_modules():
    with pytest.raises(ValueError, match="beta"):
        tw.smooth_relu(_relu_net(), beta=0)
    with pytest.raises(TypeError, match="model"):
        tw.smooth_relu(lambda x: x)
