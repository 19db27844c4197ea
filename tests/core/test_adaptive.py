"""The adaptive panel rule of IG and IH: exact panel checks, sharp integrands, round-off, warnings."""
import math
import re
import warnings

import numpy as np
import pytest
import torch
from torch import nn

import taylor_widgets as tw
from taylor_widgets.core import quadrature as quad
from taylor_widgets.core.paths import adaptive
from _models import smooth_mlp

EPS = 1e-6  # LayerNorm-like sharpness: φ changes where γ ~ √EPS


def _layernorm_path(gamma):
    """φ(γ) = γ/√(γ² + ε) + 0.3γ² and its first two derivatives, in float64."""
    s = gamma**2 + EPS
    return gamma / s.sqrt() + 0.3 * gamma**2, EPS / s**1.5 + 0.6 * gamma, -3 * EPS * gamma / s**2.5 + 0.6


def _callbacks(kind):
    def derivs(owner, gamma):
        _, d1, d2 = _layernorm_path(gamma.double())
        return d1, d2

    def ends(owner, gamma):
        g = gamma.double()
        phi, d1, _ = _layernorm_path(g)
        if kind == "ig":
            return phi, phi.abs()
        corr = torch.where(g > 0, g * torch.log(g) * d1, torch.zeros_like(g))
        return phi - corr, phi.abs() + corr.abs()

    return derivs, ends


@pytest.mark.parametrize("kind", ["ig", "ih"])
def test_the_design_reaches_the_tolerance_on_a_layernorm_like_path_and_knows_its_error(kind):
    phi0, phi1 = 0.0, float(_layernorm_path(torch.tensor(1.0, dtype=torch.float64))[0])
    f_x, f_b = np.array([phi1]), np.array([phi0])
    gap = phi1 - phi0
    derivs, ends = _callbacks(kind)
    root = adaptive.Panel(0.0, 1.0, 32 if kind == "ig" else 16)
    out = adaptive.design(kind, derivs, ends, [0], f_x, f_b, 1e-8, 2.2e-16, root, root_failed=False)[0]
    rule = adaptive.composite_rule(kind, out.panels)

    def estimate(r):
        _, d1, d2 = _layernorm_path(torch.from_numpy(r.points))
        return float((torch.from_numpy(r.w_grad) * d1 + torch.from_numpy(r.w_hess) * d2).sum())

    assert out.converged and len(out.panels) > 1
    assert abs(estimate(rule) - gap) <= 1e-8 * abs(gap)
    # the error the design reports is the completeness error the rule has
    assert math.isclose(estimate(rule) - gap, out.error, rel_tol=1e-6, abs_tol=1e-15)
    # one rule on [0, 1] with the same number of nodes is far off
    flat = quad.gauss_legendre(out.nodes) if kind == "ig" else quad.log_weight_gauss(out.nodes)
    assert abs(estimate(flat) - gap) > 1e-3 * abs(gap)


def test_the_ih_panel_identity_is_integration_by_parts():
    # φ = γ³: ∫_a^b (−ln γ)φ' + (−γ ln γ)φ'' dγ = ψ(b) − ψ(a) with ψ = φ − γ ln γ φ'
    psi = lambda g: g**3 - g * np.log(g) * 3 * g**2  # noqa: E731
    for a, b in [(1e-6, 1e-3), (0.2, 1.0)]:
        r = quad.ih_panel(a, b, 24)
        value = (r.w_grad * 3 * r.points**2 + r.w_hess * 6 * r.points).sum()
        assert np.isclose(value, psi(b) - psi(a), rtol=1e-13)


def _tiny_transformer():
    model = tw.tiny_text_transformer(vocab=20, max_len=8, dim=16, heads=2, hidden=32).double()
    ids = torch.randint(0, 20, (2, 6), generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        return model.encoder, model.embedding(ids)


def test_completeness_on_the_layernorm_transformer_at_the_zero_baseline():
    enc, e = _tiny_transformer()
    one_rule = tw.integrated_hessians(enc, e, target=1, embedding_axis=-1, steps=16)
    assert one_rule.relative_completeness_error.max() > 1e-3  # the integrand is sharp near the baseline
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        ih = tw.integrated_hessians(enc, e, target=1, embedding_axis=-1)
        ig = tw.integrated_gradients(enc, e, target=1, embedding_axis=-1)
    assert ih.rule.startswith("adaptive") and ig.rule.startswith("adaptive")
    assert ih.relative_completeness_error.max() <= 1e-5
    assert ig.relative_completeness_error.max() <= 1e-5
    # the axioms still hold: symmetry, and row sums equal IG at the same accuracy
    torch.testing.assert_close(ih.values, ih.values.transpose(1, 2), rtol=1e-7, atol=1e-9)
    torch.testing.assert_close(ih.attributions, ig.values, rtol=2e-3, atol=1e-4)


def test_completeness_on_a_sharp_softplus_mlp():
    model = smooth_mlp(6, hidden=16, beta=100.0, seed=4)
    x = torch.randn(4, 6, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    assert tw.integrated_gradients(model, x, steps=32).relative_completeness_error.max() > 1e-4
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        ig = tw.integrated_gradients(model, x)
        ih = tw.integrated_hessians(model, x)
    assert ig.relative_completeness_error.max() <= 1e-5
    assert ih.relative_completeness_error.max() <= 1e-5


def test_float32_refines_what_the_old_absolute_floor_hid():
    # f(x) − f(x') is 0.006 here: the former floor 64·eps·(1 + |gap|) hid a 4e-4 relative error
    # at 16 nodes; the floor is now measured from the magnitudes summed.
    torch.manual_seed(2)
    m = nn.Sequential(nn.Linear(5, 16), nn.Softplus(beta=20), nn.Linear(16, 1))
    with torch.no_grad():
        m[2].weight.mul_(0.02)
        m[2].bias.fill_(0.0)
    x = torch.randn(4, 5, generator=torch.Generator().manual_seed(2))[:1]
    r16 = tw.integrated_hessians(m, x, steps=16)
    gap = float((r16.output - r16.baseline_output).abs())
    assert r16.relative_completeness_error.item() > 1e-4
    assert r16.completeness_error.abs().item() <= 64 * torch.finfo(torch.float32).eps * (1 + gap)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        r = tw.integrated_hessians(m, x)
    assert r.rule != r16.rule and r.relative_completeness_error.item() <= 1e-5


def test_a_miss_warns_with_the_amount_and_what_to_do(monkeypatch):
    model = smooth_mlp(6, hidden=16, beta=1000.0, seed=4)
    x = torch.randn(2, 6, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    monkeypatch.setattr(adaptive, "MAX_NODES", 48)
    with pytest.warns(RuntimeWarning, match=r"miss the completeness tolerance tol=1e-05.*relative.*× tol.*node budget.*steps="):
        tw.integrated_hessians(model, x)
    monkeypatch.undo()
    with pytest.warns(RuntimeWarning, match=r"round-off floor.*float64|round-off floor.*tol="):
        tw.integrated_gradients(smooth_mlp(6, seed=1), x, tol=1e-17)


def test_round_off_misses_are_silent_at_the_default_tol_and_warned_at_an_explicit_one():
    # float32: some inputs end a few ulps above tol·|gap| however many nodes are used
    torch.manual_seed(0)
    m = torch.nn.Sequential(torch.nn.Linear(10, 64), torch.nn.Softplus(), torch.nn.Linear(64, 64),
                            torch.nn.Softplus(), torch.nn.Linear(64, 1)).eval()
    x = torch.randn(32, 10)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        r = tw.integrated_hessians(m, x)
    rel = r.completeness_error.abs() / (r.output - r.baseline_output).abs()
    assert (rel > 1e-5).any()  # the case exists: the silence is a choice, not luck
    assert r.completeness_error.abs().max().item() < 1e-6
    with pytest.warns(RuntimeWarning, match=r"round-off floor of float32.*model.double\(\)"):
        tw.integrated_hessians(m, x, tol=2e-6)


def test_smooth_models_keep_the_one_rule_at_the_same_cost():
    # many rows: the panels are chosen first on the scalar path, and the matrix is evaluated once
    model = smooth_mlp(20, seed=3)
    x = torch.randn(3, 20, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    default, fixed = tw.integrated_hessians(model, x), tw.integrated_hessians(model, x, steps=16)
    assert default.rule == fixed.rule == "log-weight-gauss-16"
    torch.testing.assert_close(default.values, fixed.values, rtol=0, atol=0)
    ig, ig32 = tw.integrated_gradients(model, x), tw.integrated_gradients(model, x, steps=32)
    assert ig.rule == ig32.rule and torch.equal(ig.values, ig32.values)


def test_uniform_rule_keeps_its_grid():
    # path_explain's estimator is reproduced exactly (tests/core/test_path_explain_agreement.py);
    # here: it is never adapted, whatever its error.
    model = smooth_mlp(4, hidden=16, beta=100.0, seed=4)
    x = torch.randn(2, 4, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        r = tw.integrated_hessians(model, x, rule="uniform", steps=10)
    assert r.rule == "uniform-product-10x10" and r.relative_completeness_error.max() > 1e-3


def test_a_relu_model_is_not_refined_in_vain():
    # φ'' = 0 at every node: the Hessian term lives in kinks, so refining cannot help; say so
    torch.manual_seed(0)
    relu = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1)).double()
    x = torch.randn(2, 4, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    with pytest.warns(RuntimeWarning) as record:
        r = tw.integrated_hessians(relu, x)
    assert any("smooth_relu" in str(w.message) and "piecewise linear" in str(w.message) for w in record)
    nodes = [int(n) for n in re.findall(r"\d+", r.rule)]
    assert max(nodes) <= 28  # the root rule and its first split, not the node budget
