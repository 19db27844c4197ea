"""Explorer in real Chromium: drill-down, a baseline edit that goes through the kernel, set_kind.

Also writes docs/screenshot.png (Explorer with a feature drilled into) when it is missing or
TW_UPDATE_SCREENSHOT=1.
"""
import os
from pathlib import Path

import numpy as np
import pytest
import torch
from IPython.display import display

import taylor_widgets as tw
from tests.browser._canvas import canvas_stats, until, wait_painted, wait_redrawn
from tests.conftest import smooth_mlp

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshot.png"
NAMES = ["age", "bmi", "blood pressure", "glucose", "insulin", "cholesterol", "smoker", "activity"]


@pytest.fixture
def explorer():
    torch.manual_seed(0)
    model = smooth_mlp(8, hidden=16, seed=4, beta=2.0)
    data = torch.randn(120, 8, dtype=torch.float64)
    x = data[:1] + 1.0
    return tw.Explorer(model, x, data=data, feature_names=NAMES, title="Diabetes risk model",
                       sweep_features=4, sweep_points=10)


def test_drill_down_and_baseline_edit_round_trip(solara_test, page_session, explorer):
    w, page = explorer, page_session
    display(w)
    first = wait_painted(page)
    top = w.sweep_features[0]
    page.locator(f'[data-testid="tw-label-{top}"]').click()
    until(page, lambda: w.selected == top, what="label click")
    page.locator('[data-testid="tw-partner"]').first.wait_for()
    assert NAMES[top] in page.locator('[data-testid="tw-drill"]').inner_text()
    drilled = wait_redrawn(page, first["hash"])

    if not SCREENSHOT.exists() or os.environ.get("TW_UPDATE_SCREENSHOT") == "1":
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.locator(".tw-root").first.screenshot(path=str(SCREENSHOT), animations="disabled")
        assert SCREENSHOT.stat().st_size < 300_000

    matrix_before = w.matrix.copy()
    field = page.locator(f'[data-testid="tw-baseline-input-{top}"]')
    field.fill("1.5")
    field.press("Enter")
    field.blur()
    until(page, lambda: w.baseline_kind == "custom" and abs(float(w.baseline[top]) - 1.5) < 1e-6, what="baseline sync")
    until(page, lambda: w.status["state"] == "idle" and not np.array_equal(w.matrix, matrix_before), what="recompute")
    assert np.isclose(w.baselines[0, top], 1.5)
    direct = tw.integrated_hessians(w._setting.model, w._setting.x, baseline=torch.from_numpy(w.baseline.copy()).double())
    np.testing.assert_array_equal(w.matrix, direct.values.numpy().astype(np.float32))
    wait_redrawn(page, drilled["hash"])
    assert w.selected == top  # the drill-down survives the recompute


def test_baseline_kind_select_calls_set_kind(solara_test, page_session, explorer):
    w, page = explorer, page_session
    display(w)
    wait_painted(page)
    page.locator('[data-testid="tw-baseline-kind"]').select_option("mean")
    until(page, lambda: w.baseline_kind == "mean" and w.status["state"] == "idle"
          and np.allclose(w.baseline, w._setting.data.mean(0).numpy(), atol=1e-6), what="set_kind mean")
    page.wait_for_function(
        "(v) => Math.abs(Number(document.querySelector('[data-testid=tw-baseline-input-0]').value) - v) < 1e-4",
        arg=float(w.baseline[0]),
    )
    assert "error" not in (page.locator('[data-testid="tw-status"]').get_attribute("data-state") or "")


def test_a_failing_recompute_keeps_the_previous_baseline_and_says_why(solara_test, page_session):
    torch.manual_seed(0)
    base, broken = smooth_mlp(4, hidden=8, seed=1), {"on": False}

    def model(z):
        if broken["on"]:
            raise RuntimeError("model exploded")
        return base(z)

    data = torch.randn(30, 4, dtype=torch.float64)
    w = tw.Explorer(model, data[:1] + 0.5, data=data, sweep_features=1, sweep_points=3)
    display(w)
    page = page_session
    wait_painted(page)
    baseline, matrix = w.baseline.copy(), w.matrix.copy()
    broken["on"] = True
    field = page.locator('[data-testid="tw-baseline-input-0"]')
    field.fill("1.25")
    field.press("Enter")
    field.blur()
    page.wait_for_function("() => document.querySelector('[data-testid=tw-status]').dataset.state === 'error'"
                           " && document.querySelector('[data-testid=tw-status]').innerText.includes('model exploded')")
    until(page, lambda: w.status["state"] == "error", what="the error in the status trait")
    np.testing.assert_array_equal(w.baseline, baseline)  # nothing changed in Python …
    np.testing.assert_array_equal(w.matrix, matrix)
    assert w.baseline_kind == "zeros"
    page.wait_for_function(  # … and the view shows Python's baseline again
        "(v) => Math.abs(Number(document.querySelector('[data-testid=tw-baseline-input-0]').value) - v) < 1e-6",
        arg=float(baseline[0]))
