"""Grad-CAM and Taylor-CAM on the networks people bring: a ResNet-18-shaped CNN at 224×224 (eval
BatchNorm, residual additions, 14×14 and 7×7 stages) and a ViT with a CLS token read with grid=.
References are computed with plain autograd through a forward hook, independently of the
torch.func layer (Selvaraju et al. 2017; Lerman et al., ICCV 2021)."""
import warnings

import pytest
import torch
from torch.nn.attention import SDPBackend, sdpa_kernel

import taylor_widgets as tw


@pytest.fixture(scope="module")
def resnet():
    return tw.resnet18_shaped(width=8, classes=5).double()


@pytest.fixture(scope="module")
def images():
    return torch.rand(2, 3, 224, 224, generator=torch.Generator().manual_seed(0), dtype=torch.float64)


def _activation(model, layer, x):
    store = {}
    h = dict(model.named_modules())[layer].register_forward_hook(lambda m, i, o: store.setdefault("a", o.detach().clone()))
    try:
        with torch.no_grad():
            model(x)
    finally:
        h.remove()
    return store["a"]


def _directed_columns(model, layer, x, target, cells, cell_of):
    """s_{·→j} for cells j of one image by autograd: A_i · ∂/∂A_i (∇_A y · 1_j), per cell i."""
    A = _activation(model, layer, x).requires_grad_(True)
    h = dict(model.named_modules())[layer].register_forward_hook(lambda m, i, o: A.clone())
    try:
        with torch.enable_grad(), sdpa_kernel(SDPBackend.MATH):
            y = model(x)[0, target]
            (g,) = torch.autograd.grad(y, A, create_graph=True)
            cols = []
            for j in cells:
                (hv,) = torch.autograd.grad((g * cell_of(j)).sum(), A, retain_graph=True)
                cols.append(cell_sum(A.detach() * hv, A.dim()))
    finally:
        h.remove()
    return torch.stack(cols, -1)  # (N, len(cells))


def cell_sum(t, dim):
    return t[0].sum(0).reshape(-1) if dim == 4 else t[0, 1:].sum(-1)


def _conv_cell(A, j):
    m = torch.zeros_like(A)
    m[0, :, j // A.shape[3], j % A.shape[3]] = 1
    return m


def test_grad_cam_on_the_7x7_stage_has_the_closed_form_of_a_linear_head(resnet, images):
    # after layer4 come an average pool and a linear layer: ∂y/∂A_k,u = W[c, k] / 49 everywhere
    gc = tw.grad_cam(resnet, images, "layer4", target=3)
    A = _activation(resnet, "layer4", images)
    assert gc.cam.shape == (2, 7, 7) and gc.upsampled.shape == (2, 224, 224)
    w = resnet.fc.weight[3] / 49
    torch.testing.assert_close(gc.weights, w.expand(2, -1))
    torch.testing.assert_close(gc.cam, torch.relu(torch.einsum("k,bkhw->bhw", w, A)))
    with torch.no_grad():  # and the unclipped map sums to the logit minus its bias
        total = torch.einsum("k,bkhw->b", w, A)
        torch.testing.assert_close(total + resnet.fc.bias[3], resnet(images)[:, 3])


def test_grad_cam_on_the_14x14_stage_matches_autograd(resnet, images):
    gc = tw.grad_cam(resnet, images[:1], "layer3", target=1)
    A = _activation(resnet, "layer3", images[:1]).requires_grad_(True)
    h = resnet.layer3.register_forward_hook(lambda m, i, o: A.clone())
    try:
        (G,) = torch.autograd.grad(resnet(images[:1])[0, 1], A)
    finally:
        h.remove()
    alpha = G.mean((2, 3))[0]
    assert gc.cam.shape == (1, 14, 14)
    torch.testing.assert_close(gc.cam[0], torch.relu(torch.einsum("k,khw->hw", alpha, A[0].detach())))


def test_taylor_cam_on_the_7x7_output_stage_is_exactly_zero(resnet, images):
    # the head after layer4 is linear, so every second derivative there is zero: said, not hidden
    with pytest.warns(RuntimeWarning, match="Hessian is identically zero"):
        tc = tw.taylor_cam(resnet, images[:1], "layer4", target=0)
    assert tc.pair_scores.abs().max() == 0


@pytest.mark.parametrize("layer, n", [("layer4.0", 49), ("layer3", 196)])
def test_taylor_cam_on_a_smoothed_resnet_matches_autograd(resnet, images, layer, n):
    smooth = tw.smooth_relu(resnet, beta=10.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        tc = tw.taylor_cam(smooth, images[:1], layer, target=2)
    assert tc.pair_scores.shape == (1, n, n) and tc.grid == ((7, 7) if n == 49 else (14, 14))
    cells = [0, 5, n // 2, n - 1]
    A = _activation(smooth, layer, images[:1])
    ref = _directed_columns(smooth, layer, images[:1], 2, cells, lambda j: _conv_cell(A, j))
    torch.testing.assert_close(tc.directed[0][:, cells], ref, rtol=1e-8, atol=1e-12)
    TC = tc.pair_scores[0]
    torch.testing.assert_close(TC, TC.T)
    assert TC.diagonal().abs().max() == 0 and TC.max() > 0


@pytest.fixture(scope="module")
def vit():
    return tw.tiny_vit(classes=4).double()


def test_grad_cam_and_taylor_cam_on_a_vit_with_a_cls_token(vit):
    x = torch.rand(2, 3, 32, 32, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    gc = tw.grad_cam(vit, x, "encoder.layers.0", target=1, grid=(4, 4), cls_token=True)
    assert gc.cam.shape == (2, 4, 4) and gc.upsampled.shape == (2, 32, 32)
    tc = tw.taylor_cam(vit, x, "encoder.layers.0", target=1, grid=(4, 4), cls_token=True)
    assert tc.pair_scores.shape == (2, 16, 16)

    def token_cell(j):
        m = torch.zeros(1, 17, vit.head.in_features, dtype=torch.float64)
        m[0, 1 + j] = 1
        return m

    for b in range(2):
        ref = _directed_columns(vit, "encoder.layers.0", x[b : b + 1], 1, range(16), token_cell)
        torch.testing.assert_close(tc.directed[b], ref, rtol=1e-8, atol=1e-12)
    # without grid= the token layer is refused with a pointer to it
    with pytest.raises(ValueError, match="grid"):
        tw.taylor_cam(vit, x, "encoder.layers.0", target=1)
