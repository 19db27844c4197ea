"""The shared torch.func layer against finite differences and naive autograd."""
import torch

from taylor_widgets.core import derivatives as dv
from taylor_widgets.core.targets import Target
from _models import smooth_mlp



def _f():
    model = smooth_mlp(5, seed=1)
    return dv.example_function(model, Target(fn=lambda out: out[:, 0], batch=1), (5,)), model


def test_hvp_matches_finite_differences_of_the_gradient():
    f, _ = _f()
    sel = torch.zeros(1)
    z, v = torch.randn(5, dtype=torch.float64), torch.randn(5, dtype=torch.float64)
    g, hv = dv.hvp(f, z, v, sel)
    eps = 1e-5
    gp = torch.func.grad(f)(z + eps * v, sel)
    gm = torch.func.grad(f)(z - eps * v, sel)
    torch.testing.assert_close(hv, (gp - gm) / (2 * eps), rtol=1e-6, atol=1e-8)
    torch.testing.assert_close(g, torch.func.grad(f)(z, sel))


def test_hessian_matches_autograd():
    f, model = _f()
    z = torch.randn(5, dtype=torch.float64)
    H = dv.hessian(f, z, torch.zeros(1))
    ref = torch.autograd.functional.hessian(lambda zz: model(zz[None])[0, 0], z)
    torch.testing.assert_close(H, ref, rtol=1e-10, atol=1e-12)


def test_third_order_directional_derivative_on_a_polynomial():
    # f = x0 x1 x2 + 2 x0² x3: ∂³f/∂x0∂x1∂x2 = 1, ∂³f/∂x0∂x0∂x3 = 4
    f = lambda z: z[0] * z[1] * z[2] + 2 * z[0] ** 2 * z[3]  # noqa: E731
    z, e = torch.randn(4, dtype=torch.float64), torch.eye(4, dtype=torch.float64)
    assert torch.isclose(dv.directional_derivative(f, z, e[[0, 1, 2]]), torch.tensor(1.0, dtype=torch.float64))
    assert torch.isclose(dv.directional_derivative(f, z, e[[0, 0, 3]]), torch.tensor(4.0, dtype=torch.float64))
    assert torch.isclose(dv.directional_derivative(f, z, e[[1, 2, 3]]), torch.tensor(0.0, dtype=torch.float64))


def test_chunk_size_respects_the_budget():
    assert dv.chunk_size(1e6, budget=10e6) == 10
    assert dv.chunk_size(1e12) == 1
    assert dv.chunk_size(1.0, requested=7) == 7
