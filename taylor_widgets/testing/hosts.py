"""The hosts that the browser tests (tests/browser/) and benchmarks/widget_render.py drive.

The system Chromium and its launch flags (Playwright cannot download a browser here), a free
loopback port, a server process held while it answers (`served`: jupyter lab, voila), a throwaway
jupyter server serving one single-cell notebook, and a way to run that cell from Playwright.
Playwright is a test extra: it is imported only when a cell is run.
"""
from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served(args: list[str], root: Path, probe: str, env: dict, timeout: float = 60.0):
    """Run server command `args` in `root` with `env` added, "{port}" in `args` filled with a free
    loopback port; wait until http://127.0.0.1:PORT + `probe` answers (any HTTP status counts: the
    server listens); yield (base URL, log path); then stop it.

    Raises RuntimeError with the end of the server log when it does not answer within `timeout` s.
    """
    port = free_port()
    log_path = root / "server.log"
    log = open(log_path, "wb")  # a pipe nobody reads would block the server once full
    proc = subprocess.Popen([a.format(port=port) for a in args], cwd=root, env={**os.environ, **env},
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        while True:  # wait for the server to answer, not a fixed time
            try:
                urllib.request.urlopen(base + probe, timeout=2)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{args[2]} did not start: {log_path.read_text()[-2000:]}") from None
                time.sleep(0.2)
        yield base, log_path
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextlib.contextmanager
def jupyter_server(root: Path, notebook: str, cell: str, timeout: float = 60.0):
    """Write `root/notebook` holding one code cell, serve `root` with `jupyter lab` on a free
    loopback port (no token, isolated config and settings dirs), yield the base URL, stop it.

    Raises RuntimeError with the end of the server log when it does not answer within `timeout` s.
    """
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "id": "c1", "metadata": {}, "outputs": [],
                     "source": cell}],
          "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
          "nbformat": 4, "nbformat_minor": 5}
    (root / notebook).write_text(json.dumps(nb))
    env = {"JUPYTER_CONFIG_DIR": str(root / ".config"), "JUPYTER_RUNTIME_DIR": str(root / ".runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(root / ".settings"), "JUPYTERLAB_WORKSPACES_DIR": str(root / ".ws"),
           "OMP_NUM_THREADS": "1"}
    args = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.token=", "--ServerApp.password=",
            "--port={port}", "--port-retries=0", "--ip=127.0.0.1", f"--ServerApp.root_dir={root}",
            "--allow-root", "--LabApp.news_url=", "--LabApp.extension_manager=readonly",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    with served(args, root, "/api/status", env, timeout) as (base, _):
        yield base


def dismiss_dialogs(page) -> list[str]:
    """Answer every open JupyterLab dialog with its default button (Escape when it has none);
    return their texts. On a first start under load, JupyterLab can open one (a kernel or session
    question) over the notebook, and a click on the cell then waits behind it."""
    texts = []
    dialogs = page.locator(".jp-Dialog")
    for _ in range(dialogs.count()):
        d = dialogs.first
        texts.append(d.inner_text()[:200])
        accept = d.locator("button.jp-mod-accept")
        if accept.count():
            accept.first.click(timeout=5_000)
        else:
            page.keyboard.press("Escape")
        page.wait_for_timeout(200)
    return texts


def run_first_cell(page, attempts: int = 6) -> None:
    """Run the open notebook's first cell until its prompt shows [*] or [n].

    A run requested before the kernel connects is dropped silently, so it is repeated until the
    prompt says it was taken (a condition polled by the page, not a fixed sleep).
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    editor = page.locator(".jp-Cell .cm-content").first
    editor.wait_for(timeout=60_000)
    for _ in range(attempts):
        try:
            editor.click(timeout=10_000)
        except PlaywrightTimeout:  # something covers the cell: answer the host's dialogs, focus it directly
            dismiss_dialogs(page)
            editor.focus()
        page.keyboard.press("Control+Enter")
        try:
            page.wait_for_function(
                "() => /\\[[*0-9]+\\]/.test(document.querySelector('.jp-Cell .jp-InputPrompt').innerText)",
                timeout=10_000)
            return
        except PlaywrightTimeout:
            continue
    raise RuntimeError(f"run_first_cell: the cell did not start in {attempts} tries; open dialogs: {dismiss_dialogs(page)}")
