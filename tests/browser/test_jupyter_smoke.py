"""Smoke tests in the real hosts: JupyterLab 4 and Notebook 7 (one jupyter server, a temp copy
of a tiny notebook). Run the cell, wait for the heatmap to be drawn, click a label."""
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser._canvas import wait_painted
from tests.browser.conftest import free_port

CELL = """import numpy as np, taylor_widgets as tw
m = np.arange(16.0).reshape(4, 4); m = m + m.T - 15
w = tw.InteractionMatrix(m, ["a", "b", "c", "d"], title="smoke")
w"""


@pytest.fixture(scope="module")
def jupyter(tmp_path_factory):
    """A jupyter server on a free port, serving a temp dir that holds smoke.ipynb; stopped after."""
    root = tmp_path_factory.mktemp("jupyter")
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "id": "c1", "metadata": {}, "outputs": [],
                     "source": CELL}],
          "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
          "nbformat": 4, "nbformat_minor": 5}
    (root / "smoke.ipynb").write_text(json.dumps(nb))
    port = free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(root / ".config"), "JUPYTER_RUNTIME_DIR": str(root / ".runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(root / ".settings"), "JUPYTERLAB_WORKSPACES_DIR": str(root / ".ws"),
           "OMP_NUM_THREADS": "1"}
    log = open(root / "server.log", "wb")  # a pipe nobody reads would block the server once full
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.token=", "--ServerApp.password=",
         f"--port={port}", "--port-retries=0", "--ip=127.0.0.1", f"--ServerApp.root_dir={root}",
         "--allow-root", "--LabApp.news_url=", "--LabApp.extension_manager=readonly",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:  # wait for the server to answer, not a fixed time
        try:
            urllib.request.urlopen(base + "/api/status", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"jupyter server did not start: {(root / 'server.log').read_text()[-2000:]}")
            time.sleep(0.2)
    try:
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def run_cell_and_check(page, url):
    page.goto(url)
    editor = page.locator(".jp-Cell .cm-content").first
    editor.wait_for(timeout=60_000)
    # A run requested before the kernel connects is dropped silently, so run until the prompt
    # shows [*] or [n] (a condition, polled by the page; not a fixed sleep).
    for attempt in range(6):
        editor.click()
        page.keyboard.press("Control+Enter")
        try:
            page.wait_for_function(
                "() => /\\[[*0-9]+\\]/.test(document.querySelector('.jp-Cell .jp-InputPrompt').innerText)",
                timeout=10_000)
            break
        except PlaywrightTimeout:
            continue
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


def test_jupyterlab_renders_the_widget(jupyter, context_session):
    page = context_session.new_page()
    try:
        run_cell_and_check(page, jupyter + "/lab/tree/smoke.ipynb")
    finally:
        page.close()


def test_notebook7_renders_the_widget(jupyter, context_session):
    page = context_session.new_page()
    try:
        run_cell_and_check(page, jupyter + "/notebooks/smoke.ipynb")
    finally:
        page.close()
