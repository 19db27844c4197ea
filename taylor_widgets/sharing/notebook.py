"""A whole notebook as one offline HTML file: markdown, code and outputs, widgets live from saved state.

`export_notebook(src, dst)` and `jupyter nbconvert --to taylor_html` (exporter.py) both end in
`notebook_page`. The page makes no request: no require.js, no widget manager from a CDN, no
MathJax (math stays as TeX text), every image inline; markdown and HTML outputs are sanitised.
"""
from __future__ import annotations

import html
from pathlib import Path

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer, get_lexer_by_name
from pygments.util import ClassNotFound

from . import page as pg
from .outputs import OutputRenderer
from .sanitize import markdown_html

STATE_MIME = "application/vnd.jupyter.widget-state+json"

NOTEBOOK_CSS = """
.tw-cell { margin: 10px 0; }
.tw-in { display: flex; gap: 8px; }
.tw-prompt { color: #307fc1; font-family: ui-monospace, monospace; font-size: 12px; min-width: 64px;
             text-align: right; padding-top: 6px; flex: none; }
.tw-prompt.tw-out-prompt { color: #bf5b3d; }
.tw-src { flex: 1; min-width: 0; background: #f5f5f5; border: 1px solid #e0e0e0; border-radius: 2px; }
.tw-src pre, .tw-outputs pre { margin: 0; padding: 6px 8px; overflow-x: auto; font-size: 13px;
             font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
.tw-outputs { margin-left: 72px; min-width: 0; }
.tw-outputs > * { margin: 4px 0; }
.tw-stderr { background: #fdd; }
.tw-error { background: #fdd; }
.tw-md table, .tw-html table { border-collapse: collapse; font-size: 13px; }
.tw-md td, .tw-md th, .tw-html td, .tw-html th { border: 1px solid #ccc; padding: 2px 6px; }
.tw-math { font-family: ui-monospace, monospace; color: #444; }
.tw-img { max-width: 100%; height: auto; }
.tw-control { display: inline-block; padding: 2px 6px; border: 1px dashed #bbb; border-radius: 3px; font-size: 13px; }
.tw-title-bar { font-weight: 600; font-size: 13px; border-bottom: 1px solid #ddd; margin-top: 6px; }
.tw-banner { font-size: 12px; color: #555; border-bottom: 1px solid #eee; padding-bottom: 6px; margin-bottom: 12px; }
"""


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _lexer(nb):
    info = nb.get("metadata", {}).get("language_info", {}) or {}
    for name in (info.get("pygments_lexer"), info.get("name")):
        if name:
            try:
                return get_lexer_by_name(str(name))
            except ClassNotFound:
                continue
    return PythonLexer()


def widget_states(nb) -> dict:
    """model id → saved state, from the notebook's metadata (empty when the state was not saved)."""
    widgets = nb.get("metadata", {}).get("widgets", {}) or {}
    return dict((widgets.get(STATE_MIME) or {}).get("state") or {})


def notebook_page(nb, *, title: str, exclude_input: bool = False, exclude_output: bool = False,
                  exclude_markdown: bool = False, exclude_prompts: bool = False) -> tuple[str, dict]:
    """(page HTML, counts) for a notebook node; counts: {"widgets_live", "pictures"}."""
    renderer = OutputRenderer(widget_states(nb))
    lexer, formatter = _lexer(nb), HtmlFormatter(cssclass="highlight")
    parts = []
    for cell in nb.get("cells", []):
        kind = cell.get("cell_type")
        if kind == "markdown" and not exclude_markdown:
            parts.append(f'<div class="tw-cell tw-md">{markdown_html(_source(cell), cell.get("attachments"))}</div>')
        elif kind == "raw" and not exclude_input:
            parts.append(f'<div class="tw-cell"><pre>{html.escape(_source(cell))}</pre></div>')
        elif kind == "code":
            count = cell.get("execution_count")
            prompt = "" if exclude_prompts else f"In [{count if count is not None else ' '}]:"
            block = []
            if not exclude_input:
                code = highlight(_source(cell), lexer, formatter)
                block.append(f'<div class="tw-in"><div class="tw-prompt">{html.escape(prompt)}</div>'
                             f'<div class="tw-src">{code}</div></div>')
            if not exclude_output and cell.get("outputs"):
                outs = "".join(renderer.output(o) for o in cell["outputs"])
                block.append(f'<div class="tw-outputs">{outs}</div>')
            if block:
                parts.append(f'<div class="tw-cell tw-code">{"".join(block)}</div>')
    banner = ('<div class="tw-banner">Saved notebook: the widgets answer clicks from their saved state; '
              "recomputing needs the notebook and a live kernel.</div>") if renderer.live else ""
    body = banner + "\n".join(parts)
    css = NOTEBOOK_CSS + formatter.get_style_defs(".highlight")
    text = pg.page(title, body, models=renderer.models, bundles=renderer.bundles, css=css)
    return text, {"widgets_live": renderer.live, "pictures": renderer.pictures}


def _merge_state(nb, widget_state) -> None:
    """Put widget states (ipywidgets' manager-state format) into the notebook's metadata, newest first."""
    if widget_state is None:
        return
    if not isinstance(widget_state, dict):
        raise TypeError(f"widget_state: expected a dict (ipywidgets' manager state), got {type(widget_state).__name__}")
    states = widget_state.get("state", widget_state)
    if not isinstance(states, dict):
        raise TypeError("widget_state: expected {'state': {model_id: {...}}} or {model_id: {...}}")
    meta = nb.setdefault("metadata", {}).setdefault("widgets", {}).setdefault(
        STATE_MIME, {"version_major": 2, "version_minor": 0, "state": {}})
    meta.setdefault("state", {}).update(states)


def export_notebook(src, dst, *, title: str | None = None, widget_state: dict | None = None) -> Path:
    """Write notebook `src` (.ipynb, as saved) as one offline HTML file `dst`; returns the Path written.

    The file shows markdown, code and outputs; every widget of this package is drawn live from
    its saved state and answers clicks with no kernel; other outputs show their picture or text.
    title: the page title (default: the file name). widget_state: extra widget states, e.g.
    `ipywidgets.Widget.get_manager_state()` from a live kernel, which override the saved ones.
    """
    import nbformat

    from .exporter import TaylorHTMLExporter

    for name, value in (("src", src), ("dst", dst)):
        if not isinstance(value, (str, Path)):
            raise TypeError(f"{name}: expected a str or pathlib.Path, got {type(value).__name__}")
    src, dst = Path(src), Path(dst)
    if not src.is_file():
        raise ValueError(f"src: no notebook file at {src}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title: expected a str, got {type(title).__name__}")
    try:
        nb = nbformat.read(src, as_version=4)
    except Exception as err:  # noqa: BLE001 - any parse failure is the same user error
        raise ValueError(f"src: {src} is not a readable notebook ({type(err).__name__}: {err})") from None
    _merge_state(nb, widget_state)
    exporter = TaylorHTMLExporter()
    if title is not None:
        nb.setdefault("metadata", {})["title"] = title
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": src.stem, "path": str(src.parent)}})
    dst.write_text(body, encoding="utf-8")
    return dst
