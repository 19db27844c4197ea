"""CAMViewer in real Chromium: a cell click overlays its partner map (pixels + Python state)."""
import torch
from IPython.display import display

import taylor_widgets as tw
from tests.browser._canvas import STATS_JS, until

CANVAS = '[data-testid="tw-cam-canvas"]'


def _viewer(**kw):
    torch.manual_seed(0)
    model = tw.YieldOrGoCNN(width=6, hidden=8).double().eval()
    x = torch.rand(2, 3, 32, 32, dtype=torch.float64)
    return tw.CAMViewer(x, tw.taylor_cam(model, x, "features", target=1, top_k=3), **kw)


def stats(page, sel=CANVAS):
    return page.evaluate(STATS_JS, sel)


def wait_drawn(page, sel=CANVAS, timeout=20_000):
    page.wait_for_function(f"(sel) => {{ const s = ({STATS_JS})(sel); return s && s.w > 0 && s.painted > 0; }}",
                           arg=sel, timeout=timeout)
    return stats(page, sel)


def click_cell(page, col, row, grid=4):
    """Click the centre of a grid cell; locator.click waits until the canvas box is stable."""
    box = page.locator(CANVAS).bounding_box()
    page.locator(CANVAS).click(position={"x": box["width"] * (col + 0.5) / grid, "y": box["height"] * (row + 0.5) / grid})


def wait_changed(page, old_hash, sel=CANVAS, timeout=20_000):
    page.wait_for_function(f"([sel, h]) => {{ const s = ({STATS_JS})(sel); return s && s.hash !== h; }}",
                           arg=[sel, old_hash], timeout=timeout)
    return stats(page, sel)


def test_cell_click_overlays_its_partner_map(solara_test, page_session):
    w = _viewer(alpha=0.7)
    display(w)
    page = page_session
    first = wait_drawn(page)
    assert first["w"] == 32 * 10 and w.selected_cell == -1 and w.mode == "taylorcam"
    click_cell(page, 1, 2)  # cell (row 2, col 1) of the 4×4 grid → cell 9
    until(page, lambda: w.selected_cell != -1, what="selected_cell to sync to Python")
    assert w.selected_cell == 9 and w.mode == "partners"
    partners_9 = wait_changed(page, first["hash"])
    click_cell(page, 3, 0)
    until(page, lambda: w.selected_cell == 3, what="a second click to select cell 3")
    wait_changed(page, partners_9["hash"])  # another cell, another partner map
    w.selected_cell = 9  # Python → view draws the same pixels as the click did
    page.wait_for_function(f"([sel, h]) => ({STATS_JS})(sel).hash === h", arg=[CANVAS, partners_9["hash"]])


def test_mode_switch_and_gallery_change_pixels(solara_test, page_session):
    w = _viewer(labels=["<img src=x onerror=alert(1)>", "second"])
    display(w)
    page = page_session
    shown = wait_drawn(page)
    page.locator('[data-testid="tw-cam-alpha"]').press("ArrowRight")  # keyboard reachable slider
    until(page, lambda: abs(w.alpha - 0.5) < 1e-9, what="alpha 0.5 (the default 0.45 and one 0.05 step) to sync")
    first = wait_changed(page, shown["hash"])
    page.locator('[data-testid="tw-cam-mode"]').select_option("gradcam")
    until(page, lambda: w.mode == "gradcam", what="mode to sync")
    grad = wait_changed(page, first["hash"])
    page.locator('[data-testid="tw-cam-gallery-1"]').click()
    until(page, lambda: w.image_index == 1, what="gallery click to select image 1")
    wait_changed(page, grad["hash"])
    assert page.locator('img[src="x"]').count() == 0
    assert "second" in page.locator('[data-testid="tw-cam-info"]').inner_text()


def test_html_export_draws_and_answers_clicks_offline(context_session, tmp_path):
    page = context_session.new_page()
    blocked, errors = [], []
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else (blocked.append(r.request.url), r.abort()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        path = tw.export_html(_viewer(), tmp_path / "cam.html")
        page.goto(path.as_uri())
        first = wait_drawn(page)
        click_cell(page, 0, 0)
        page.wait_for_function("() => window.__tw_model.get('selected_cell') === 0")
        wait_changed(page, first["hash"])
        assert page.evaluate("() => window.__tw_model.get('mode')") == "partners"
        with page.expect_download() as download:
            page.locator('[data-testid="tw-export-png"]').click()
        assert download.value.suggested_filename.endswith(".png")
        assert download.value.path().read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert blocked == [] and errors == []
    finally:
        page.close()
