"""Second derivatives through attention and through ops that lack one kind of derivative.

Every model here is called the default way, with PyTorch's fused attention kernels enabled; each
result is checked against torch.autograd's own double backward (reverse-over-reverse) on the
math kernel, which shares no code with the torch.func derivative layer.
"""
import warnings

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.attention import SDPBackend, sdpa_kernel

import taylor_widgets as tw
from taylor_widgets.core import derivatives as dv

T, E = 5, 8


class Encoder(nn.Module):
    """nn.TransformerEncoder (fused SDPA inside nn.MultiheadAttention) on (B, T, E) embeddings."""

    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(E, 2, 16, dropout=0.0, activation="gelu", batch_first=True)
        self.enc = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.head = nn.Linear(E, 3)

    def forward(self, x):
        return self.head(self.enc(x).mean(1))


class MHA(nn.Module):
    """nn.MultiheadAttention called directly; need_weights=False takes the fused kernel."""

    def __init__(self, need_weights):
        super().__init__()
        self.attn, self.need_weights = nn.MultiheadAttention(E, 2, batch_first=True), need_weights
        self.head = nn.Linear(E, 3)

    def forward(self, x):
        return self.head(torch.tanh(self.attn(x, x, x, need_weights=self.need_weights)[0]).mean(1))


class HandWritten(nn.Module):
    """Attention written out with F.scaled_dot_product_attention, as many hand-made models do."""

    def __init__(self):
        super().__init__()
        self.qkv, self.out = nn.Linear(E, 3 * E), nn.Linear(E, 3)

    def forward(self, x):
        q, k, v = self.qkv(x).reshape(x.shape[0], T, 3, 2, E // 2).permute(2, 0, 3, 1, 4)
        a = F.scaled_dot_product_attention(q, k, v).transpose(1, 2).reshape(x.shape[0], T, E)
        return self.out(F.layer_norm(a + x, (E,)).mean(1))


MODELS = {"encoder": Encoder, "mha-fused": lambda: MHA(False), "mha-weights": lambda: MHA(True), "hand-written": HandWritten}


def _model(name):
    torch.manual_seed(0)
    return MODELS[name]().double().eval()


def _x(B=2, seed=1):
    return torch.randn(B, T, E, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def _reference_hessian(model, z, target):
    """Autograd's double backward on the math kernel (the fused one has no second derivative)."""
    with sdpa_kernel(SDPBackend.MATH):
        return torch.autograd.functional.hessian(lambda v: model(v.reshape(1, T, E))[0, target], z)


@pytest.mark.parametrize("name", list(MODELS))
def test_hessian_vector_products_through_attention_match_double_backward(name):
    model, z = _model(name), _x(1)[0].reshape(-1)
    f = lambda v, sel: model(v.reshape(1, T, E))[0, 1]  # noqa: E731  (an example function: (z, sel) → scalar)
    U = torch.randn(3, T * E, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    ref = _reference_hessian(model, z, 1)
    g, HU = dv.grad_and_hvps(f, z, U, torch.zeros(1))
    torch.testing.assert_close(HU, U @ ref, rtol=1e-9, atol=1e-11)
    torch.testing.assert_close(dv.hessian(f, z, torch.zeros(1)), ref, rtol=1e-9, atol=1e-11)
    # the forward-mode products (nested jvps, used by cross derivatives and third order) agree too
    e = torch.eye(T * E, dtype=torch.float64)
    assert torch.isclose(dv.directional_derivative(f, z, e[[3, 11]], torch.zeros(1)), ref[3, 11], rtol=1e-9)


@pytest.mark.parametrize("name", list(MODELS))
def test_path_methods_run_on_attention_models_with_the_fused_kernel_on(name):
    model, x = _model(name), _x()
    b = 0.5 * _x(seed=3)
    ih = tw.integrated_hessians(model, x, baseline=b, target=1, embedding_axis=-1)
    assert ih.values.shape == (2, T, T) and ih.relative_completeness_error.max() <= 1e-5
    torch.testing.assert_close(ih.values, ih.values.transpose(1, 2), rtol=1e-8, atol=1e-10)
    ig = tw.integrated_gradients(model, x, baseline=b, target=1, embedding_axis=-1)
    assert ig.relative_completeness_error.max() <= 1e-5


def test_cross_derivatives_and_caso_share_the_layer():
    # (Taylor-CAM through a ViT's fused attention: tests/core/test_cam_real_models.py)
    model, x = _model("encoder"), _x()
    cd = tw.cross_derivatives(model, x, target=2)
    ref = _reference_hessian(model, x[0].reshape(-1), 2)
    off = ~torch.eye(T * E, dtype=torch.bool)  # scores use distinct indices only
    torch.testing.assert_close(cd.matrix[0][off], ref.abs()[off], rtol=1e-9, atol=1e-11)
    s2 = tw.caso(model, x, target=torch.tensor([0, 1]), lambda1=0.0, tol=1e-9, max_iter=3000)
    H = torch.stack([_reference_hessian_loss(model, x[b], int(t)) for b, t in enumerate([0, 1])])
    eye = torch.eye(T * E, dtype=torch.float64)
    sol = torch.linalg.solve(s2.lambda2[:, None, None] * eye - H, s2.gradient.reshape(2, -1))
    assert s2.converged.all()
    torch.testing.assert_close(s2.values.reshape(2, -1), sol, rtol=1e-6, atol=1e-8)


def _reference_hessian_loss(model, z, label):
    with sdpa_kernel(SDPBackend.MATH):
        return torch.autograd.functional.hessian(
            lambda v: F.cross_entropy(model(v.reshape(1, T, E)), torch.tensor([label])), z.reshape(-1))


class Sampler(nn.Module):
    """F.grid_sample has a backward and a double backward but no forward-mode derivative."""

    def forward(self, x):
        img = torch.tanh(x.reshape(-1, 1, 4, 4))
        grid = 0.9 * torch.tanh(x[:, :8].reshape(-1, 2, 2, 2))
        return (F.grid_sample(img, grid, align_corners=False) ** 2).flatten(1).sum(1) + (x**3).sum(1)


class Cube(torch.autograd.Function):
    """x³ with a backward and no jvp: forward-mode AD refuses it."""

    generate_vmap_rule = True

    @staticmethod
    def forward(x):
        return x**3

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0])

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 3 * x**2 * g


class CustomOp(nn.Module):
    def forward(self, x):
        return Cube.apply(torch.sin(x)).sum(1) * x[:, 0]


@pytest.mark.parametrize("model", [Sampler(), CustomOp()], ids=["grid_sample", "custom-function"])
def test_ops_without_forward_mode_fall_back_to_reverse_products(model):
    z = torch.randn(16, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    f = lambda v, sel: model(v[None])[0]  # noqa: E731
    ref = torch.autograd.functional.hessian(lambda v: model(v[None])[0], z)
    U = torch.randn(4, 16, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    torch.testing.assert_close(dv.grad_and_hvps(f, z, U, torch.zeros(1))[1], U @ ref, rtol=1e-9, atol=1e-11)
    e = torch.eye(16, dtype=torch.float64)
    assert torch.isclose(dv.directional_derivative(f, z, e[[0, 5]], torch.zeros(1)), ref[0, 5], rtol=1e-9, atol=1e-12)
    with warnings.catch_warnings():  # torch notes that grid_sample's backward has no batching rule
        warnings.simplefilter("ignore", UserWarning)
        res = tw.integrated_hessians(model, z[None], steps=8)
    assert torch.isfinite(res.values).all()


def test_an_op_without_any_second_derivative_raises_torchs_message():
    class Dist(nn.Module):
        def forward(self, x):
            return torch.cdist(x.reshape(-1, 2, 3), x.reshape(-1, 2, 3) + 1).sum((1, 2))

    with pytest.raises((NotImplementedError, RuntimeError), match="not implemented"):
        tw.integrated_hessians(Dist().double(), torch.randn(1, 6, dtype=torch.float64), steps=4)
