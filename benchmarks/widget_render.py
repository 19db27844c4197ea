"""Widget speed in headless Chromium: draw and redraw of a 1000×1000 matrix, first draw of the
dataset views (200 samples × 20 pairs, of d = 20 and d = 100 features), and the round trip from a baseline edit to a redrawn
heatmap for a d=32 MLP (Python recompute + browser).

    .venv/bin/python benchmarks/widget_render.py [--d 1000] [--repeats 5] [--skip-roundtrip]

Timings are taken inside the page with performance.now():
- first draw: around the bundle's render() (it draws synchronously), in the offline HTML export;
  the budget (50 ms) is on this figure;
- first frame: from render()'s start to the end of the first frame after it (the browser's
  style, layout, paint and canvas raster of the new view on the main thread), printed beside it
  because that, not render() alone, is when a user sees the pixels;
- redraw on click: from a real mouse click's event timestamp to the next animation frame (the
  click sets `selected`, the change handler repaints before that frame);
- round trip: JupyterLab with a live kernel; from the baseline field's change event to the
  first frame whose heatmap pixels differ. A number-field change is a committed edit and is sent
  at once; only slider drags are debounced (js/src/views/explorer/baseline_editor.js DEBOUNCE_MS).
Chromium: $CHROMIUM or /usr/bin/chromium. Not a test: it prints figures.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import taylor_widgets as tw  # noqa: E402
from taylor_widgets.testing.hosts import CHROMIUM, CHROMIUM_ARGS, jupyter_server, run_first_cell  # noqa: E402

HASH_JS = """() => { const c = document.querySelector('[data-testid=tw-heatmap]');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let h = 0;
  for (let k = 0; k < d.length; k += 4) h = (h * 31 + d[k] * 7 + d[k+1] * 3 + d[k+2]) >>> 0; return h; }"""
# Records, for every click, ms from the event's timestamp to the following animation frame.
CLICK_TO_FRAME_JS = """() => { window.__clicks = []; window.addEventListener('click', (e) => {
  const t0 = e.timeStamp; requestAnimationFrame(() => window.__clicks.push(performance.now() - t0)); },
  { capture: true }); }"""


def summary(xs):
    return f"median {statistics.median(xs):.1f} ms (min {min(xs):.1f}, max {max(xs):.1f}, n={len(xs)})"


def bench_matrix(browser, d, repeats):
    rng = np.random.default_rng(0)
    a = rng.normal(size=(d, d)).astype(np.float32)
    w = tw.InteractionMatrix((a + a.T) / 2, title=f"{d}×{d}")
    with tempfile.TemporaryDirectory() as tmp:
        path = tw.export_html(w, Path(tmp) / "m.html")
        firsts, frames, clicks = [], [], []
        for r in range(repeats):
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
            page.goto(path.as_uri())
            page.wait_for_function("() => window.__tw_timing && window.__tw_timing.frame_ms")
            firsts.append(page.evaluate("() => window.__tw_timing.render_ms"))
            frames.append(page.evaluate("() => window.__tw_timing.frame_ms"))
            box = page.locator("[data-testid=tw-heatmap]").bounding_box()
            page.evaluate(CLICK_TO_FRAME_JS)
            for k in range(5):
                page.mouse.click(box["x"] + box["width"] * (0.1 + 0.17 * k), box["y"] + box["height"] * (0.2 + 0.1 * k))
                page.wait_for_function("(n) => window.__clicks.length >= n", arg=k + 1)
            clicks.extend(page.evaluate("() => window.__clicks"))
            page.close()
    print(f"{d}×{d} matrix, first draw (render()):        {summary(firsts)}")
    print(f"{d}×{d} matrix, first frame (render → painted):  {summary(frames)}")
    print(f"{d}×{d} matrix, click → next frame (redraw): {summary(clicks)}")


def bench_dataset_views(browser, repeats, B=200, d=20, pairs=20):
    """First draw of the standalone dataset views over B samples: the summary's `pairs` rows
    (B × pairs dots, beeswarm-packed) and the network of d features (layout + top-30 edges)."""
    rng = np.random.default_rng(1)
    a = rng.normal(size=(B, d, d)).astype(np.float32)
    m, x = (a + a.transpose(0, 2, 1)) / 2, rng.normal(size=(B, d)).astype(np.float32)
    for cls, canvas in ((tw.InteractionSummary, "tw-summary-canvas"), (tw.InteractionNetwork, "tw-network-canvas")):
        w = cls(m, x=x, top_pairs=pairs)
        with tempfile.TemporaryDirectory() as tmp:
            path = tw.export_html(w, Path(tmp) / "v.html")
            firsts, frames = [], []
            for r in range(repeats):
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
                page.goto(path.as_uri())
                page.wait_for_function("() => window.__tw_timing && window.__tw_timing.frame_ms")
                # render() draws synchronously: the canvas must already be painted when it returns
                assert page.evaluate(f"() => document.querySelector('[data-testid={canvas}]').width > 0")
                firsts.append(page.evaluate("() => window.__tw_timing.render_ms"))
                frames.append(page.evaluate("() => window.__tw_timing.frame_ms"))
                page.close()
        print(f"{cls.__name__}, {B} samples × {pairs} pairs (d={d}), first draw (render()): {summary(firsts)}")
        print(f"{cls.__name__}, {B} samples × {pairs} pairs (d={d}), first frame (render → painted): {summary(frames)}")


CELL = """import torch, taylor_widgets as tw
torch.set_num_threads(1)
torch.manual_seed(0)
d = 32
model = torch.nn.Sequential(torch.nn.Linear(d, 64), torch.nn.Softplus(), torch.nn.Linear(64, 64),
                            torch.nn.Softplus(), torch.nn.Linear(64, 1))
data = torch.randn(500, d)
w = tw.Explorer(model, data[:1] + 0.5, data=data, sweep_features=8, sweep_points=12)
w"""


def make_model():
    exec_ns = {}
    exec(CELL.rsplit("\n", 1)[0], exec_ns)  # the same model and data as the notebook cell
    return exec_ns["w"]


def bench_python_recompute(repeats):
    w = make_model()
    times = []
    for r in range(repeats):
        t0 = time.perf_counter()
        assert w.recompute(np.full(32, 0.1 * (r + 1), np.float32))["ok"]
        times.append((time.perf_counter() - t0) * 1e3)
    sweep = len(w.sweep_features) * w.sweep_values.shape[1]
    print(f"d=32 MLP, Python recompute (Γ + {sweep}-point sweep): {summary(times)}")


def bench_roundtrip(browser, repeats):
    with jupyter_server(Path(tempfile.mkdtemp()), "bench.ipynb", CELL) as base:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(base + "/lab/tree/bench.ipynb")
        run_first_cell(page)
        page.locator("[data-testid=tw-heatmap]").wait_for(timeout=120_000)
        page.wait_for_function("() => document.querySelector('[data-testid=tw-status]')?.dataset.state !== 'computing'")
        times = []
        for r in range(repeats):
            ms = page.evaluate("""async ([v, hashSrc]) => {
              const hash = eval(hashSrc); const before = hash();
              const inp = document.querySelector('[data-testid=tw-baseline-input-0]');
              const t0 = performance.now();
              inp.value = String(v); inp.dispatchEvent(new Event('change', { bubbles: true }));
              for (;;) { await new Promise(requestAnimationFrame); if (hash() !== before) return performance.now() - t0;
                if (performance.now() - t0 > 60000) return -1; } }""", [0.3 * (r + 1), HASH_JS])
            times.append(ms)
        page.close()
        print(f"d=32 MLP, baseline edit → redrawn heatmap (JupyterLab, live kernel): {summary(times)}"
              f"  [number-field edit: sent at once, no debounce]")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--d", type=int, default=1000)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--skip-roundtrip", action="store_true")
    args = p.parse_args()
    torch.set_num_threads(1)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            bench_matrix(browser, args.d, args.repeats)
            bench_dataset_views(browser, args.repeats)
            bench_dataset_views(browser, args.repeats, d=100)  # the network then draws its 60 strongest nodes
            bench_python_recompute(args.repeats)
            if not args.skip_roundtrip:
                bench_roundtrip(browser, args.repeats)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
