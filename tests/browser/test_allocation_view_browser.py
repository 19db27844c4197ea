"""AllocationView in real Chromium (pytest-ipywidgets/solara): clicks set Python state, the matrix is drawn."""
import pytest
import torch
from IPython.display import display

import taylor_widgets as tw
from tests.browser._canvas import until
from tests.core.test_audit import Poly

XP = torch.tensor([[1.5, -2.0, 0.5, 3.0]], dtype=torch.float64)
NAMES = ["x0", "x1", "<img src=x onerror=alert(1)>", "x3"]

# Non-background pixels of a canvas, counted in the page.
PAINTED = """(sel) => { const c = document.querySelector(sel); if (!c || !c.width || !c.height) return 0;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
  for (let k = 0; k < d.length; k += 4) if (d[k + 3] && (d[k] !== 255 || d[k + 1] !== 255 || d[k + 2] !== 255)) n++;
  return n; }"""


@pytest.fixture(scope="module")
def audit():
    return tw.attribution_audit(Poly(), XP, None, methods=["gradient_x_input", "occlusion_1", "shapley_value"], ig_steps=8)


def test_method_click_shows_its_matrix_and_sets_method(solara_test, page_session, audit):
    w = tw.AllocationView(audit, NAMES)
    display(w)
    page = page_session
    page.locator('[data-testid="tw-alloc-row-occlusion_1"]').wait_for()
    assert page.evaluate(PAINTED, ".tw-alloc-canvas") > 0  # the bars are drawn
    assert page.locator('[data-testid="tw-alloc-marks"]').count() == 3
    page.locator('[data-testid="tw-alloc-row-occlusion_1"]').click()
    until(page, lambda: w.method == "occlusion_1", what="method to sync to Python")
    page.wait_for_function(f"() => ({PAINTED})('[data-testid=tw-alloc-matrix]') > 0")
    assert "occlusion_1" in page.locator('[data-testid="tw-alloc-matrix-panel"]').inner_text()
    w.method = ""  # Python → view: the matrix panel closes
    page.locator('[data-testid="tw-alloc-matrix-panel"]').wait_for(state="hidden")


def test_feature_click_lists_its_interactions(solara_test, page_session, audit):
    dialogs = []
    page = page_session
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    w = tw.AllocationView(audit, NAMES, method="shapley_value")
    display(w)
    page.locator('[data-testid="tw-alloc-feature-0"]').click()
    until(page, lambda: w.feature == 0, what="feature to sync to Python")
    page.locator('[data-testid="tw-alloc-effect"]').first.wait_for()
    rows = page.locator('[data-testid="tw-alloc-effect"]').all_inner_texts()
    # x0 is in {x0}, {x0, x1}, {x0, x1, x2}: Shapley gives it 1, 1/2 and 1/3 of each
    assert any("{x0, x1}" in r and "0.5" in r for r in rows)
    assert any(NAMES[2] in r and "0.333" in r for r in rows)
    assert page.evaluate("() => [...document.querySelectorAll('img')].filter(i => i.getAttribute('src') === 'x').length") == 0
    assert dialogs == []
