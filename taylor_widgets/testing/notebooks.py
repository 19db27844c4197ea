"""Reading stored notebooks' widget outputs: which widget each is, and whether it carries its picture.

Shared by the tests of the stored tours (tests/sharing, tests/browser) and usable on any notebook.
"""
from __future__ import annotations

import importlib

from ..sharing.notebook import widget_states
from ..sharing.outputs import WIDGET_MIME, package_bundle


def widget_outputs(nb) -> list[dict]:
    """One entry per widget output of notebook node `nb`, in order: {"model_id", "bundle" (None when
    not this package's or not saved), "png" (the output carries an image/png), "draws" (its class
    draws a picture: it has its own `_snapshot_figure`)}."""
    from ..widgets.base import TaylorWidget

    states = widget_states(nb)
    out = []
    for cell in nb.get("cells", []):
        for o in cell.get("outputs", []):
            data = o.get("data", {}) or {}
            mid = (data.get(WIDGET_MIME) or {}).get("model_id")
            if not mid:
                continue
            state = (states.get(mid) or {}).get("state") or {}
            module, _, name = str(state.get("_anywidget_id", "")).rpartition(".")
            cls = None
            if module.startswith("taylor_widgets"):
                cls = getattr(importlib.import_module(module), name, None)
            draws = isinstance(cls, type) and cls._snapshot_figure is not TaylorWidget._snapshot_figure
            out.append({"model_id": mid, "bundle": package_bundle(state), "png": "image/png" in data, "draws": draws})
    return out
