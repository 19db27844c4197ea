"""DatasetExplorer in real Chromium over a store of 100,000 examples: with a kernel (sort, page,
open an example that only the store holds) and without one (an HTML export keeps the first K)."""
import numpy as np
import pytest
from IPython.display import display

import taylor_widgets as tw
from tests.browser._canvas import until, wait_painted, wait_redrawn

ROW = '[data-testid="tw-dataset-row"]'


def first_row(page) -> int:
    return int(page.locator(ROW).first.get_attribute("data-example"))


def test_sort_page_and_open_an_example_fetched_from_the_store(solara_test, page_session, store_100k):
    w, page = tw.DatasetExplorer(store_100k, page_size=10), page_session
    display(w)
    first = wait_painted(page)  # the global matrix
    page.wait_for_function("() => document.querySelector('[data-testid=tw-dataset-note]')?.dataset.kernel === 'live'")
    assert page.locator('[data-testid="tw-dataset-page-info"]').inner_text() == "rows 1–10 of 100000"

    page.locator('[data-testid="tw-dataset-sort-abs_value"]').click()
    until(page, lambda: (w.sort_by, w.descending) == ("abs_value", True), what="sort commit")
    value = store_100k._st.group["strongest_value"][:]
    strongest = int(np.argmax(np.abs(value)))
    page.wait_for_function(f"() => document.querySelector('{ROW}')?.dataset.example === '{strongest}'")

    page.locator('[data-testid="tw-dataset-next"]').click()
    until(page, lambda: w.page == 1, what="next page")
    page.wait_for_function("() => /rows 11–20 of 100000/.test(document.querySelector('[data-testid=tw-dataset-page-info]').innerText)")
    target = first_row(page)
    assert target not in w.kept  # only the store holds it: the view must fetch it
    page.locator(ROW).first.click()
    until(page, lambda: (w.example, w.view) == (target, "sample"), what="row click")
    page.wait_for_function(f"() => document.querySelector('.tw-title').textContent.includes('example {target}')")
    wait_redrawn(page, first["hash"])
    assert page.locator(ROW).first.get_attribute("aria-selected") == "true"
    # the drill-down shows the fetched example's input value of the clicked feature
    page.locator('[data-testid="tw-label-1"]').click()
    until(page, lambda: w.selected == 1, what="label click")
    drill = page.locator('[data-testid="tw-drill"]').inner_text()
    shown = f"{float(store_100k.example(target)['inputs'][1]):.4g}".replace("-", "−")  # the view's number format
    assert f"input{shown}" in drill.replace(" ", "").replace("\n", "") or shown in drill
    assert page.locator('[data-testid="tw-status"]').get_attribute("data-state") != "error"


@pytest.fixture
def offline_page(context_session):
    page = context_session.new_page()
    blocked = []
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else (blocked.append(r.request.url), r.abort()))
    yield page, blocked
    page.close()


def test_export_keeps_the_first_k_and_says_the_rest_needs_a_kernel(offline_page, tmp_path, store_100k):
    page, blocked = offline_page
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    w = tw.DatasetExplorer(store_100k, keep=5)
    path = tw.export_html(w, tmp_path / "dataset.html")
    assert path.stat().st_size < 1_000_000
    page.goto(path.as_uri())
    first = wait_painted(page)
    page.wait_for_function("() => document.querySelector('[data-testid=tw-dataset-note]')?.dataset.kernel === 'absent'")
    assert [int(x) for x in page.locator(ROW).evaluate_all("rs => rs.map(r => r.dataset.example)")] == [0, 1, 2, 3, 4]
    assert "the other 99995 need a live kernel" in page.locator('[data-testid="tw-dataset-note"]').inner_text()

    page.locator(f'{ROW}[data-example="3"]').click()  # a kept example opens without a kernel
    page.wait_for_function("() => document.querySelector('.tw-title').textContent.includes('example 3')")
    wait_redrawn(page, first["hash"])
    assert page.locator('[data-testid="tw-status"]').get_attribute("data-state") != "error"

    page.evaluate("() => { window.__tw_model.set('example', 4242); }")  # one the export does not keep
    page.wait_for_function(
        "() => /Example 4242 is not kept.*live kernel needed/.test(document.querySelector('[data-testid=tw-status]').innerText)",
        timeout=5_000)
    assert blocked == [] and errors == []
