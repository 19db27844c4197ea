"""End-to-end check of the bundles against the real Python widgets in a browser (Solara's
pytest-ipywidgets runs a kernel; Chromium from /usr/bin). Not part of `make test`: run it with
    .venv/bin/python -m pytest js/smoke/e2e_solara_check.py -p no:cacheprovider
after `npm run build`. The browser-test suite proper lives in tests/browser/.
"""
import time

import pytest
import numpy as np
import torch
from IPython.display import display
from playwright.sync_api import expect

from taylor_widgets.widgets.interaction_matrix import InteractionMatrix
from taylor_widgets.widgets.explorer import Explorer


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": ["--no-sandbox"]}


def wait(cond, timeout=20):
    t0 = time.time()
    while time.time() - t0 < timeout:
        if cond():
            return True
        time.sleep(0.05)
    raise AssertionError("condition not met")


def test_matrix(solara_test, page_session):
    rng = np.random.RandomState(0)
    m = rng.randn(2, 6, 6).astype("float32")
    m = m + m.transpose(0, 2, 1)
    names = ['<img src=x onerror="window.__pwned=1">'] + [f"f{i}" for i in range(1, 6)]
    w = InteractionMatrix(m, feature_names=names, title="e2e",
                          higher_order=[{"members": [0, 2, 4], "score": 0.7}])
    display(w)
    page = page_session
    page.locator('[data-testid="tw-heatmap"]').wait_for()
    expect(page.locator('[data-testid="tw-label-0"]')).to_have_text(names[0])
    page.locator('[data-testid="tw-label-2"]').click()
    wait(lambda: w.selected == 2)
    expect(page.locator('[data-testid="tw-partner"]')).to_have_count(5)
    # cell click on the canvas
    box = page.locator('[data-testid="tw-heatmap"]').bounding_box()
    page.mouse.click(box["x"] + box["width"] * (4.5 / 6), box["y"] + box["height"] * (0.5 / 6))
    wait(lambda: w.selected_pair == [0, 4])
    assert w.selected == 0
    page.get_by_text("{<img").click()  # highlight the set
    page.locator('[data-testid="tw-heatmap"]').focus()
    page.keyboard.press("ArrowDown")
    wait(lambda: w.selected_pair == [1, 4])
    page.keyboard.press("Escape")
    wait(lambda: w.selected == -1 and w.selected_pair == [])
    page.locator('[data-testid="tw-sample"]').select_option("1")
    wait(lambda: w.sample == 1)
    page.locator('[data-testid="tw-order"]').select_option("cluster")
    wait(lambda: w.order == "cluster")
    page.locator('[data-testid="tw-topn"]').fill("3")
    page.locator('[data-testid="tw-topn"]').press("Enter")
    wait(lambda: w.top_n == 3)
    expect(page.locator(".tw-rowlabel")).to_have_count(3)
    w.top_n = 0  # Python → JS
    expect(page.locator(".tw-rowlabel")).to_have_count(6)
    w.selected = 5
    expect(page.locator('[data-testid="tw-drill"] h4')).to_have_text("f5")
    assert page.evaluate("window.__pwned") is None
    page.screenshot(path="/tmp/tw_e2e_matrix.png")


def test_explorer(solara_test, page_session):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1)).double()
    x = torch.randn(1, 4, dtype=torch.float64)
    data = torch.randn(30, 4, dtype=torch.float64)
    w = Explorer(model, x, data=data, feature_names=["a", "b", "c", "d"], sweep_features=2, sweep_points=5)
    display(w)
    page = page_session
    page.locator('[data-testid="tw-baseline-input-1"]').wait_for()
    before = np.array(w.matrix).copy()
    inp = page.locator('[data-testid="tw-baseline-input-1"]')
    inp.fill("0.75")
    inp.press("Enter")
    wait(lambda: abs(float(np.asarray(w.baseline)[1]) - 0.75) < 1e-6)
    assert w.baseline_kind == "custom"
    wait(lambda: not np.allclose(np.asarray(w.matrix), before), timeout=60)
    wait(lambda: w.status["state"] == "idle")
    expect(page.locator('[data-testid="tw-status"]')).to_have_text("")
    page.locator('[data-testid="tw-baseline-kind"]').select_option("mean")
    wait(lambda: w.baseline_kind == "mean")
    wait(lambda: np.allclose(np.asarray(w.baseline), data.mean(0).numpy(), atol=1e-5), timeout=60)
    mean0 = float(np.float32(data.mean(0)[0]))
    wait(lambda: abs(float(page.locator('[data-testid="tw-baseline-input-0"]').input_value()) - mean0) < 1e-4)
    page.locator('[data-testid="tw-label-0"]').click()
    wait(lambda: w.selected == 0)
    page.screenshot(path="/tmp/tw_e2e_explorer.png")
