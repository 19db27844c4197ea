"""The readable views (issue 12) in real Chromium, with real clicks: the diagonal mode on tour 01's
Explorer, the dataset views (summary, network, dependence plot) and their toggles, the
AllocationView's scales, the CAMViewer's grid and legend, layouts at d = 5, 30, 300 and the
whole-view PNG export. Each asserts pixels and the Python state.

Also writes docs/summary.png (the interaction summary of 40 of tour 01's patients) and
docs/network.png (a 24-feature network) when they are missing or TW_UPDATE_SCREENSHOT=1.
"""
import io
import json
import os
from pathlib import Path

import numpy as np
import pytest
import torch
from IPython.display import display
from PIL import Image

import taylor_widgets as tw
from taylor_widgets.widgets.snapshots import colors
from tests.browser._canvas import STATS_JS, canvas_stats, stable_box, until, wait_painted, wait_redrawn
from tests.browser._tour import tour01
from tests.core.test_audit import Poly

DOCS = Path(__file__).resolve().parents[2] / "docs"
UPDATE = os.environ.get("TW_UPDATE_SCREENSHOT") == "1"


def stats(page, sel):
    return page.evaluate(STATS_JS, sel)


def wait_canvas(page, sel, old_hash=None, timeout=20_000):
    """Wait until the canvas at `sel` is painted (and differs from old_hash); return its stats."""
    page.wait_for_function(f"([sel, h]) => {{ const s = ({STATS_JS})(sel); return s && s.painted > 0 && s.hash !== h; }}",
                           arg=[sel, old_hash], timeout=timeout)
    return stats(page, sel)


def pixel(page, sel, fx, fy):
    """RGB of the backing pixel at fractions (fx, fy) of the canvas."""
    return page.evaluate("""([sel, fx, fy]) => { const c = document.querySelector(sel);
      const d = c.getContext('2d').getImageData(Math.floor(fx * c.width), Math.floor(fy * c.height), 1, 1).data;
      return [d[0], d[1], d[2]]; }""", [sel, fx, fy])


@pytest.fixture(scope="module")
def tour():
    return tour01()


def test_tour01_explorer_shows_interactions_over_half_the_colour_range_by_default(solara_test, page_session, tour):
    X, test, train, names = tour["X"], tour["test"], tour["train"], tour["names"]
    w = tw.Explorer(tour["model"], X[test[:4]], data=X[train], feature_names=names, method="ih", baseline="mean")
    display(w)
    page = page_session
    first = wait_painted(page)
    assert w.diagonal == "auto"
    m = np.asarray(w.matrix[0], dtype=np.float64)
    off = np.abs(m - np.diag(np.diag(m)))
    vmax = float(page.locator('[data-testid="tw-legend"]').get_attribute("data-vmax"))
    assert off.max() / vmax >= 0.5  # the interactions span at least half of the colour range …
    assert np.abs(np.diag(m)).max() > 3 * off.max()  # … although the main effects are over 3× larger
    i, j = np.unravel_index(off.argmax(), off.shape)
    end = tuple(int(c) for c in colors.lut()[256 if m[i, j] > 0 else 0])
    assert tuple(pixel(page, '[data-testid="tw-heatmap"]', (j + 0.5) / 10, (i + 0.5) / 10)) == end  # saturated
    note = page.locator('[data-testid="tw-scale-note"]').inner_text()
    assert "off-diagonal" in note and "clipped" in note
    assert page.locator('[data-testid="tw-heatmap"]').get_attribute("data-diagonal") == "clipped"
    k = int(np.argmax(np.abs(np.diag(m))))  # hover the largest main effect: the tooltip says it is clipped
    box = stable_box(page, '[data-testid="tw-heatmap"]')
    page.mouse.move(box["x"] + (k + 0.5) * box["width"] / 10, box["y"] + (k + 0.5) * box["height"] / 10)
    tip = page.locator('.tw-tooltip:not(.tw-hidden)').first
    tip.wait_for()
    assert f"{names[k]} × {names[k]}" in tip.inner_text() and "clipped" in tip.inner_text()
    page.mouse.move(0, 0)
    page.locator('[data-testid="tw-diagonal"]').select_option("show")  # the toggle
    until(page, lambda: w.diagonal == "show", what="the diagonal toggle to reach Python")
    wait_redrawn(page, first["hash"])
    vmax_show = float(page.locator('[data-testid="tw-legend"]').get_attribute("data-vmax"))
    assert vmax_show == pytest.approx(np.abs(m).max(), rel=1e-5) and off.max() / vmax_show < 0.5
    page.locator('[data-testid="tw-diagonal"]').select_option("hide")
    until(page, lambda: w.diagonal == "hide", what="diagonal hide")
    page.wait_for_function("() => document.querySelector('[data-testid=tw-heatmap]').dataset.diagonal === 'hidden'")
    assert tuple(pixel(page, '[data-testid="tw-heatmap"]', 0.25 / 10, 0.25 / 10)) == colors.HIDDEN_RGB


def test_summary_tab_row_and_dot_clicks_select_the_pair_and_the_sample(solara_test, page_session, tour):
    X, test, train, names = tour["X"], tour["test"], tour["train"], tour["names"]
    eh = tw.expected_hessians(tour["model"], X[test[:40]], X[train], samples=16, seed=0, feature_names=names)
    w = tw.InteractionMatrix(eh, title="Diabetes model, 40 patients")
    display(w)
    page = page_session
    wait_painted(page)
    page.locator('[data-testid="tw-tab-summary"]').click()
    until(page, lambda: w.tab == "summary", what="the summary tab to reach Python")
    canvas = '[data-testid="tw-summary-canvas"]'
    page.locator(canvas).wait_for()
    assert page.locator(canvas).get_attribute("data-packing") == "wasm"  # the WebAssembly beeswarm ran
    first = wait_canvas(page, canvas)
    labels = page.locator('[data-testid="tw-summary-label"]')
    assert labels.count() == 20
    i, j = (int(k) for k in labels.nth(2).get_attribute("data-pair").split(","))
    labels.nth(2).click()
    until(page, lambda: w.selected_pair == [i, j] and w.selected == i, what="a summary row click")
    dep = '[data-testid="tw-dependence-canvas"]'
    wait_canvas(page, dep)
    assert page.locator(dep).get_attribute("data-partner") == str(j)
    shown = wait_canvas(page, canvas, first["hash"])  # the row is highlighted
    page.locator('[data-testid="tw-dependence"]').select_option("attribution")  # the dependence toggle
    until(page, lambda: w.dependence == "attribution", what="the dependence toggle")
    page.wait_for_function("() => document.querySelector('[data-testid=tw-dependence-canvas]').getAttribute('aria-label').startsWith('φ_')")
    box = stable_box(page, canvas)
    row_y = 0.5 * 26  # the first row's centre line; its dots sit there or close to it
    x_hit = page.evaluate("""(sel) => { const c = document.querySelector(sel), ctx = c.getContext('2d');
      const d = ctx.getImageData(0, 0, c.width, Math.round(26 * c.height / c.clientHeight)).data, w = c.width;
      const y = Math.round(13 * c.height / c.clientHeight);
      for (let x = 0; x < w; x++) { const k = (y * w + x) * 4; if (d[k] < 200 && d[k + 2] > 150) return x * c.clientWidth / w; }
      return -1; }""", canvas)
    assert x_hit >= 0
    before = w.sample
    page.locator(canvas).click(position={"x": x_hit + 1, "y": row_y})
    until(page, lambda: w.selected_pair != [i, j], what="a dot click to select the first row's pair")
    assert w.tab == "summary" and 0 <= w.sample < 40
    wait_canvas(page, canvas, shown["hash"])
    assert before is not None
    if UPDATE or not (DOCS / "summary.png").exists():
        page.mouse.move(0, 0)  # no tooltip over the rows
        page.wait_for_timeout(200)
        page.locator(".tw-root").first.screenshot(path=str(DOCS / "summary.png"), animations="disabled")


def test_network_node_and_edge_clicks_and_the_seed(solara_test, page_session):
    torch.manual_seed(0)
    d = 24
    model = torch.nn.Sequential(torch.nn.Linear(d, 32), torch.nn.Softplus(beta=2), torch.nn.Linear(32, 1)).double()
    x = torch.randn(30, d, dtype=torch.float64)
    names = [f"m{k:02d} long-named measurement" for k in range(d)]  # cut on the canvas, distinct before the cut
    w = tw.InteractionNetwork(tw.integrated_hessians(model, x), names, network_edges=15)
    display(w)
    page = page_session
    canvas = '[data-testid="tw-network-canvas"]'
    first = wait_canvas(page, canvas)
    layout = json.loads(page.locator(canvas).get_attribute("data-layout"))
    assert len(layout) == d
    f, nx, ny = layout[5]
    page.locator(canvas).click(position={"x": nx, "y": ny})
    until(page, lambda: w.selected == f and w.selected_pair == [], what="a node click")
    page.wait_for_function("(n) => document.querySelector('[data-testid=tw-drill]').innerText.includes(n)", arg=names[f])
    picked = wait_canvas(page, canvas, first["hash"])
    # an edge: its midpoint, away from the nodes
    mean_abs = np.abs(np.asarray(w.matrix, dtype=np.float64)).mean(0)
    iu = np.triu_indices(d, 1)
    k = int(np.argmax(mean_abs[iu]))
    a, b = int(iu[0][k]), int(iu[1][k])
    pos = {g: (px, py) for g, px, py in layout}
    page.locator(canvas).click(position={"x": (pos[a][0] + pos[b][0]) / 2, "y": (pos[a][1] + pos[b][1]) / 2})
    until(page, lambda: w.selected_pair == [a, b], what="an edge click to select its pair")
    drawn = wait_canvas(page, canvas, picked["hash"])
    seed = page.locator('[data-testid="tw-layout-seed"]')
    seed.fill("5")
    seed.press("Enter")
    until(page, lambda: w.layout_seed == 5, what="the layout seed")
    wait_canvas(page, canvas, drawn["hash"])
    assert json.loads(page.locator(canvas).get_attribute("data-layout")) != layout
    title = page.evaluate("() => document.querySelector('[data-testid=tw-drill] h4').innerText")
    assert title == names[a]
    if UPDATE or not (DOCS / "network.png").exists():
        page.mouse.move(0, 0)
        page.wait_for_timeout(200)
        page.locator(".tw-root").first.screenshot(path=str(DOCS / "network.png"), animations="disabled")


def test_allocation_scale_toggles_reach_python_and_the_bars(solara_test, page_session):
    XP = torch.tensor([[1.5, -2.0, 0.5, 3.0]], dtype=torch.float64)
    audit = tw.attribution_audit(Poly(), XP, None, methods=["gradient_x_input", "occlusion_1", "shapley_value"], ig_steps=8)
    w = tw.AllocationView(audit)
    display(w)
    page = page_session
    bars = '[data-testid="tw-alloc-bars"]'
    first = wait_canvas(page, bars)
    per_row = [float(s) for s in page.locator(bars).get_attribute("data-scales").split(",")]
    np.testing.assert_allclose(per_row, w.row_scales(), rtol=1e-5)
    assert w.bar_scale == "row" and len(set(per_row)) > 1
    page.locator('[data-testid="tw-alloc-scale-mode"]').select_option("shared")
    until(page, lambda: w.bar_scale == "shared", what="the shared-scale toggle")
    shared = wait_canvas(page, bars, first["hash"])
    assert len(set(page.locator(bars).get_attribute("data-scales").split(","))) == 1
    page.locator('[data-testid="tw-alloc-robust"]').check()
    until(page, lambda: w.robust, what="the robust toggle")
    page.wait_for_function("(s) => document.querySelector('[data-testid=tw-alloc-bars]').dataset.scales !== s",
                           arg=",".join(f"{v:.6g}" for v in [max(per_row)] * 3))
    assert "99th percentile" in page.locator('[data-testid="tw-alloc-scale"]').inner_text()
    assert shared["hash"] is not None


def test_cam_viewer_draws_a_faint_grid_and_names_its_units(solara_test, page_session):
    torch.manual_seed(0)
    model = tw.YieldOrGoCNN(width=6, hidden=8).double().eval()
    x = torch.full((1, 3, 32, 32), 0.5, dtype=torch.float64)
    w = tw.CAMViewer(x, tw.taylor_cam(model, x, "features", target=1, top_k=3))
    display(w)
    page = page_session
    canvas = '[data-testid="tw-cam-canvas"]'
    wait_canvas(page, canvas)
    assert (w.alpha, w.threshold) == (0.45, 0.3)
    h, wd = w.grid
    # on a flat grey image, away from the overlay's hot cells: the grid line is lighter than its neighbours
    rows = page.evaluate("""(sel) => { const c = document.querySelector(sel), ctx = c.getContext('2d');
      const x = Math.round(c.width / 4), out = [];
      for (let y = 0; y < c.height; y++) { const d = ctx.getImageData(x - 3, y, 7, 1).data;
        out.push([d[0], d[12], d[24]]); } return out; }""", canvas)
    # where the grey image shows through untinted (0.5 → 127 or 128) on both sides, the line between is lighter
    plain = [r for r in rows if abs(r[0] - 127.5) <= 1 and abs(r[2] - 127.5) <= 1]
    assert plain and all(r[1] > max(r[0], r[2]) for r in plain)
    assert sum(r[1] > max(r[0], r[2]) for r in rows) >= 0.8 * len(rows)  # a line all the way down (less at crossings and markers), also under the tint
    legend = page.locator('[data-testid="tw-cam-quantity"]').inner_text()
    assert legend == w.map_labels["taylorcam"] and "(y per unit activation shift)²" in legend
    page.locator('[data-testid="tw-cam-mode"]').select_option("gradcam")
    until(page, lambda: w.mode == "gradcam", what="mode")
    page.wait_for_function("() => document.querySelector('[data-testid=tw-cam-quantity]').innerText.includes('score y')")


@pytest.mark.parametrize("d", [5, 30, 300])
def test_layouts_hold_and_long_names_are_cut_with_the_full_name_on_hover(solara_test, page_session, d):
    rng = np.random.default_rng(d)
    a = rng.normal(size=(3, d, d)) * 0.01
    m = a + a.transpose(0, 2, 1)
    names = [f"worst concave points of feature {k}" for k in range(d)]
    w = tw.InteractionMatrix(m, names, x=rng.normal(size=(3, d)), selected=1)
    display(w)
    page = page_session
    wait_painted(page)
    page.locator('[data-testid="tw-partner"]').first.wait_for()
    overflow = page.evaluate("""() => { const r = document.querySelector('.tw-root');
      return {root: r.scrollWidth - r.clientWidth,
        fields: [...r.querySelectorAll('input[type=number]')].filter((f) => f.offsetParent && f.scrollWidth > f.clientWidth + 1).length}; }""")
    assert overflow["root"] <= 1 and overflow["fields"] == 0  # nothing spills out, no field cuts its value
    cell = page.locator('[data-testid="tw-partner"] td.tw-pname').first
    name = cell.inner_text()
    assert cell.get_attribute("title") in names  # the full name on hover
    cut = page.evaluate("(el) => el.scrollWidth > el.clientWidth", cell.locator("button").element_handle())
    assert cut or name in names
    page.locator('[data-testid="tw-vmax"]').fill("0.0123456789")
    page.locator('[data-testid="tw-vmax"]').press("Enter")
    until(page, lambda: w.color_scale["vmax"] == pytest.approx(0.0123456789), what="vmax")
    assert page.evaluate("() => { const f = document.querySelector('[data-testid=tw-vmax]'); return f.scrollWidth <= f.clientWidth + 1; }")
    if d <= 30:
        label = page.locator('[data-testid="tw-label-1"]')
        assert label.get_attribute("title") == names[1]
        assert page.evaluate("(el) => el.scrollWidth > el.clientWidth", label.element_handle())  # cut, with an ellipsis
    else:
        assert page.locator('[data-testid="tw-label-1"]').count() == 0  # too many rows to label
    page.locator('[data-testid="tw-tab-summary"]').click()
    until(page, lambda: w.tab == "summary", what="summary at this d")
    wait_canvas(page, '[data-testid="tw-summary-canvas"]')
    assert page.evaluate("() => document.querySelector('.tw-root').scrollWidth - document.querySelector('.tw-root').clientWidth") <= 1


def test_png_export_writes_the_whole_view(solara_test, page_session, tour):
    X, test, train, names = tour["X"], tour["test"], tour["train"], tour["names"]
    w = tw.Explorer(tour["model"], X[test[:4]], data=X[train], feature_names=names, baseline="mean",
                    title="Diabetes <b>model</b>")
    display(w)
    page = page_session
    wait_painted(page)
    page.locator(f'[data-testid="tw-label-{names.index("bmi")}"]').click()
    until(page, lambda: w.selected == names.index("bmi"), what="a drill-down")
    page.locator('[data-testid="tw-partner"]').first.wait_for()
    heat_w = page.evaluate("() => document.querySelector('[data-testid=tw-heatmap]').clientWidth")
    with page.expect_download() as dl:
        page.locator('[data-testid="tw-export-png"]').click()
    img = np.asarray(Image.open(io.BytesIO(dl.value.path().read_bytes())).convert("RGB")).astype(int)
    H, W = img.shape[:2]
    scale = 2  # the export's resolution
    assert W / scale > heat_w + 300  # heatmap, legend and the drill-down panel beside it
    ink = (np.abs(img - 255).sum(-1) > 60)
    assert ink[: 20 * scale].any()  # the title
    right = ink[:, int(W * 0.7):]
    assert right.sum() > 2000  # the drill-down: text, partner bars, the sweep chart
    assert dl.value.suggested_filename.endswith(".png")


@pytest.mark.parametrize("cls, canvas", [(tw.InteractionSummary, "tw-summary-canvas"), (tw.InteractionNetwork, "tw-network-canvas")])
def test_standalone_dataset_view_png_export_writes_the_view(solara_test, page_session, cls, canvas):
    """The standalone views have no heatmap: the export draws their own view (which text it
    paints is checked in js/tests/dom_dataset_views.test.js)."""
    rng = np.random.default_rng(3)
    m = rng.normal(size=(40, 8, 8)).astype(np.float32)
    display(cls((m + m.transpose(0, 2, 1)) / 2, x=rng.normal(size=(40, 8)), title="export",
                feature_names=[f"feature {k}" for k in range(8)]))
    page = page_session
    wait_canvas(page, f'[data-testid="{canvas}"]')
    shown = page.evaluate(f"() => document.querySelector('[data-testid={canvas}]').clientWidth")
    with page.expect_download() as dl:
        page.locator('[data-testid="tw-export-png"]').click()
    img = np.asarray(Image.open(io.BytesIO(dl.value.path().read_bytes())).convert("RGB")).astype(int)
    ink = np.abs(img - 255).sum(-1) > 200  # dark text, not the pale dots or edges
    scale = 2
    assert img.shape[1] / scale >= shown
    assert ink[: 24 * scale].any()  # the title
    assert ink[24 * scale:].sum() > 1500  # the view under it
