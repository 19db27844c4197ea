"""Sharing: the IPython extension, offline pages of one widget or a whole notebook, the nbconvert exporter.

- `%load_ext taylor_widgets` shows results as their widgets (extension.py);
- `export_notebook(src, dst)` and `jupyter nbconvert --to taylor_html` write one offline HTML
  file of a notebook (notebook.py, exporter.py) on the page that `tw.export_html` uses for one
  widget (page.py; the runtime is js/src/offline/).
Nothing here is imported by taylor_widgets.core.
"""
from __future__ import annotations

__all__ = ["export_notebook"]


def export_notebook(src, dst, *, title=None, widget_state=None):
    """Write notebook `src` (.ipynb) as one offline HTML file `dst`; returns the Path written.

    See taylor_widgets/sharing/notebook.py (imported here on first use: it needs nbconvert).
    """
    from .notebook import export_notebook as run

    return run(src, dst, title=title, widget_state=widget_state)
