"""Browser fixtures: pytest-ipywidgets (solara, offline assets) driving the system Chromium.

Playwright cannot download its own browsers here, so pytest-playwright's launch arguments are
pointed at /usr/bin/chromium ($CHROMIUM overrides). The vuetify warm-up of pytest-ipywidgets
needs ipyvuetify, which these widgets do not use, so `solara_test` runs without it.
"""
import os
import shutil
from pathlib import Path

import pytest
import torch

from taylor_widgets.testing.hosts import CHROMIUM, CHROMIUM_ARGS, free_port

torch.set_num_threads(1)

STATIC = Path(__file__).resolve().parents[2] / "taylor_widgets" / "static"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    missing = [] if Path(CHROMIUM).exists() else [f"no Chromium at {CHROMIUM}"]
    if not (STATIC / "interaction_matrix.js").exists():
        missing.append("JS bundle not built (cd js && npm run build)")
    if missing and os.environ.get("TW_REQUIRE_BROWSER"):
        # `make test` (and so CI) sets this: a skipped browser suite must not pass as green.
        raise pytest.UsageError("browser tests cannot run: " + "; ".join(missing))
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            if missing:
                item.add_marker(pytest.mark.skip(reason="; ".join(missing)))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1200, "height": 900}}


@pytest.fixture(scope="session")
def solara_server():
    """pytest-ipywidgets' solara server, on a free port: other suites may hold the default one."""
    from solara.server.starlette import ServerStarlette

    server = ServerStarlette(free_port(), "localhost")
    try:
        server.serve_threaded()
        server.wait_until_serving()
        yield server
    finally:
        server.stop_serving()


@pytest.fixture()
def solara_test(solara_server, solara_app, page_session):
    from solara.test.pytest_plugin import _solara_test

    with _solara_test(solara_server, solara_app, page_session, require_vuetify_warmup=False):
        yield


@pytest.fixture()
def jupyter_bin():
    exe = Path(os.sys.executable).parent / "jupyter"
    return str(exe) if exe.exists() else shutil.which("jupyter")


@pytest.fixture
def offline_page(context_session):
    """A fresh page for a file:// page: every other request is aborted and recorded in `blocked`,
    every uncaught page error in `errors`. Yields (page, blocked, errors)."""
    page = context_session.new_page()
    blocked, errors = [], []

    def block(route):
        if route.request.url.startswith("file:"):
            return route.continue_()
        blocked.append(route.request.url)
        return route.abort()

    page.route("**/*", block)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page, blocked, errors
    page.close()
