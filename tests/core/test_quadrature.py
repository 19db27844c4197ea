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


# --- panel rules: exact on polynomials in the variable each is built in ---

@pytest.mark.parametrize("b", [1.0, np.exp(-8.0), 1e-7])
@pytest.mark.parametrize("n", [4, 8])
def test_ih_head_panel_is_exact_for_polynomials_in_gamma(b, n):
    r = q.ih_panel(0.0, float(b), n)
    for k in range(2 * n):
        # ∫₀^b (−ln γ) γ^k dγ = b^(k+1)/(k+1) · (1/(k+1) − ln b)
        exact = b ** (k + 1) / (k + 1) * (1 / (k + 1) - np.log(b))
        assert np.isclose((r.w_grad * r.points**k).sum(), exact, rtol=1e-12, atol=0), k
    for k in range(2 * n - 1):  # the Hessian weights carry one more γ
        exact = b ** (k + 2) / (k + 2) * (1 / (k + 2) - np.log(b))
        assert np.isclose((r.w_hess * r.points**k).sum(), exact, rtol=1e-12, atol=0), k
    assert np.all((r.points > 0) & (r.points < b))


@pytest.mark.parametrize("a, b", [(1e-7, 3.4e-4), (3.4e-4, 1.0), (0.25, 0.5)])
def test_log_panels_are_exact_for_polynomials_in_log_gamma(a, b):
    n = 6
    lo, hi = np.log(a), np.log(b)
    ig, ih = q.ig_panel(a, b, n), q.ih_panel(a, b, n)
    t = np.log(ig.points)
    for k in range(2 * n):
        exact = (hi ** (k + 1) - lo ** (k + 1)) / (k + 1)  # ∫ t^k dt over [ln a, ln b]
        # IG weights are dγ = γ dt; IH weights are (−ln γ) dγ and (−γ ln γ) dγ
        assert np.isclose((ig.w_grad / ig.points * t**k).sum(), exact, rtol=1e-11), k
        assert np.isclose((ih.w_grad / (ih.points * -t) * t**k).sum(), exact, rtol=1e-11), k
    np.testing.assert_allclose(ih.w_hess, ih.w_grad * ih.points)


def test_ig_head_panel_is_gauss_legendre_on_the_panel():
    b, n = 0.01, 5
    r = q.ig_panel(0.0, b, n)
    for k in range(2 * n):
        assert np.isclose((r.w_grad * r.points**k).sum(), b ** (k + 1) / (k + 1), rtol=1e-12)


def test_a_composite_of_panels_integrates_the_log_weight_over_the_unit_interval():
    edges = [0.0, np.exp(-16), np.exp(-8), np.exp(-4), 1.0]
    rules = [q.ih_panel(a, b, 24 if a else 8) for a, b in zip(edges, edges[1:])]
    r = q.composite(rules, "test")
    for k in range(6):  # ∫₀¹ (−ln γ) γ^k = 1/(k+1)², smooth in ln γ on every panel
        assert np.isclose((r.w_grad * r.points**k).sum(), 1 / (k + 1) ** 2, rtol=1e-12)
    # and a function that changes near γ = 1e-5, as LayerNorm's output does: g = d/dγ tanh(γ/1e-5)
    g = lambda x: (1 - np.tanh(x / 1e-5) ** 2) / 1e-5  # noqa: E731
    ig_rules = q.composite([q.ig_panel(a, b, 24 if a else 8) for a, b in zip(edges, edges[1:])], "ig")
    assert abs((ig_rules.w_grad * g(ig_rules.points)).sum() - np.tanh(1e5)) < 1e-6
    assert abs((q.gauss_legendre(64).w_grad * g(q.gauss_legendre(64).points)).sum() - 1.0) > 0.5  # one panel misses it
