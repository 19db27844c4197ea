"""Global over data and higher-order sets in real Chromium: toggle the view, click a pair, then a
listed triplet; the state reaches Python and the outline reaches the pixels.

Also writes docs/global_view.png (global view, a pair and its triplet) when it is missing or
TW_UPDATE_SCREENSHOT=1.
"""
import os
from pathlib import Path

import torch
from IPython.display import display

import taylor_widgets as tw
from tests.browser._canvas import stable_box, until, wait_painted, wait_redrawn

NAMES = ["alpha", "beta", "gamma", "delta", "eps"]
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "global_view.png"


def poly(x):
    return (x[:, 0] * x[:, 1] * x[:, 2] + x[:, 3] * x[:, 4])[:, None]


def test_toggle_global_click_a_pair_then_a_triplet(solara_test, page_session):
    X = torch.randn(32, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    gi = tw.global_interactions(poly, X, order=3, top_k=5)
    w = tw.InteractionMatrix(tw.cross_derivatives(poly, X[:4]), NAMES, higher_order=gi)
    display(w)
    page = page_session
    sample_view = wait_painted(page)
    page.locator('[data-testid="tw-view"]').select_option("global")
    until(page, lambda: w.view == "global", what="the view toggle to sync to Python")
    global_view = wait_redrawn(page, sample_view["hash"])
    page.wait_for_function("() => document.querySelector('.tw-title').innerText.includes('over 4 samples')")
    assert page.locator('[data-testid="tw-heatmap"]').get_attribute("data-view") == "global"
    assert not page.locator('[data-testid="tw-sample"]').is_visible()

    box = stable_box(page)  # cell (row 0, column 1): the pair alpha × beta
    page.locator('[data-testid="tw-heatmap"]').click(position={"x": box["width"] * 1.5 / 5, "y": box["height"] * 0.5 / 5})
    until(page, lambda: w.selected_pair == [0, 1], what="the cell click to select a pair")
    triplet = page.locator('[data-testid="tw-set"]').first
    triplet.wait_for()
    assert triplet.inner_text().startswith("{alpha, beta, gamma}")
    picked = wait_redrawn(page, global_view["hash"])  # the pair's outline

    triplet.click()
    until(page, lambda: w.highlighted_set == [0, 1, 2], what="the triplet click to highlight its members")
    page.wait_for_function("() => document.querySelector('[data-testid=tw-heatmap]').dataset.highlight === '0,1,2'")
    assert triplet.get_attribute("aria-pressed") == "true"
    wait_redrawn(page, picked["hash"])  # the members' bands are drawn
    assert w.view == "global" and w.selected == 0
    if not SCREENSHOT.exists() or os.environ.get("TW_UPDATE_SCREENSHOT") == "1":
        page.locator(".tw-root").first.screenshot(path=str(SCREENSHOT), animations="disabled")
        assert SCREENSHOT.stat().st_size < 300_000
