"""End to end: the bundles against the real Python widgets, one long walk through each of the
matrix and the Explorer (clicks, keys, selects, Python → view), with an XSS probe in the names."""
import numpy as np
import torch
from IPython.display import display
from playwright.sync_api import expect

from taylor_widgets import Explorer, InteractionMatrix
from tests.browser._canvas import until


def wait(page, cond, timeout=20):
    until(page, cond, timeout=timeout * 1000)


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
    wait(page, lambda: w.selected == 2)
    expect(page.locator('[data-testid="tw-partner"]')).to_have_count(5)
    # cell click on the canvas
    box = page.locator('[data-testid="tw-heatmap"]').bounding_box()
    page.mouse.click(box["x"] + box["width"] * (4.5 / 6), box["y"] + box["height"] * (0.5 / 6))
    wait(page, lambda: w.selected_pair == [0, 4])
    assert w.selected == 0
    page.get_by_text("{<img").click()  # highlight the set
    page.locator('[data-testid="tw-heatmap"]').focus()
    page.keyboard.press("ArrowDown")
    wait(page, lambda: w.selected_pair == [1, 4])
    page.keyboard.press("Escape")
    wait(page, lambda: w.selected == -1 and w.selected_pair == [])
    page.locator('[data-testid="tw-sample"]').select_option("1")
    wait(page, lambda: w.sample == 1)
    page.locator('[data-testid="tw-order"]').select_option("cluster")
    wait(page, lambda: w.order == "cluster")
    page.locator('[data-testid="tw-topn"]').fill("3")
    page.locator('[data-testid="tw-topn"]').press("Enter")
    wait(page, lambda: w.top_n == 3)
    expect(page.locator(".tw-rowlabel")).to_have_count(3)
    w.top_n = 0  # Python → JS
    expect(page.locator(".tw-rowlabel")).to_have_count(6)
    w.selected = 5
    expect(page.locator('[data-testid="tw-drill"] h4')).to_have_text("f5")
    assert page.evaluate("window.__pwned") is None


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
    wait(page, lambda: abs(float(np.asarray(w.baseline)[1]) - 0.75) < 1e-6)
    assert w.baseline_kind == "custom"
    wait(page, lambda: not np.allclose(np.asarray(w.matrix), before), timeout=60)
    wait(page, lambda: w.status["state"] == "idle")
    expect(page.locator('[data-testid="tw-status"]')).to_have_text("")
    page.locator('[data-testid="tw-baseline-kind"]').select_option("mean")
    wait(page, lambda: w.baseline_kind == "mean")
    wait(page, lambda: np.allclose(np.asarray(w.baseline), data.mean(0).numpy(), atol=1e-5), timeout=60)
    mean0 = float(np.float32(data.mean(0)[0]))
    wait(page, lambda: abs(float(page.locator('[data-testid="tw-baseline-input-0"]').input_value()) - mean0) < 1e-4)
    page.locator('[data-testid="tw-label-0"]').click()
    wait(page, lambda: w.selected == 0)
