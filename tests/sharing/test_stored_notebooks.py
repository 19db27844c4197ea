"""The stored tours carry a picture next to every widget view (issue 11 §2), for the hosts that
cannot run widgets: GitHub, a reader without JavaScript, an untrusted notebook, nbconvert --to markdown."""
from pathlib import Path

import nbformat
import pytest

from taylor_widgets.testing.notebooks import widget_outputs

TOURS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", TOURS, ids=[p.stem for p in TOURS])
def test_every_widget_output_of_a_stored_tour_has_an_image_png(path):
    outputs = widget_outputs(nbformat.read(path, as_version=4))
    missing = [w for w in outputs if not w["png"]]
    if missing and not any(w["draws"] for w in missing):
        # Each widget's owner adds its `_snapshot_figure` (issue 12); the tours are then re-executed.
        pytest.xfail(f"{len(missing)} widget output(s) without a picture, whose classes draw none yet")
    assert not missing, (f"{path.name}: widget outputs {[w['model_id'][:8] for w in missing]} have no image/png "
                         "although their class draws one: re-execute the notebook (make notebooks)")


def test_markdown_conversion_shows_the_picture_of_a_widget_output(tmp_path):
    """nbconvert --to markdown picks a widget output's image/png (it has no widget renderer)."""
    import base64

    from nbconvert import MarkdownExporter

    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 16).decode()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("w", outputs=[nbformat.v4.new_output("display_data", data={
        "application/vnd.jupyter.widget-view+json": {"model_id": "m1", "version_major": 2, "version_minor": 0},
        "text/plain": "InteractionMatrix(B=1, d=2)  [hint]", "image/png": png})])]
    body, resources = MarkdownExporter().from_notebook_node(nb)
    assert "![png](" in body and any(k.endswith(".png") for k in resources["outputs"])
