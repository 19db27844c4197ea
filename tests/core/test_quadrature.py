import numpy as np
import pytest

from taylor_widgets.core import quadrature as q


@pytest.mark.parametrize("n", [1, 4, 12, 16])
def test_log_weight_gauss_is_exact_to_degree_2n_minus_1(n):
    r = q.log_weight_gauss(n)
    for k in range(2 * n):
        # ∫₀¹ (−ln γ) γ^k dγ = 1/(k+1)²
        assert np.isclose((r.w_grad * r.points**k).sum(), 1.0 / (k + 1) ** 2, rtol=1e-12, atol=1e-15), k
    # the Hessian weights are −γ ln γ: ∫ γ^(k+1)(−ln γ) = 1/(k+2)²
    for k in range(2 * n - 1):
        assert np.isclose((r.w_hess * r.points**k).sum(), 1.0 / (k + 2) ** 2, rtol=1e-12)
    assert np.all((r.points > 0) & (r.points < 1))


def test_log_weight_gauss_matches_the_double_integral():
    # ∫∫ cos(αβ) dα dβ = Si(1) via the one-dimensional rule
    r = q.log_weight_gauss(12)
    si1 = 0.946083070367183
    assert abs((r.w_grad * np.cos(r.points)).sum() - si1) < 1e-13


def test_gauss_legendre_on_unit_interval():
    r = q.gauss_legendre(8)
    assert np.isclose(r.w_grad.sum(), 1.0)
    assert np.isclose((r.w_grad * r.points**15).sum(), 1 / 16)


def test_uniform_product_grid_reproduces_the_n_by_n_mean():
    n = 7
    r = q.uniform_product_grid(n)
    a = np.linspace(0, 1, n)
    g = np.outer(a, a)
    h = lambda t: np.exp(2 * t)  # noqa: E731
    assert np.isclose((r.w_grad * h(r.points)).sum(), h(g).mean())
    assert np.isclose((r.w_hess * h(r.points)).sum(), (g * h(g)).mean())
    assert len(r.points) < n * n  # equal products are merged


def test_unknown_rule_is_refused():
    with pytest.raises(ValueError, match="rule"):
        q.ih_rule(None, "simpson")
