"""Smoke tests in the real hosts: JupyterLab 4 and Notebook 7 (one jupyter server, a temp copy
of a tiny notebook). Run the cell, wait for the heatmap to be drawn, click a label."""
import os
from pathlib import Path

import pytest

from tests.browser._canvas import wait_painted
from taylor_widgets.testing.hosts import jupyter_server, run_first_cell

CELL = """import numpy as np, taylor_widgets as tw
m = np.arange(16.0).reshape(4, 4); m = m + m.T - 15
w = tw.InteractionMatrix(m, ["a", "b", "c", "d"], title="smoke")
w"""


@pytest.fixture(scope="module")
def jupyter(tmp_path_factory):
    """A jupyter server on a free port, serving a temp dir that holds smoke.ipynb; stopped after."""
    try:
        with jupyter_server(tmp_path_factory.mktemp("jupyter"), "smoke.ipynb", CELL) as base:
            yield base
    except RuntimeError as err:
        pytest.fail(str(err))


def run_cell_and_check(page, url):
    page.goto(url)
    run_first_cell(page)
    out = ".jp-OutputArea-output"
    try:
        stats = wait_painted(page, root=out, timeout=90_000)
    except Exception:
        page.screenshot(path=str(Path(os.environ.get("TMPDIR", "/tmp")) / "tw_jupyter_smoke_fail.png"))
        raise
    assert stats["painted"] > 0
    page.locator(f'{out} [data-testid="tw-label-3"]').click()
    page.locator(f'{out} [data-testid="tw-partner"]').first.wait_for()
    assert "d" in page.locator(f'{out} [data-testid="tw-drill"]').inner_text()


@pytest.mark.parametrize("path", ["/lab/tree/smoke.ipynb", "/notebooks/smoke.ipynb"], ids=["jupyterlab4", "notebook7"])
def test_host_renders_the_widget(jupyter, context_session, path):
    page = context_session.new_page()
    try:
        run_cell_and_check(page, jupyter + path)
    finally:
        page.close()
