"""Cell outputs as offline HTML: live mount points for this package's widgets, pictures for the rest.

An output's richest safe form is chosen: a widget of this package becomes a mount point that the
offline runtime draws from the saved state (its picture shows until then, and stays without
JavaScript); a standard ipywidget becomes a static rendering of its saved value (controls.py);
then HTML (sanitised), SVG/PNG/JPEG/GIF images (as data: URLs), markdown, LaTeX and JSON as text,
and plain text. Widget code is never taken from the notebook: a widget of this package is drawn
by the installed package's own bundle, found from the class named in its state.
"""
from __future__ import annotations

import base64
import html
import importlib
import json

from nbconvert.filters.ansi import ansi2html

from . import page as pg
from .controls import render_control
from .sanitize import clean_html, markdown_html

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
_IMAGES = ("image/svg+xml", "image/png", "image/jpeg", "image/gif")
_MAX_DEPTH = 8  # nested Output/Box widgets


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def package_bundle(state: dict) -> str | None:
    """The bundle name of a widget of this package, from the class its saved state names, or None."""
    cls_path = state.get("_anywidget_id")
    if not isinstance(cls_path, str) or not cls_path.startswith("taylor_widgets."):
        return None
    module, _, name = cls_path.rpartition(".")
    try:
        cls = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None
    from ..widgets.base import TaylorWidget

    return getattr(cls, "_bundle", None) if isinstance(cls, type) and issubclass(cls, TaylorWidget) else None


def _buffers(entries) -> list[dict]:
    """The notebook's buffer entries ({path, encoding, data}) as the runtime's ({path, data} base64)."""
    out = []
    for b in entries or []:
        data = b.get("data", "")
        if b.get("encoding") == "hex":
            data = base64.b64encode(bytes.fromhex(data)).decode("ascii")
        out.append({"path": list(b.get("path", [])), "data": data})
    return out


class OutputRenderer:
    """Renders outputs; collects the widget models and bundles that the page must carry.

    widget_states: model id → the notebook's saved widget state ({model_name, model_module,
    state, buffers}), i.e. metadata.widgets["application/vnd.jupyter.widget-state+json"]["state"].
    """

    def __init__(self, widget_states: dict):
        self.states = widget_states or {}
        self.models: dict[str, dict] = {}
        self.bundles: dict[str, str] = {}
        self.live, self.pictures = 0, 0  # counts, for a report

    # --- one output ---
    def output(self, out: dict, depth: int = 0) -> str:
        kind = out.get("output_type")
        if kind == "stream":
            cls = "tw-stderr" if out.get("name") == "stderr" else "tw-stdout"
            return f'<pre class="tw-stream {cls}">{ansi2html(_text(out.get("text", "")))}</pre>'
        if kind == "error":
            tb = "\n".join(out.get("traceback") or [f"{out.get('ename', '')}: {out.get('evalue', '')}"])
            return f'<pre class="tw-error">{ansi2html(tb)}</pre>'
        if kind in ("display_data", "execute_result"):
            return self.data(out.get("data", {}), out.get("metadata", {}), depth)
        return ""

    def data(self, data: dict, metadata: dict, depth: int = 0) -> str:
        if WIDGET_MIME in data:
            model_id = str((data[WIDGET_MIME] or {}).get("model_id", ""))
            shown = self.widget(model_id, data, metadata, depth)
            if shown is not None:
                return shown
            rest = {k: v for k, v in data.items() if k != WIDGET_MIME}
            note = ("interactive widget that cannot run offline: shown as saved" if model_id in self.states
                    else "widget state not saved in the notebook: its picture, where it has one")
            return self.data(rest, metadata, depth) + f'<div class="tw-note">{note}</div>'
        if "text/html" in data:
            return f'<div class="tw-html">{clean_html(_text(data["text/html"]))}</div>'
        for mime in _IMAGES:
            if mime in data:
                return self.image(mime, data[mime], metadata.get(mime) or {})
        if "text/markdown" in data:
            return f'<div class="tw-md">{markdown_html(_text(data["text/markdown"]))}</div>'
        if "text/latex" in data:
            return f'<pre class="tw-latex">{html.escape(_text(data["text/latex"]))}</pre>'
        if "application/json" in data:
            return f'<pre class="tw-json">{html.escape(json.dumps(data["application/json"], indent=1))}</pre>'
        if "text/plain" in data:
            return f'<pre class="tw-plain">{ansi2html(_text(data["text/plain"]))}</pre>'
        return ""

    def image(self, mime: str, value, meta: dict) -> str:
        if mime == "image/svg+xml":  # an <img> of SVG runs no script and loads nothing
            value = base64.b64encode(_text(value).encode("utf-8")).decode("ascii")
        b64 = "".join(_text(value).split())
        if not all(c.isalnum() or c in "+/=" for c in b64):
            return '<div class="tw-note">[image with malformed data left out]</div>'
        size = "".join(f' {k}="{int(meta[k])}"' for k in ("width", "height")
                       if isinstance(meta.get(k), (int, float)) and not isinstance(meta.get(k), bool))
        return f'<img class="tw-img"{size} alt="" src="data:{mime};base64,{b64}">'

    # --- widgets ---
    def widget(self, model_id: str, data: dict, metadata: dict, depth: int) -> str | None:
        """A saved widget: live for this package's, static for standard ipywidgets; None without state."""
        saved = self.states.get(model_id)
        if not isinstance(saved, dict) or depth > _MAX_DEPTH:
            return None
        state = saved.get("state") or {}
        bundle = package_bundle(state) if saved.get("model_name") == "AnyModel" else None
        if bundle is not None:
            return self.live_mount(model_id, saved, bundle, self._fallback(data))
        if str(saved.get("model_module", "")).startswith("@jupyter-widgets/"):
            return render_control(model_id, self, depth)
        return None  # another library's widget: its code is not taken from the notebook

    def live_mount(self, model_id: str, saved: dict, bundle: str, fallback: str) -> str:
        if bundle not in self.bundles:
            self.bundles[bundle] = pg.read_static(f"{bundle}.js")
        self.models[model_id] = pg.model_spec(bundle, saved.get("state") or {}, _buffers(saved.get("buffers")))
        self.live += 1
        return pg.mount(model_id, fallback)

    def _fallback(self, data: dict) -> str:
        if "image/png" in data:
            self.pictures += 1
            return pg.png_img(_text(data["image/png"]), _text(data.get("text/plain", "")))
        return f'<div class="tw-fallback-text">{html.escape(_text(data.get("text/plain", "")))}</div>'
