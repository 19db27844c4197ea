"""Where the estimands agree, we match path_explain's torch explainer on its own grid."""
import sys
from pathlib import Path

import pytest
import torch

import taylor_widgets as tw
from _models import smooth_mlp

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks._anchors import path_explainer_torch  # noqa: E402

PathExplainerTorch = path_explainer_torch()


@pytest.fixture
def setup():
    model = smooth_mlp(6, seed=3).float()
    g = torch.Generator().manual_seed(0)
    x = torch.randn(4, 6, generator=g)
    b = torch.randn(1, 6, generator=g)
    return model, x, b


def test_integrated_gradients_match_on_the_uniform_grid(setup):
    model, x, b = setup
    ref = PathExplainerTorch(model).attributions(
        x.clone().requires_grad_(True), b, num_samples=50, use_expectation=False, output_indices=None
    )
    ours = tw.integrated_gradients(model, x, baseline=b[0], steps=50, rule="uniform").values
    torch.testing.assert_close(ours, ref.detach(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("num_samples", [16, 100])
def test_integrated_hessians_match_on_the_uniform_grid(setup, num_samples):
    model, x, b = setup
    ref = PathExplainerTorch(model).interactions(
        x.clone().requires_grad_(True), b, num_samples=num_samples, use_expectation=False,
        output_indices=None, verbose=False,
    )
    n = round(num_samples**0.5)
    ours = tw.integrated_hessians(model, x, baseline=b[0], steps=n, rule="uniform").values
    torch.testing.assert_close(ours, ref.detach(), rtol=1e-5, atol=1e-6)


def test_one_row_matches_interaction_index(setup):
    model, x, b = setup
    ref = PathExplainerTorch(model).interactions(
        x.clone().requires_grad_(True), b, num_samples=25, use_expectation=False,
        output_indices=None, interaction_index=2, verbose=False,
    )
    ours = tw.integrated_hessians(model, x, baseline=b[0], steps=5, rule="uniform", rows=[2]).values[:, 0]
    torch.testing.assert_close(ours, ref.detach(), rtol=1e-5, atol=1e-6)


def test_the_default_rule_is_more_accurate_than_path_explains_400_samples(setup):
    model, x, b = setup
    model = model.double()
    x, b = x.double(), b.double()
    ref = PathExplainerTorch(model).interactions(
        x.clone().requires_grad_(True), b, num_samples=400, use_expectation=False, output_indices=None,
        verbose=False,
    ).detach().double()
    gap = (model(x) - model(b)).reshape(-1)
    ref_err = (ref.sum((1, 2)) - gap).abs()
    ours = tw.integrated_hessians(model, x, baseline=b[0])
    assert torch.all(ours.completeness_error.abs() < ref_err)
