"""Property-based tests (hypothesis) over the public core API.

1. Random shapes, dtypes, containers and option values give a result, or a ValueError/TypeError
   whose message starts with the name of an argument; never another exception type.
2. Random smooth models (small random MLPs with tanh/softplus) keep completeness, symmetry and
   row sums equal to IG within the documented tolerances, or warn.
Runs are short and derandomized so the suite stays fast and reproducible.
"""
import inspect
import math
import re
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch import nn

import taylor_widgets as tw

FAST = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

D = 3
torch.manual_seed(0)
MLP = nn.Sequential(nn.Linear(D, 5), nn.Tanh(), nn.Linear(5, 1)).double().eval()
CLF = nn.Sequential(nn.Linear(D, 5), nn.Softplus(), nn.Linear(5, 3)).double().eval()
MODELS = {"mlp": MLP, "clf": CLF, "callable": lambda x: (x[:, 0] * x[:, -1]).reshape(-1, 1),
          "module_free": nn.Tanh()}

DTYPES = [torch.float32, torch.float64, torch.int64, torch.bool, torch.complex64, torch.bfloat16]

# option values: sensible ones (drawn twice as often), then edge values and wrong types for every option
ODD = [None, True, "a", "16", float("nan"), float("inf"), -1, 0, 2.5, np.int64(2), np.float64(0.5), [1, 2], 2**70]
GOOD = {
    "steps": [None, 1, 3, np.int64(4), 10**7],
    "tol": [1e-5, 1e-3],
    "chunk_size": [None, 1, 7],
    "seed": [None, 0, 7, [1, 2]],
    "samples": [1, 4],
    "rows": [None, 0, [0, 2], np.int64(1), [5], [-1]],
    "max_bytes": [None, 10**9, 16],
    "feature_names": [None, ["a", "b", "c"], "abc", [None] * 3, ["a", 1, "c"], ["a"]],
    "target": [None, 0, 1, 2, 3, -1, np.int64(1), torch.tensor([0]), lambda out: out[:, 0], "cat"],
    "baseline": [None, 0.0, 1, float("nan"), torch.zeros(D), torch.zeros(2), np.zeros(D), "b"],
    "order": [2, 3, 4, 1],
    "top_k": [1, 5],
    "aggregate": ["mean_abs", "mean_square", "representative", "max"],
    "groups": [None, [[0, 1], [2]], [[0.0], [1, 2]], torch.tensor([0, 0, 1]), [[0], [0, 1, 2]]],
    "lambda1": [None, 0.1, -1.0],
    "margin": [0.1, 1],
    "lanczos_steps": [2, 5],
    "k": [1, 4],
    "smooth_samples": [0, 2],
    "smooth_sigma": [0.1, 0.0],
    "max_iter": [3],
    "ig_steps": [4, 16],
    "occlusion_window": [None, 1, 2],
    "lrp_epsilon": [1e-6],
}


def option(name):
    return st.one_of(st.sampled_from(GOOD[name]), st.sampled_from(GOOD[name]), st.sampled_from(ODD))


CALLS = {
    "integrated_gradients": (tw.integrated_gradients, ["baseline", "target", "steps", "tol", "chunk_size",
                                                       "feature_names"]),
    "integrated_hessians": (tw.integrated_hessians, ["baseline", "target", "steps", "rows", "tol", "chunk_size",
                                                     "max_bytes", "feature_names"]),
    "expected_gradients": (tw.expected_gradients, ["target", "samples", "seed", "chunk_size", "feature_names"]),
    "expected_hessians": (tw.expected_hessians, ["target", "samples", "seed", "rows", "chunk_size", "max_bytes"]),
    "cross_derivatives": (tw.cross_derivatives, ["order", "target", "chunk_size", "feature_names", "max_bytes"]),
    "global_interactions": (tw.global_interactions, ["order", "aggregate", "top_k", "target", "seed", "chunk_size"]),
    "harsanyi": (tw.harsanyi, ["baseline", "groups", "target", "feature_names", "chunk_size"]),
    "taylor_effects": (tw.taylor_effects, ["baseline", "groups", "target"]),
    "attribution_audit": (tw.attribution_audit, ["baseline", "groups", "target", "tol", "ig_steps",
                                                 "occlusion_window", "lrp_epsilon"]),
    "caso": (tw.caso, ["target", "lambda1", "tol", "max_iter", "smooth_samples", "smooth_sigma", "seed", "margin",
                       "lanczos_steps"]),
    "hessian_rank_diagnostic": (tw.hessian_rank_diagnostic, ["target", "lanczos_steps", "k"]),
}
NEEDS_DATA = {"expected_gradients", "expected_hessians"}
NAMED = re.compile(r"^([a-z_0-9]+): ")


@st.composite
def tensors(draw):
    """Inputs of random shape, dtype and container (tensor, numpy, pandas), sometimes non-finite;
    half of them a plain valid (2, D) batch, so that the options behind the input are reached too."""
    if draw(st.booleans()):
        shape, dtype, bad, kind = (2, D), torch.float64, False, draw(st.sampled_from(["tensor", "numpy", "pandas"]))
    else:
        shape = draw(st.sampled_from([(2, D), (1, D), (3, D), (0, D), (2, 0), (D,), (2, D, 1), (2, 4), ()]))
        dtype, bad = draw(st.sampled_from(DTYPES)), draw(st.booleans())
        kind = draw(st.sampled_from(["tensor", "tensor", "numpy", "pandas", "list"]))
    g = torch.Generator().manual_seed(draw(st.integers(0, 100)))
    t = torch.randn(shape, generator=g, dtype=torch.float64)
    if bad and t.numel():
        t.view(-1)[0] = draw(st.sampled_from([float("nan"), float("inf"), 1e300]))
    t = t.to(dtype)
    if kind == "numpy" and dtype != torch.bfloat16:
        return t.numpy()
    if kind == "pandas" and t.dim() == 2 and dtype != torch.bfloat16:
        return pd.DataFrame(t.numpy(), columns=[f"c{i}" for i in range(t.shape[1])])
    if kind == "list":
        return t.tolist()
    return t


@FAST
@given(call=st.sampled_from(sorted(CALLS)), model=st.sampled_from(sorted(MODELS)), x=tensors(), data=st.data())
def test_any_input_gives_a_result_or_a_named_error(call, model, x, data):
    fn, options = CALLS[call]
    kwargs = {name: data.draw(option(name), label=name) for name in options
              if data.draw(st.integers(0, 2), label=f"set {name}") == 0}  # each option set a third of the time
    if call == "attribution_audit":
        kwargs["methods"] = ["occlusion_1", "shapley_value", "integrated_gradients"]
    if call == "caso":
        kwargs.setdefault("max_iter", 3)
    args = (MODELS[model], x, data.draw(tensors(), label="data")) if call in NEEDS_DATA else (MODELS[model], x)
    allowed = set(inspect.signature(fn).parameters) | {"model", "x", "data", "background", "groups (set size)"}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn(*args, **kwargs)
    except (ValueError, TypeError) as e:
        m = NAMED.match(str(e))
        assert m is not None, f"{type(e).__name__} without an argument name: {e}"
        assert m.group(1) in allowed or m.group(1) == "steps" and call == "attribution_audit", str(e)


# --- axioms on random smooth models ---------------------------------------------------------------


@st.composite
def smooth_models(draw):
    d, hidden = draw(st.integers(2, 5)), draw(st.integers(2, 8))
    act = draw(st.sampled_from(["tanh", "softplus"]))
    torch.manual_seed(draw(st.integers(0, 10_000)))
    layer = nn.Tanh() if act == "tanh" else nn.Softplus(beta=draw(st.sampled_from([1.0, 3.0])))
    model = nn.Sequential(nn.Linear(d, hidden), layer, nn.Linear(hidden, 1)).double().eval()
    scale = draw(st.sampled_from([0.1, 1.0, 3.0]))
    g = torch.Generator().manual_seed(draw(st.integers(0, 10_000)))
    x = scale * torch.randn(draw(st.integers(1, 3)), d, generator=g, dtype=torch.float64)
    baseline = None if draw(st.booleans()) else scale * torch.randn(d, generator=g, dtype=torch.float64)
    return model, x, baseline


@FAST
@given(case=smooth_models())
def test_random_smooth_models_keep_the_axioms_or_warn(case):
    model, x, baseline = case
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ih = tw.integrated_hessians(model, x, baseline=baseline)
        ig = tw.integrated_gradients(model, x, baseline=baseline)
    warned = {str(w.message).split(":")[0] for w in caught if issubclass(w.category, RuntimeWarning)}
    gap = (ih.output - ih.baseline_output).abs()
    eps = torch.finfo(torch.float64).eps
    floor = 64 * eps * (1 + gap)  # the documented round-off floor of the adaptive rule
    # completeness within tol relative to |f(x) − f(x')| (the documented default tol=1e-5), or a warning
    if "integrated_hessians" not in warned:
        assert (ih.completeness_error.abs() <= 1e-5 * gap + floor).all()
    if "integrated_gradients" not in warned:
        assert (ig.completeness_error.abs() <= 1e-5 * gap + floor).all()
    # symmetry: Γ is a symmetric matrix up to round-off
    G = ih.values
    scale = G.abs().amax((1, 2), keepdim=True).clamp_min(torch.finfo(G.dtype).tiny)
    assert ((G - G.transpose(1, 2)).abs() / scale).max() < 1e-10
    # row sums are IG: both rules integrate the same gradient, each to its own tolerance
    if not warned:
        both = ig.values.abs().sum(-1, keepdim=True) + ih.attributions.abs().sum(-1, keepdim=True)
        assert ((ih.attributions - ig.values).abs() <= 1e-4 * both + 1e-12).all()


@settings(max_examples=25, deadline=None, derandomize=True)
@given(case=smooth_models(), rows=st.lists(st.integers(0, 1), min_size=1, max_size=2, unique=True))
def test_rows_are_the_rows_of_the_full_matrix(case, rows):
    model, x, baseline = case
    full = tw.integrated_hessians(model, x, baseline=baseline, steps=16)
    part = tw.integrated_hessians(model, x, baseline=baseline, steps=16, rows=rows)
    torch.testing.assert_close(part.values, full.values[:, rows], rtol=1e-9, atol=1e-12)
    torch.testing.assert_close(part.completeness_error, full.completeness_error, rtol=1e-8, atol=1e-12)
    assert math.isfinite(float(part.completeness_error.abs().max()))
