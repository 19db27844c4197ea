"""Integrated / Expected Hessians against their axioms and closed forms (docs/methods.md §1.1)."""
import pytest
import torch
from torch import nn

import taylor_widgets as tw
from taylor_widgets.core.paths import setup as _path_setup
from _models import smooth_mlp



def _x(B, d, seed=3):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(B, d, generator=g, dtype=torch.float64)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_axioms_on_random_smooth_mlps(seed):
    d = 7
    model = smooth_mlp(d, seed=seed)
    x, b = _x(3, d, seed), _x(1, d, seed + 10)[0]
    res = tw.integrated_hessians(model, x, baseline=b)
    G = res.values
    assert G.shape == (3, d, d)
    gap = (model(x) - model(b[None])).reshape(-1)
    # interaction completeness at the default rule: ≤ 1e-5 relative
    assert torch.all((G.sum((1, 2)) - gap).abs() <= 1e-5 * gap.abs())
    assert torch.all(res.relative_completeness_error <= 1e-5)
    # symmetry
    torch.testing.assert_close(G, G.transpose(1, 2), rtol=1e-9, atol=1e-10)
    torch.testing.assert_close(res.attributions, G.sum(-1))
    # row sums are IG (both integrals converged, so only the axiom is being tested)
    fine = tw.integrated_hessians(model, x, baseline=b, steps=64).values
    ig = tw.integrated_gradients(model, x, baseline=b, steps=128).values
    torch.testing.assert_close(fine.sum(-1), ig, rtol=1e-9, atol=1e-11)


def test_axioms_on_a_conv_net(conv):
    x = _x(2, 25, 5).reshape(2, 1, 5, 5)
    res = tw.integrated_hessians(conv, x, target=torch.tensor([0, 2]))
    G = res.values
    assert G.shape == (2, 1, 5, 5, 1, 5, 5)
    flat = G.reshape(2, 25, 25)
    torch.testing.assert_close(flat, flat.transpose(1, 2), rtol=1e-9, atol=1e-10)
    assert res.relative_completeness_error.max() < 1e-5
    ig = tw.integrated_gradients(conv, x, target=torch.tensor([0, 2]), steps=128).values
    fine = tw.integrated_hessians(conv, x, target=torch.tensor([0, 2]), steps=64).values.reshape(2, 25, 25)
    torch.testing.assert_close(fine.sum(-1).reshape(2, 1, 5, 5), ig, rtol=1e-9, atol=1e-11)


def test_self_completeness():
    class OnlyFirst(nn.Module):
        def forward(self, x):
            return torch.sin(2 * x[:, 0]) + x[:, 0] ** 3

    x = _x(2, 4)
    b = torch.full((4,), 0.3, dtype=torch.float64)
    G = tw.integrated_hessians(OnlyFirst(), x, baseline=b).values
    gap = OnlyFirst()(x) - OnlyFirst()(b[None])
    torch.testing.assert_close(G[:, 0, 0], gap, rtol=1e-7, atol=1e-9)
    G[:, 0, 0] = 0
    assert G.abs().max() < 1e-12


def test_product_closed_form(product):
    x = torch.tensor([[2.0, -3.0], [0.5, 4.0]], dtype=torch.float64)
    G = tw.integrated_hessians(product, x).values
    expected = (x[:, 0] * x[:, 1] / 4)[:, None, None].expand(2, 2, 2)
    torch.testing.assert_close(G, expected, rtol=1e-12, atol=1e-12)


def test_polynomial_closed_form():
    # f = x0² x1 at baseline 0: Γ = x0² x1 · [[4, 2], [2, 1]] / 9 (IG: 2/3 to x0, 1/3 to x1)
    class Poly(nn.Module):
        def forward(self, x):
            return x[:, 0] ** 2 * x[:, 1]

    x = torch.tensor([[1.5, -2.0]], dtype=torch.float64)
    G = tw.integrated_hessians(Poly(), x).values[0]
    c = x[0, 0] ** 2 * x[0, 1] / 9
    torch.testing.assert_close(G, c * torch.tensor([[4.0, 2.0], [2.0, 1.0]], dtype=torch.float64), rtol=1e-12, atol=1e-12)


def test_rows_match_the_full_matrix_and_cost_one_direction_each():
    model = smooth_mlp(9, seed=4)
    x = _x(2, 9)
    full = tw.integrated_hessians(model, x).values
    part = tw.integrated_hessians(model, x, rows=[4, 1])
    assert part.values.shape == (2, 2, 9)
    torch.testing.assert_close(part.values, full[:, [4, 1]], rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(part.attributions, full[:, [4, 1]].sum(-1), rtol=1e-10, atol=1e-12)


def test_embedding_axis_sums_blocks():
    T, E = 3, 4
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(T * E, 8), nn.Tanh(), nn.Linear(8, 1)).double()
    x = _x(2, T * E).reshape(2, T, E)
    full = tw.integrated_hessians(model, x).values.reshape(2, T, E, T, E)
    tok = tw.integrated_hessians(model, x, embedding_axis=-1)
    assert tok.values.shape == (2, T, T)
    torch.testing.assert_close(tok.values, full.sum((2, 4)), rtol=1e-9, atol=1e-12)
    ig = tw.integrated_gradients(model, x, embedding_axis=-1, steps=128)
    assert ig.values.shape == (2, T)
    fine = tw.integrated_hessians(model, x, embedding_axis=-1, steps=64)
    torch.testing.assert_close(fine.values.sum(-1), ig.values, rtol=1e-9, atol=1e-11)


def test_uniform_rule_is_coarser_than_the_default():
    model = smooth_mlp(5, seed=7)
    x = _x(4, 5)
    gauss = tw.integrated_hessians(model, x).relative_completeness_error.max()
    grid = tw.integrated_hessians(model, x, rule="uniform", steps=20).relative_completeness_error.max()
    assert gauss < 1e-5 < grid


def test_expected_hessians_closed_form_for_a_product(product):
    # f = x1·x2: EΓ_12 = E[Δ1Δ2]/4 and EΓ_11 = E[Δ1·x2'] + E[Δ1Δ2]/4 over baselines x' ~ data,
    # with ONE baseline per sample for both integrals.
    g = torch.Generator().manual_seed(0)
    z = torch.randn(50, 2, generator=g, dtype=torch.float64)
    data = torch.stack([z[:, 0] + 1.0, 0.9 * z[:, 0] + 0.3 * z[:, 1] - 2.0], 1)  # correlated columns
    x = torch.tensor([[1.5, 0.5]], dtype=torch.float64)
    res = tw.expected_hessians(product, x, data, samples=40000, seed=1)
    D = x - data
    e12 = (D[:, 0] * D[:, 1]).mean() / 4
    e11 = (D[:, 0] * data[:, 1]).mean() + e12
    e22 = (D[:, 1] * data[:, 0]).mean() + e12
    G = res.values[0]
    torch.testing.assert_close(G, torch.stack([torch.stack([e11, e12]), torch.stack([e12, e22])]), rtol=0.03, atol=0.02)
    # path_explain's torch estimand draws a fresh inner baseline x'': for this f its Γ_11 is
    # ½E[Δ1]E[x2''] + ½E[Δ1 x2'] + E[Δ1Δ2]/4, off from ours by −½Cov(x1', x2').
    fresh_11 = 0.5 * D[:, 0].mean() * data[:, 1].mean() + 0.5 * (D[:, 0] * data[:, 1]).mean() + e12
    assert abs(float(G[0, 0] - fresh_11)) > 0.1


def test_expected_hessians_equal_a_brute_force_monte_carlo_with_the_same_draws():
    model = smooth_mlp(4, seed=2)
    x, data = _x(2, 4), _x(30, 4, seed=9)
    K = 12
    res = tw.expected_hessians(model, x, data, samples=K, seed=5)
    s = _path_setup.prepare(model, x, None, None, None)
    pts = _path_setup.expected_points(s, data, K, 5, draw_gamma=True)
    f = lambda z: model(z[None])[0, 0]  # noqa: E731
    brute = torch.zeros(2, 4, 4, dtype=torch.float64)
    for n in range(pts.owner.shape[0]):
        b, xb, gam = int(pts.owner[n]), pts.baseline[n], pts.gamma[n]
        delta = x[b] - xb
        z = xb + gam * delta
        H = torch.autograd.functional.hessian(f, z)
        gr = torch.autograd.functional.jacobian(f, z)
        brute[b] += (gam * torch.outer(delta, delta) * H + torch.diag(delta * gr)) / K
    torch.testing.assert_close(res.values, brute, rtol=1e-9, atol=1e-11)
    # completeness holds against the baselines actually drawn, up to Monte Carlo error
    assert res.completeness_error.abs().max() < 0.5 * (res.output - res.baseline_output).abs().max() + 0.05


def test_expected_gradients_is_reproducible_with_a_seed():
    model = smooth_mlp(4, seed=2)
    x, data = _x(2, 4), _x(30, 4, seed=9)
    a = tw.expected_gradients(model, x, data, samples=50, seed=3).values
    b = tw.expected_gradients(model, x, data, samples=50, seed=3).values
    c = tw.expected_gradients(model, x, data, samples=50, seed=4).values
    torch.testing.assert_close(a, b)
    assert not torch.allclose(a, c)


def test_float32_models_give_float32_results():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1)).float()
    res = tw.integrated_hessians(model, torch.randn(2, 3, dtype=torch.float32))
    assert res.values.dtype == torch.float32
    assert res.relative_completeness_error.max() < 1e-4


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_model_gives_cuda_results():
    model = smooth_mlp(4).cuda()
    res = tw.integrated_hessians(model, _x(2, 4))
    assert res.values.is_cuda and res.relative_completeness_error.max() < 1e-5
