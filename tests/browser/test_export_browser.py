"""export_html: the file draws and drills down with every network request blocked, and no kernel."""
import numpy as np
import pytest
import torch

import taylor_widgets as tw
from tests.browser._canvas import wait_painted, wait_redrawn
from tests.conftest import smooth_mlp


def test_exported_matrix_draws_offline_and_drills_down(offline_page, tmp_path):
    page, blocked, errors = offline_page
    w = tw.InteractionMatrix(np.arange(16.0).reshape(4, 4) - 7, ["a", "b", "<b>c</b>", "d"], title="offline")
    path = tw.export_html(w, tmp_path / "matrix.html")
    text = path.read_text()
    assert "<script src" not in text and "<link" not in text  # everything is inline
    page.goto(path.as_uri())
    first = wait_painted(page)
    assert first["painted"] > 0
    page.locator('[data-testid="tw-label-2"]').click()
    page.locator('[data-testid="tw-partner"]').first.wait_for()
    assert "<b>c</b>" in page.locator('[data-testid="tw-drill"]').inner_text()
    wait_redrawn(page, first["hash"])
    assert blocked == [] and errors == []


def test_exported_explorer_disables_recompute_from_the_start_and_says_why(offline_page, tmp_path):
    page, blocked, _ = offline_page
    torch.set_num_threads(1)
    model = smooth_mlp(4, hidden=8)
    data = torch.randn(30, 4, dtype=torch.float64)
    w = tw.Explorer(model, data[:1], data=data, sweep_features=2, sweep_points=3)
    path = tw.export_html(w, tmp_path / "explorer.html")
    page.goto(path.as_uri())
    wait_painted(page)
    note = page.locator('[data-testid="tw-kernel-note"]')
    assert note.is_visible() and "needs a live kernel" in note.inner_text()
    assert "\n" not in note.inner_text().strip()  # one line
    for hook in ("tw-baseline-input-1", "tw-baseline-slider-1", "tw-baseline-kind"):
        assert page.locator(f'[data-testid="{hook}"]').is_disabled(), hook
    assert page.evaluate("() => window.__tw_model.get('baseline_kind')") == "zeros"  # never flipped to custom
    page.locator('[data-testid="tw-label-1"]').click()  # the rest answers clicks
    page.wait_for_function("() => window.__tw_model.get('selected') === 1")
    assert blocked == []


def test_exported_summary_packs_its_beeswarm_in_webassembly_offline(offline_page, tmp_path):
    """The page's Content-Security-Policy lets its own scripts compile WebAssembly (and nothing
    else): the summary's beeswarm runs its kernel there, with the same dots as in JavaScript."""
    page, blocked, errors = offline_page
    rng = np.random.default_rng(0)
    m = rng.normal(size=(60, 5, 5)).astype(np.float32)
    path = tw.export_html(tw.InteractionSummary((m + m.transpose(0, 2, 1)) / 2, x=rng.normal(size=(60, 5))), tmp_path / "s.html")
    assert "'wasm-unsafe-eval'" in path.read_text() and "'unsafe-eval'" not in path.read_text().replace("'wasm-unsafe-eval'", "")
    page.goto(path.as_uri())
    canvas = page.locator('[data-testid="tw-summary-canvas"]')
    canvas.wait_for()
    assert canvas.get_attribute("data-packing") == "wasm"
    assert blocked == [] and errors == []


def test_export_refuses_a_non_widget(tmp_path):
    with pytest.raises(TypeError, match="widget"):
        tw.export_html(object(), tmp_path / "x.html")
