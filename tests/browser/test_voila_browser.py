"""Voilà serves tour 01 as a dashboard on loopback (issue 11 §5): a baseline edit in the browser
redraws the heatmap from the live kernel. Writes docs/sharing_voila.png when missing or
TW_UPDATE_SCREENSHOT=1."""
import os
import shutil
import sys
from pathlib import Path

import pytest

from tests.browser._canvas import HEATMAP, canvas_stats
from taylor_widgets.testing.hosts import served

ROOT = Path(__file__).resolve().parents[2]
TOUR = ROOT / "notebooks" / "01_tabular_interactions.ipynb"
SCREENSHOT = ROOT / "docs" / "sharing_voila.png"

pytest.importorskip("voila", reason="voila is in the test extra")


@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    """`voila NB` on a free loopback port, serving a copy of the tour; stopped after."""
    root = tmp_path_factory.mktemp("voila")
    shutil.copy(TOUR, root / TOUR.name)
    env = {"JUPYTER_CONFIG_DIR": str(root / ".config"), "JUPYTER_RUNTIME_DIR": str(root / ".runtime"),
           "OMP_NUM_THREADS": "1"}
    args = [sys.executable, "-m", "voila", "--no-browser", "--port={port}", "--Voila.ip=127.0.0.1",
            "--VoilaConfiguration.file_allowlist=[]", str(root / TOUR.name)]
    try:
        # the server answers once it listens (the notebook runs per page request)
        with served(args, root, "/voila/static/", env, timeout=90) as (base, log_path):
            yield base, log_path
    except RuntimeError as err:
        pytest.fail(str(err))


def test_voila_dashboard_recomputes_from_the_live_kernel(voila, context_session):
    base, log_path = voila
    page = context_session.new_page()
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((base, "data:", "blob:")) else None)
    try:
        page.goto(base + "/", timeout=180_000)  # voila runs the whole tour before it answers
        heat = page.locator(HEATMAP).first  # the Explorer is the tour's first heatmap
        heat.wait_for(timeout=180_000)
        page.wait_for_function(f"() => {{ const c = document.querySelector('{HEATMAP}'); return c && c.width > 0; }}",
                               timeout=60_000)
        first = canvas_stats(page)
        assert page.locator('[data-testid="tw-kernel-note"]').is_hidden()  # a live kernel: the editor is enabled
        field = page.locator('[data-testid="tw-baseline-input-2"]')
        field.fill("1.25")
        field.press("Enter")
        page.wait_for_function(  # the kernel recomputed: the baseline kind is custom and the canvas changed
            "([sel, h]) => { const c = document.querySelector(sel); if (!c) return false;"
            " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let x = 0;"
            " for (let k = 0; k < d.length; k += 4) x = (x * 31 + d[k] * 7 + d[k+1] * 3 + d[k+2]) >>> 0;"
            " return x !== h && document.querySelector('[data-testid=tw-baseline-kind]').value === 'custom'; }",
            arg=[HEATMAP, first["hash"]], timeout=60_000)
        status = page.locator('[data-testid="tw-status"]').first
        page.wait_for_function("() => document.querySelector('[data-testid=tw-status]').dataset.state !== 'computing'",
                               timeout=60_000)
        assert status.get_attribute("data-state") != "error", status.inner_text()
        # Voilà's own template links two stylesheets from a CDN (Font Awesome, a CSS shim); the
        # dashboard works without them. Nothing of this package's leaves the server.
        assert not [u for u in outside if "taylor" in u or u.endswith(".js")], outside
        if not SCREENSHOT.exists() or os.environ.get("TW_UPDATE_SCREENSHOT") == "1":
            page.locator(".tw-root").first.screenshot(path=str(SCREENSHOT), animations="disabled")
    except Exception:
        print(log_path.read_text()[-3000:])
        raise
    finally:
        page.close()
