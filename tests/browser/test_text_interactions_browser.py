"""TextInteractions in real Chromium with real clicks: a token result of IH from ids, a hostile
token shown as text, a click that selects a token in Python and recolours the others by its row
of Γ (pixels read back from the canvas), the arcs, keyboard navigation and the sentence picker."""
import numpy as np
import pytest
import torch
from IPython.display import display

import taylor_widgets as tw
from taylor_widgets.widgets.snapshots import colors
from tests.browser._canvas import until

HOSTILE = "<img src=x onerror=\"window.__pwned='token'\">"
CANVAS = '[data-testid="tw-text-canvas"]'


def token_pixel(page, i):
    """RGB of the canvas 3 px inside token i's top-left corner (clear of its text)."""
    return page.evaluate("""(i) => { const t = document.querySelector(`[data-testid="tw-token-${i}"]`);
      const c = document.querySelector('[data-testid="tw-text-canvas"]'), s = c.width / c.clientWidth;
      const x = Math.round((parseFloat(t.style.left) + 3) * s), y = Math.round((parseFloat(t.style.top) + 3) * s);
      const d = c.getContext('2d').getImageData(x, y, 1, 1).data; return [d[0], d[1], d[2]]; }""", i)


def close(got, want, tol=3):
    return np.abs(np.subtract(got, want, dtype=float)).max() <= tol


@pytest.fixture(scope="module")
def result():
    torch.manual_seed(0)
    model = tw.tiny_text_transformer(vocab=12, max_len=8, seed=0, dim=16, layers=1, heads=2, hidden=16).double()
    ids = torch.tensor([[3, 4, 5, 6, 7], [8, 9, 10, 0, 0]])
    return tw.integrated_hessians(model, ids, target=1, baseline=0, embedding=model.embedding,
                                  forward_kwargs={"padding_mask": ids == 0})


def test_click_selects_a_token_and_recolours_the_sentence_by_its_interactions(solara_test, page_session, result):
    tokens = [[HOSTILE, "is", "not", "very", "good"], ["never", "so", "bad"]]
    w = tw.TextInteractions(result, tokens, title="tiny transformer", top_k=2)
    display(w)
    page = page_session
    page.wait_for_selector('[data-testid="tw-token-4"]', timeout=20_000)
    # the hostile token is text, nothing ran
    assert page.locator('[data-testid="tw-token-0"]').inner_text() == HOSTILE
    assert page.locator(".tw-root img").count() == 0
    assert page.evaluate("() => window.__pwned") is None
    # by attribution: each token's box in the view's colour of φ_i
    phi = w.attributions[0].astype(np.float64)
    want = colors.diverging_rgb(phi, float(np.abs(phi).max()))
    until(page, lambda: close(token_pixel(page, 0), want[0]), what="the attribution colours")
    for i in range(5):
        assert close(token_pixel(page, i), want[i]), (i, token_pixel(page, i), want[i])
    assert page.locator('[data-testid="tw-legend"]').get_attribute("data-quantity") == "attribution"
    assert page.locator('[data-testid="tw-text"]').get_attribute("data-pairs") == ",".join(
        f"{i}-{j}" for i, j, _ in w.top_pairs())

    # a real click on "not": Python's `selected`, then every other token in the colour of Γ_2j
    page.locator('[data-testid="tw-token-2"]').click()
    until(page, lambda: w.selected == 2, what="the click reaching Python")
    row = w.interactions[0, 2].astype(np.float64)
    want = colors.diverging_rgb(row, float(np.abs(np.delete(row, 2)).max()))
    page.mouse.move(0, 0)  # hover previews; leave the tokens so the selection colours them
    until(page, lambda: close(token_pixel(page, 0), want[0]), what="the interaction colours")
    for j in (0, 1, 3, 4):
        assert close(token_pixel(page, j), want[j]), (j, token_pixel(page, j), want[j])
    assert close(token_pixel(page, 2), colors.HIDDEN_RGB, 1)  # the selected token: neutral, outlined
    legend = page.locator('[data-testid="tw-legend"]')
    assert legend.get_attribute("data-quantity") == "interaction" and "“not”" in legend.inner_text()

    # keyboard: arrows move the selection, Escape clears it
    page.keyboard.press("ArrowRight")
    until(page, lambda: w.selected == 3, what="ArrowRight")
    page.keyboard.press("Escape")
    until(page, lambda: w.selected == -1, what="Escape")

    # Python → view: another sentence; its padding is not drawn
    w.sentence = 1
    page.wait_for_function("() => !document.querySelector('[data-testid=\"tw-token-3\"]')")
    assert page.locator('[data-testid="tw-token-2"]').inner_text() == "bad"
    # view → Python: the picker
    page.locator('[data-testid="tw-sample"]').select_option("0")
    until(page, lambda: w.sentence == 0, what="the sentence picker")
