"""InteractionMatrix in real Chromium (pytest-ipywidgets/solara): clicks set Python state, pixels change."""
import numpy as np
from IPython.display import display

import taylor_widgets as tw
from tests.browser._canvas import canvas_stats, stable_box, until, wait_painted, wait_redrawn

EVIL = "<img src=x onerror=alert(1)>"


def matrix(d=6, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(d, d))
    return (a + a.T) / 2


def test_click_on_a_cell_sets_selected_and_redraws(solara_test, page_session):
    w = tw.InteractionMatrix(matrix(), [f"feat{i}" for i in range(6)])
    display(w)
    page = page_session
    before = wait_painted(page)
    assert before["painted"] > 0
    box = stable_box(page)
    # cell (row 4, column 1) of the 6×6 matrix, which fills the canvas; locator.click checks
    # that the canvas itself receives the click (nothing overlays it)
    page.locator('[data-testid="tw-heatmap"]').click(position={"x": box["width"] * 1.5 / 6, "y": box["height"] * 4.5 / 6})
    until(page, lambda: w.selected != -1, what="selected to sync to Python")
    assert w.selected == 4 and sorted(w.selected_pair) == [1, 4]
    page.locator('[data-testid="tw-partner"]').first.wait_for()
    assert "feat4" in page.locator('[data-testid="tw-drill"]').inner_text()
    wait_redrawn(page, before["hash"])  # the selection is drawn on the heatmap


def test_label_click_and_python_side_selection(solara_test, page_session):
    w = tw.InteractionMatrix(matrix(5, seed=1), ["alpha", "beta", "gamma", "delta", "eps"])
    seen = []
    w.observe(lambda c: seen.append(c["new"]), "selected")
    display(w)
    page = page_session
    wait_painted(page)
    page.locator('[data-testid="tw-label-2"]').click()
    until(page, lambda: w.selected == 2, what="label click to select feature 2")
    drill = page.locator('[data-testid="tw-drill"]')
    page.wait_for_function("() => document.querySelector('[data-testid=tw-drill]').innerText.includes('gamma')")
    partners_2 = page.locator('[data-testid="tw-partner"]').all_inner_texts()
    shown = canvas_stats(page)["hash"]
    w.selected = 0  # Python → view
    page.wait_for_function("() => document.querySelector('[data-testid=tw-drill]').innerText.includes('alpha')")
    assert page.locator('[data-testid="tw-partner"]').all_inner_texts() != partners_2
    wait_redrawn(page, shown)
    assert seen[:2] == [2, 0] and "alpha" in drill.inner_text()


def test_feature_names_render_as_text(solara_test, page_session):
    dialogs = []
    page = page_session
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    w = tw.InteractionMatrix(matrix(3), [EVIL, "b", "c"], title=EVIL)
    display(w)
    wait_painted(page)
    page.locator('[data-testid="tw-label-0"]').click()
    until(page, lambda: w.selected == 0, what="selection of the evil label")
    page.locator('[data-testid="tw-partner"]').first.wait_for()
    assert page.locator('img[src="x"]').count() == 0
    assert page.evaluate("() => [...document.querySelectorAll('img')].filter(i => i.getAttribute('src') === 'x').length") == 0
    assert EVIL in page.locator('[data-testid="tw-label-0"]').inner_text()
    assert EVIL in page.locator('[data-testid="tw-drill"]').inner_text()
    assert dialogs == []
