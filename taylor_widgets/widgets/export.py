"""export_html: one self-contained HTML file that draws a widget with no kernel and no network.

ipywidgets' embed_minimal_html loads the widget manager from a CDN, so instead the page inlines
the widget's bundled ES module and its saved state, and the offline runtime calls the module's
`render({model, el})` with a small in-page model (taylor_widgets/sharing/page.py; the runtime is
js/src/offline/). Clicks, drill-down, ordering and PNG/CSV export work from the saved traits;
recompute controls are disabled from the start with the reason, since no kernel can answer.
Without JavaScript the page shows the widget's picture (its `snapshot_png()`), when it has one.
"""
from __future__ import annotations

import base64
from pathlib import Path

from ipywidgets.widgets.widget import _remove_buffers

from ..sharing import page as pg
from .checks import check_str


def widget_spec(widget) -> dict:
    """The runtime's model spec of a live widget: its bundle name, synced state and binary buffers."""
    state, paths, buffers = _remove_buffers(widget.get_state())
    return pg.model_spec(getattr(type(widget), "_bundle", None) or "widget", state, pg.buffer_entries(paths, buffers))


def widget_fallback(widget) -> str:
    """The markup a reader without JavaScript sees: the widget's picture, else its text line."""
    snap = getattr(widget, "snapshot_png", None)
    png = snap() if callable(snap) else None
    if png:
        return pg.png_img(base64.b64encode(png).decode("ascii"), repr(widget))
    import html
    return f'<div class="tw-fallback-text">{html.escape(repr(widget))} (needs JavaScript)</div>'


def export_html(widget, path, *, title: str | None = None) -> Path:
    """Write `widget` (any taylor_widgets widget) as one offline HTML file; returns the path.

    The file holds the bundled JS and every trait; opening it needs no kernel, network or server.
    """
    esm = getattr(widget, "_esm", None)
    if esm is None or not hasattr(widget, "get_state"):
        raise TypeError(f"widget: expected an anywidget widget such as InteractionMatrix, got {type(widget).__name__}")
    esm = str(esm)
    if "\n" not in esm and esm.strip().endswith(".js"):  # anywidget keeps the path when the file is missing
        raise FileNotFoundError(
            f"widget: its JS bundle was not found ({esm[:120]}); build it with `cd js && npm run build`"
        )
    if title is not None:
        check_str(title, "title")
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path: expected a str or pathlib.Path, got {type(path).__name__}")
    path = Path(path)
    page_title = title if title is not None else (getattr(widget, "title", "") or type(widget).__name__)
    spec = widget_spec(widget)
    css = str(getattr(widget, "_css", "") or "")
    text = pg.page(page_title, pg.mount(widget.model_id, widget_fallback(widget)),
                   models={widget.model_id: spec}, bundles={spec["bundle"]: esm}, css=css)
    path.write_text(text, encoding="utf-8")
    return path
