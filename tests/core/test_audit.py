"""The audit's allocation matrix on polynomials with known Taylor terms, and its P1/P2/P3 verdicts."""
import pytest
import torch
from torch import nn

from taylor_widgets.core.taylor.audit import attribution_audit, verdict_table

from _models import Prod, TaylorPoly as Poly

X = torch.tensor([[1.5, -2.0, 0.5, 3.0]], dtype=torch.float64)


def _terms(x):
    """(value ψ(κ), κ) of every Taylor term at baseline 0."""
    x0, x1, x2, x3 = x.tolist()
    return [(2 * x0, (1, 0, 0, 0)), (3 * x0**2, (2, 0, 0, 0)), (x0 * x1, (1, 1, 0, 0)),
            (0.5 * x0**2 * x1, (2, 1, 0, 0)), (x0 * x1 * x2, (1, 1, 1, 0)), (-x3, (0, 0, 0, 1))]


def _expected_allocation(x, weight):
    """E_{i,S} = Σ_{κ: S_κ = S} w(i, κ) ψ(κ): the paper's allocation, built from the terms."""
    E = torch.zeros(4, 16, dtype=torch.float64)
    for psi, kappa in _terms(x):
        S = sum(1 << i for i, k in enumerate(kappa) if k)
        for i in range(4):
            E[i, S] += weight(i, kappa) * psi
    return E


WEIGHTS = {
    "gradient_x_input": lambda i, k: k[i],  # counts an order-k term k_i times
    "integrated_gradients": lambda i, k: k[i] / sum(k),
    "occlusion_1": lambda i, k: float(k[i] > 0),  # the whole effect to every member
    "shapley_value": lambda i, k: float(k[i] > 0) / sum(1 for kk in k if kk),
}


@pytest.fixture(scope="module")
def poly_audit():
    return attribution_audit(Poly(), X, None, methods=list(WEIGHTS), ig_steps=8, tol=1e-9)


@pytest.mark.parametrize("method", list(WEIGHTS))
def test_allocation_weights_on_a_known_polynomial(poly_audit, method):
    E = poly_audit.methods[method].allocation[0]
    ref = _expected_allocation(X[0], WEIGHTS[method])
    torch.testing.assert_close(E, ref, rtol=1e-9, atol=1e-9)
    torch.testing.assert_close(E.sum(-1), poly_audit.methods[method].attributions[0])


def test_p1_is_measured_against_the_output_gap(poly_audit):
    v = Poly()
    gap = (v(X) - v(torch.zeros_like(X))).item()
    x0, x1, x2, x3 = X[0].tolist()
    gi = [2 * x0 + 6 * x0**2 + x0 * x1 + x0**2 * x1 + x0 * x1 * x2, x0 * x1 + 0.5 * x0**2 * x1 + x0 * x1 * x2,
          x0 * x1 * x2, -x3]
    mass = poly_audit.dividends[0, 1:].abs().sum().item()
    assert poly_audit.methods["gradient_x_input"].p1.item() == pytest.approx(abs(sum(gi) - gap) / mass)
    assert poly_audit.methods["integrated_gradients"].p1.item() < 1e-12


def test_verdicts_on_the_polynomial(poly_audit):
    v = poly_audit.verdicts()
    ok = {m: tuple(v[m][p][0] for p in ("P1", "P2", "P3")) for m in v}
    assert ok["integrated_gradients"] == (True, True, True)
    assert ok["shapley_value"] == (True, True, True)
    assert ok["gradient_x_input"] == (False, False, False)  # x0² and the interactions are over-counted
    assert ok["occlusion_1"] == (False, True, False)
    m = poly_audit.methods["occlusion_1"]
    assert m.p3_leak.item() < 1e-12 and m.p3_amount.item() > 0.1  # only members, but more than once


def test_the_papers_reading_judges_p2_p3_by_leaks_only(poly_audit):
    """Under leak-only P2/P3 the over-counting methods pass P2/P3 (they give effects only to
    members) and fail P1 alone; ours also counts amounts, so they fail P2/P3 too."""
    v = poly_audit.verdicts(reading="paper")
    ok = {m: tuple(v[m][p][0] for p in ("P1", "P2", "P3")) for m in v}
    assert ok["gradient_x_input"] == (False, True, True)
    assert ok["occlusion_1"] == (False, True, True)
    assert ok["integrated_gradients"] == ok["shapley_value"] == (True, True, True)
    gxi = poly_audit.methods["gradient_x_input"]
    assert gxi.measure("P3", "paper").item() == gxi.p3_leak.item() < gxi.measure("P3").item()
    assert verdict_table({"poly": poly_audit}, reading="paper") != verdict_table({"poly": poly_audit})
    with pytest.raises(ValueError, match="^reading"):
        poly_audit.verdicts(reading="theirs")


def test_a_method_can_pass_on_some_inputs_only():
    x = torch.tensor([[1.5, -2.0, 0.5, 3.0], [1.5, 0.0, 0.5, 3.0]], dtype=torch.float64)  # x1 = 0: no interactions
    r = attribution_audit(Poly(), x, None, methods=["occlusion_1"], tol=1e-9)
    assert r.verdicts()["occlusion_1"]["P1"][:3] == (False, 1, 2)
    assert "1/2" in r.table()


def test_background_game_for_expected_methods():
    torch.manual_seed(0)
    bg = torch.randn(3, 4, dtype=torch.float64)
    r = attribution_audit(Poly(), X, None, methods=["expected_gradients", "prediction_difference"], background=bg,
                          ig_steps=8, tol=1e-9)
    eg = r.methods["expected_gradients"]
    assert eg.game == "background" and r.expected_dividends is not None
    assert eg.measure("P1").item() < 1e-12 and eg.measure("P2").item() < 1e-12 and eg.measure("P3").item() < 1e-12
    v = Poly()
    gap = (v(X) - v(bg).mean()).item()
    torch.testing.assert_close(eg.attributions.sum(), torch.tensor(gap, dtype=torch.float64))
    assert not r.verdicts()["prediction_difference"]["P3"][0]


def test_skips_methods_that_do_not_apply_and_formats_a_table():
    torch.manual_seed(0)
    m = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)).double()
    x = torch.randn(2, 3, dtype=torch.float64)
    r = attribution_audit(m, x, None, target=1, methods=["grad_cam", "deeplift_rescale", "lrp_epsilon"])
    assert "Conv2d" in r.skipped["grad_cam"]
    assert r.verdicts()["deeplift_rescale"]["P1"][0]
    table = verdict_table({"mlp": r})
    assert "| grad_cam | n/a | n/a | n/a |" in table and "deeplift_rescale | ✓" in table


def test_bad_inputs():
    with pytest.raises(ValueError, match="methods"):
        attribution_audit(Poly(), X, None, methods=["saliency"])
    with pytest.raises(ValueError, match="groups="):
        attribution_audit(nn.Linear(13, 1).double(), torch.randn(1, 13, dtype=torch.float64))
    with pytest.raises(TypeError, match="callable"):
        attribution_audit(Poly(), X, None, target=lambda out: out)
    with pytest.raises(ValueError, match="player_shape"):
        attribution_audit(Poly(), X, None, methods=["occlusion_patch"], player_shape=(3, 2))
    with pytest.raises(ValueError, match="background"):
        attribution_audit(Poly(), X, None, methods=["deepshap"], background=torch.zeros(2, 5, dtype=torch.float64))


def test_leak_and_amount_measures_by_hand():
    # Occlusion-patch, windows {0,1} and {1,2} at x = (2, 3, 5): a = (6, 6 + 2.5, 6 + 5) with
    # E_{0,{01}} = E_{1,{01}} = E_{2,{01}} = 6, E_{1,{2}} = 2.5, E_{2,{2}} = 5; the effect mass is 11
    x = torch.tensor([[2.0, 3.0, 5.0]], dtype=torch.float64)
    m = attribution_audit(Prod(), x, None, methods=["occlusion_patch"]).methods["occlusion_patch"]
    E = torch.zeros(3, 8, dtype=torch.float64)
    E[:, 0b011] = 6.0
    E[1, 0b100], E[2, 0b100] = 2.5, 5.0
    torch.testing.assert_close(m.allocation[0], E)
    got = [m.p1.item(), m.p2_leak.item(), m.p2_amount.item(), m.p3_leak.item(), m.p3_amount.item()]
    assert got == pytest.approx([14.5 / 11, 2.5 / 11, 0.0, 6 / 11, 6 / 11])
