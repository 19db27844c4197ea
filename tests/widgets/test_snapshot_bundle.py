"""The display bundle of every widget: live view, a text/plain hint, and an image/png when the widget draws one."""
import base64

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import taylor_widgets as tw  # noqa: E402

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


class _Pictured(tw.InteractionMatrix):
    def _snapshot_figure(self):
        fig, ax = plt.subplots(figsize=(2, 2))
        ax.imshow(np.asarray(self.matrix[0]), cmap="RdBu_r")
        return fig


def test_bundle_carries_the_live_view_a_hint_and_a_png_when_drawn():
    w = _Pictured(np.array([[1.0, 0.5], [0.5, -1.0]]))
    data, _ = w._repr_mimebundle_()
    assert data[WIDGET_MIME]["model_id"] == w.model_id
    assert data["text/plain"].startswith("_Pictured(") and "make it live" in data["text/plain"]
    png = base64.b64decode(data["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert w.snapshot_png() == png  # deterministic: same picture twice


def test_no_png_entry_without_a_snapshot():
    class Plain(tw.InteractionMatrix):
        def _snapshot_figure(self):
            return None

    data, _ = Plain(np.eye(2))._repr_mimebundle_()
    assert "image/png" not in data and WIDGET_MIME in data
