"""Scalar options (core/options.py): every knob of the public API is checked, with its name in the message."""
import numpy as np
import pytest
import torch
from torch import nn

import taylor_widgets as tw
from taylor_widgets.core import options as opt

from _models import smooth_mlp

X = torch.randn(2, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(0))


@pytest.fixture(scope="module")
def m():
    return smooth_mlp(4)


@pytest.fixture(scope="module")
def clf():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3)).double()


def test_validators_accept_numpy_scalars_and_refuse_coercions():
    assert opt.positive_int(np.int64(3), "n") == 3 and type(opt.positive_int(np.int64(3), "n")) is int
    assert opt.real(np.float32(0.5), "t") == 0.5
    for bad, err in [(True, TypeError), (2.0, TypeError), ("2", TypeError), (0, ValueError), (None, TypeError)]:
        with pytest.raises(err, match="^n: "):
            opt.positive_int(bad, "n")
    for bad, err in [(float("nan"), ValueError), (float("inf"), ValueError), ("a", TypeError), (False, TypeError)]:
        with pytest.raises(err, match="^t: "):
            opt.real(bad, "t")
    with pytest.raises(ValueError, match="^p: expected a number ≤ 1"):
        opt.probability(1.5, "p")
    with pytest.raises(ValueError, match=r"^mode: expected one of \('a', 'b'\)"):
        opt.choice("c", "mode", ("a", "b"))
    assert opt.choice(np.int64(2), "order", (2, 3)) == 2
    with pytest.raises(TypeError, match="^flag: expected True or False"):
        opt.flag(1, "flag")
    assert opt.byte_limit(2e9) == 2_000_000_000


# (call, error type, message start): the cases of issue 14 §1 items 7, 9 and 16
CASES = {
    "ih steps=-1": (lambda m, c: tw.integrated_hessians(m, X, steps=-1), ValueError, "steps: expected a positive"),
    "ih steps=2.5": (lambda m, c: tw.integrated_hessians(m, X, steps=2.5), TypeError, "steps: expected an integer"),
    "ih steps=True": (lambda m, c: tw.integrated_hessians(m, X, steps=True), TypeError, "steps: expected an integer"),
    "ih steps='16'": (lambda m, c: tw.integrated_hessians(m, X, steps="16"), TypeError, "steps: expected an integer"),
    "ih steps=0": (lambda m, c: tw.integrated_hessians(m, X, steps=0), ValueError, "steps: expected a positive"),
    "ih steps=1e7": (lambda m, c: tw.integrated_hessians(m, X, steps=10**7), ValueError, "steps: 10000000 is above"),
    "ih uniform 1e4": (lambda m, c: tw.integrated_hessians(m, X, steps=10**4, rule="uniform"), ValueError,
                       "steps: 10000 is above the limit of 1024"),
    "ig steps=1e7": (lambda m, c: tw.integrated_gradients(m, X, steps=10**7), ValueError, "steps: 10000000 is above"),
    "ig rule": (lambda m, c: tw.integrated_gradients(m, X, rule="simpson"), ValueError, "rule: expected one of"),
    "tol=nan": (lambda m, c: tw.integrated_gradients(m, X, tol=float("nan")), ValueError, "tol: expected a finite"),
    "tol='a'": (lambda m, c: tw.integrated_hessians(m, X, tol="a"), TypeError, "tol: expected a number"),
    "tol=0": (lambda m, c: tw.integrated_hessians(m, X, tol=0), ValueError, "tol: expected a positive"),
    "chunk=0": (lambda m, c: tw.integrated_hessians(m, X, chunk_size=0), ValueError, "chunk_size: expected a positive"),
    "chunk=-5": (lambda m, c: tw.integrated_gradients(m, X, chunk_size=-5), ValueError, "chunk_size: expected a pos"),
    "chunk=1.5": (lambda m, c: tw.cross_derivatives(m, X, chunk_size=1.5), TypeError, "chunk_size: expected an int"),
    "chunk='a'": (lambda m, c: tw.expected_hessians(m, X, X, chunk_size="a"), TypeError, "chunk_size: expected an"),
    "seed='abc'": (lambda m, c: tw.expected_hessians(m, X, X, seed="abc"), TypeError, "seed: expected None, an int"),
    "seed=2**70": (lambda m, c: tw.expected_gradients(m, X, X, seed=2**70), ValueError, "seed: 1180591620717411303424"),
    "seed=-1": (lambda m, c: tw.caso(c, X, seed=-1), ValueError, "seed: expected a non-negative integer"),
    "samples=0": (lambda m, c: tw.expected_hessians(m, X, X, samples=0), ValueError, "samples: expected a positive"),
    "max_bytes='a'": (lambda m, c: tw.integrated_hessians(m, X, max_bytes="a"), TypeError, "max_bytes: expected an"),
    "harsanyi chunk=0": (lambda m, c: tw.harsanyi(m, X, chunk_size=0), ValueError, "chunk_size: expected a positive"),
    "diag k='a'": (lambda m, c: tw.hessian_rank_diagnostic(c, X, k="a"), TypeError, "k: expected an integer"),
    "diag k=0": (lambda m, c: tw.hessian_rank_diagnostic(c, X, k=0), ValueError, "k: expected a positive"),
    "diag k=-1": (lambda m, c: tw.hessian_rank_diagnostic(c, X, k=-1), ValueError, "k: expected a positive"),
    "diag lanczos=1": (lambda m, c: tw.hessian_rank_diagnostic(c, X, lanczos_steps=1), ValueError,
                       "lanczos_steps: expected an integer ≥ 2"),
    "caso lanczos=0": (lambda m, c: tw.caso(c, X, lanczos_steps=0), ValueError, "lanczos_steps: expected an integer"),
    "caso lanczos=1": (lambda m, c: tw.caso(c, X, lanczos_steps=1), ValueError, "lanczos_steps: expected an integer"),
    "caso margin=-5": (lambda m, c: tw.caso(c, X, margin=-5), ValueError, "margin: expected a positive"),
    "caso margin=nan": (lambda m, c: tw.caso(c, X, margin=float("nan")), ValueError, "margin: expected a finite"),
    "caso sigma=nan": (lambda m, c: tw.caso(c, X, smooth_samples=2, smooth_sigma=float("nan")), ValueError,
                       "smooth_sigma: expected a finite"),
    "caso tol='a'": (lambda m, c: tw.cafo(c, X, tol="a"), TypeError, "tol: expected a number"),
    "patch=0": (lambda m, c: tw.patch_groups((4,), 0), ValueError, "patch: expected a positive"),
    "patch=-2": (lambda m, c: tw.patch_groups((1, 4, 4), -2), ValueError, "patch: expected a positive"),
    "groups floats": (lambda m, c: tw.harsanyi(m, X, groups=[[0.0, 1.0], [2, 3]]), TypeError,
                      "groups: group 0 holds 0.0"),
    "groups float labels": (lambda m, c: tw.harsanyi(m, X, groups=torch.tensor([0.0, 0, 1, 1])), TypeError,
                            "groups: expected an integer label tensor"),
    "audit tol": (lambda m, c: tw.attribution_audit(m, X, tol=float("nan")), ValueError, "tol: expected a finite"),
    "audit ig_steps": (lambda m, c: tw.attribution_audit(m, X, ig_steps=0), ValueError, "ig_steps: expected a pos"),
    "audit ig_steps big": (lambda m, c: tw.attribution_audit(m, X, ig_steps=10**6), ValueError, "ig_steps: 1000000"),
    "audit occlusion": (lambda m, c: tw.attribution_audit(m, X, occlusion_window=0), ValueError,
                        "occlusion_window: expected a positive"),
    "audit lrp": (lambda m, c: tw.attribution_audit(m, X, lrp_epsilon=-1), ValueError, "lrp_epsilon: expected a pos"),
    "audit methods str": (lambda m, c: tw.attribution_audit(m, X, methods="occlusion_1"), TypeError,
                          "methods: expected a list"),
    "gi aggregate": (lambda m, c: tw.global_interactions(m, X, aggregate="max"), ValueError, "aggregate: expected"),
    "gi top_k": (lambda m, c: tw.global_interactions(m, X, top_k=0), ValueError, "top_k: expected a positive"),
    "gi exhaustive": (lambda m, c: tw.global_interactions(m, X, exhaustive="yes"), TypeError, "exhaustive: expected"),
    "cam shift": (lambda m, c: tw.taylor_cam(c, X, "0", shift="up"), ValueError, "shift: expected one of"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_options_are_refused_by_name(m, clf, case):
    call, err, start = CASES[case]
    with pytest.raises(err, match="^" + start):
        call(m, clf)


def test_numpy_integers_work_where_ints_do(m):
    assert tw.integrated_hessians(m, X, rows=np.int64(1)).values.shape == (2, 1, 4)
    assert tw.integrated_hessians(m, X, rows=np.array([0, 3])).values.shape == (2, 2, 4)
    torch.testing.assert_close(tw.integrated_hessians(m, X, steps=np.int32(8)).values,
                               tw.integrated_hessians(m, X, steps=8).values)
    torch.testing.assert_close(tw.expected_hessians(m, X, X, samples=np.int64(4), seed=np.int64(3)).values,
                               tw.expected_hessians(m, X, X, samples=4, seed=3).values)


def test_taylor_effects_lookups_name_their_arguments(m):
    te = tw.taylor_effects(m, X)
    with pytest.raises(ValueError, match=r"^example: expected an example index in \[0, 2\), got 10"):
        te.feature(0, example=10)
    with pytest.raises(ValueError, match=r"^i: expected a player index"):
        te.feature(7)
    with pytest.raises(ValueError, match=r"^example: "):
        te.top_interactions(example=-1)
