"""CASO / CAFO against their closed forms, and the Hessian rank diagnostic against autograd."""
import pytest
import torch
from torch import nn

from taylor_widgets.core.saliency.caso import _closed_form_hessian, _setup, cafo, caso, hessian_rank_diagnostic


@pytest.fixture
def smooth_net():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(6, 12), nn.Softplus(beta=2.0), nn.Linear(12, 3)).double()


@pytest.fixture
def relu_net():
    torch.manual_seed(1)
    return nn.Sequential(nn.Linear(5, 16), nn.ReLU(), nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 4)).double()


@pytest.fixture
def x():
    torch.manual_seed(2)
    return torch.randn(3, 6, dtype=torch.float64)


def _dense(model, x):
    """The loss Hessian row by row with plain double backward: independent of the solver's HVPs."""
    s = _setup(model, x, None)
    out = []
    for b in range(x.shape[0]):
        z = s.z[b].clone().requires_grad_(True)
        (g,) = torch.autograd.grad(s.f(z, s.onehot[b]), z, create_graph=True)
        out.append(torch.stack([torch.autograd.grad(g[j], z, retain_graph=True)[0] for j in range(z.numel())]))
    return torch.stack(out).detach()


def test_caso_lambda1_zero_is_the_linear_solve(smooth_net, x):
    r = caso(smooth_net, x, lambda1=0.0, tol=1e-11, max_iter=2000)
    H = _dense(smooth_net, x)
    eye = torch.eye(6, dtype=torch.float64)
    ref = torch.linalg.solve(r.lambda2[:, None, None] * eye - H, r.gradient)
    assert r.converged.all()
    torch.testing.assert_close(r.values, ref, rtol=1e-7, atol=1e-9)
    # the H term matters here: CAFO's answer g/λ2 is measurably different
    assert (r.values - r.gradient / r.lambda2[:, None]).abs().max() > 1e-3


def test_default_lambda2_keeps_the_problem_concave(smooth_net, x):
    r = caso(smooth_net, x, lambda1=0.0)
    lam_max = torch.linalg.eigvalsh(_dense(smooth_net, x))[:, -1]
    assert (r.lambda2 > lam_max).all()


def test_cafo_is_the_soft_thresholded_gradient(smooth_net, x):
    r = cafo(smooth_net, x, lambda1=0.05, lambda2=2.0)
    g = r.gradient
    ref = g.sign() * (g.abs() - 0.05).clamp_min(0) / 2.0
    torch.testing.assert_close(r.values, ref, rtol=1e-10, atol=1e-12)
    assert (r.values == 0).any()  # the threshold bites on this problem


def test_larger_lambda1_is_monotonically_sparser(smooth_net, x):
    nnz = [int((caso(smooth_net, x, lambda1=l1, tol=1e-9).values.abs() > 1e-10).sum()) for l1 in (0.0, 0.02, 0.1, 0.3)]
    assert nnz == sorted(nnz, reverse=True) and nnz[0] > nnz[-1]


def test_converges_to_tolerance_not_a_fixed_step_count(smooth_net, x):
    loose = caso(smooth_net, x, lambda1=0.01, tol=1e-3)
    tight = caso(smooth_net, x, lambda1=0.01, tol=1e-10, max_iter=2000)
    assert tight.converged.all() and (tight.gap <= 1e-10).all()
    assert (tight.iterations > 10).all() and (tight.iterations > loose.iterations).all()
    # the optimum is a maximum: the tight objective is at least the loose one
    assert (tight.objective >= loose.objective - 1e-12).all()
    capped = caso(smooth_net, x, lambda1=0.01, tol=1e-12, max_iter=3)
    assert not capped.converged.any() and (capped.iterations == 3).all()


def test_smoothgrad_averages_noisy_copies(smooth_net, x):
    a = caso(smooth_net, x, lambda1=0.01, smooth_samples=4, seed=0)
    b = caso(smooth_net, x, lambda1=0.01, smooth_samples=4, seed=0)
    c = caso(smooth_net, x, lambda1=0.01)
    torch.testing.assert_close(a.values, b.values)
    assert a.values.shape == x.shape and (a.values - c.values).abs().max() > 1e-6


def test_relu_hessian_closed_form_matches_autograd(relu_net):
    x = torch.randn(4, 5, dtype=torch.float64)
    H = _closed_form_hessian(relu_net, x)
    assert (H.abs().amax((1, 2)) > 1e-6).all()
    torch.testing.assert_close(H, _dense(relu_net, x), rtol=1e-9, atol=1e-12)


def test_rank_diagnostic_closed_form_equals_lanczos(relu_net):
    x = torch.randn(4, 5, dtype=torch.float64)
    a = hessian_rank_diagnostic(relu_net, x)
    b = hessian_rank_diagnostic(relu_net, x, method="lanczos")
    assert a.method == "closed_form" and b.method == "lanczos"
    torch.testing.assert_close(a.sigma_ratio, b.sigma_ratio, rtol=1e-6, atol=1e-9)
    torch.testing.assert_close(a.cosine, b.cosine, rtol=1e-6, atol=1e-9)
    ev = torch.linalg.eigvalsh(_dense(relu_net, x))
    top = ev.abs().sort(-1, descending=True).values
    torch.testing.assert_close(a.sigma_ratio, top[:, 1] / top[:, 0])


def test_confident_relu_net_is_near_rank_one_and_caso_matches_cafo(relu_net):
    torch.manual_seed(3)
    x = torch.randn(4, 5, dtype=torch.float64)
    unsure = hessian_rank_diagnostic(relu_net, x)
    with torch.no_grad():
        relu_net[-1].weight.mul_(100.0)  # large logits: p_max → 1
    d = hessian_rank_diagnostic(relu_net, x)
    assert (d.p_max > 0.85).all() and (d.sigma_ratio < 0.01).all() and (d.cosine > 0.999).all()
    with torch.no_grad():
        relu_net[-1].weight.mul_(10.0)  # p_max rounds to 1: the closed form must not cancel
    far = hessian_rank_diagnostic(relu_net, x)
    assert (far.sigma_ratio < 1e-6).all() and (far.cosine > 0.999).all()
    with torch.no_grad():
        relu_net[-1].weight.div_(10.0)
    assert (unsure.p_max < 0.99).any() and (unsure.sigma_ratio > 0.05).any()
    a = caso(relu_net, x, lambda1=0.0, lambda2=2 * d.eigenvalues[:, 0].abs(), tol=1e-8)
    b = cafo(relu_net, x, lambda1=0.0, lambda2=a.lambda2)
    cos = torch.nn.functional.cosine_similarity(a.values, b.values, dim=-1)
    assert (cos > 0.99).all()


def test_bad_inputs(smooth_net, x):
    with pytest.raises(ValueError, match="NaN"):
        caso(smooth_net, x.clone().fill_(float("nan")))
    with pytest.raises(TypeError, match="floating-point"):
        caso(smooth_net, torch.ones(2, 6, dtype=torch.long))
    with pytest.raises(ValueError, match="logits"):
        caso(nn.Linear(6, 1).double(), x)
    with pytest.raises(ValueError, match="lambda1"):
        caso(smooth_net, x, lambda1=-1.0)
    with pytest.raises(ValueError, match="lambda2"):
        caso(smooth_net, x, lambda2=1e-9)
    with pytest.raises(ValueError, match="indices"):
        caso(smooth_net, x, target=7)
    with pytest.raises(TypeError, match="callable"):
        caso(smooth_net, x, target=lambda out: out[:, 0])
    with pytest.raises(ValueError, match="method"):
        hessian_rank_diagnostic(smooth_net, x, method="svd")


def test_lanczos_recovers_spectra_including_low_rank_and_zero_operators():
    from taylor_widgets.core.derivatives import lanczos

    torch.manual_seed(4)
    A = torch.randn(3, 10, 10, dtype=torch.float64)
    A = A @ A.transpose(1, 2)
    U = torch.randn(10, 2, dtype=torch.float64)
    A[1] = U @ U.T - 0.1 * torch.eye(10, dtype=torch.float64)  # rank-2 plus shift: early breakdown
    A[2] = 0.0
    theta, V = lanczos(lambda v: torch.einsum("bij,bj->bi", A, v), torch.randn(3, 10, dtype=torch.float64), 30)
    torch.testing.assert_close(theta, torch.linalg.eigvalsh(A), rtol=1e-9, atol=1e-9)
    torch.testing.assert_close(torch.einsum("bij,bmj->bmi", A, V), theta[..., None] * V, rtol=1e-8, atol=1e-8)


def test_hvp_operator_matches_dense_hessian_and_handles_linear_models(smooth_net, x):
    from taylor_widgets.core.derivatives import hvp_operator

    s = _setup(smooth_net, x, None)
    g, op = hvp_operator(s.loss_sum, s.z)
    v = torch.randn_like(s.z)
    torch.testing.assert_close(op(v), torch.einsum("bij,bj->bi", _dense(smooth_net, x), v))
    _, zero = hvp_operator(lambda z: (z * 3.0).sum(), s.z)
    assert (zero(v) == 0).all()
