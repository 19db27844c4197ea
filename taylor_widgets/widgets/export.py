"""export_html: one self-contained HTML file that draws a widget with no kernel and no network.

ipywidgets' embed_minimal_html loads the widget manager from a CDN, so instead the page inlines
the widget's bundled ES module and its saved state, and calls the module's `render({model, el})`
with a small in-page model (get/set/on/off/save_changes/send). Clicks, drill-down, ordering and
PNG/CSV export work from the saved traits; `send` throws at once, so a recompute request fails
fast and the view says a live kernel is needed.
"""
from __future__ import annotations

import base64
import html
import json
from pathlib import Path

from ipywidgets.widgets.widget import _remove_buffers

from .checks import check_str

_SKIP = {"_esm", "_css", "layout", "tabbable", "tooltip", "_dom_classes"}

# The in-page model: the subset of the anywidget model API that render() uses.
_SHIM = r"""
const b64 = (s) => { const bin = atob(s); const u = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) u[i] = bin.charCodeAt(i); return u.buffer; };
const read = (id) => JSON.parse(document.getElementById(id).textContent);
const spec = read("tw-state");
const state = spec.state;
spec.buffers.forEach(({ path, data }) => {
  let o = state; for (const k of path.slice(0, -1)) o = o[k];
  o[path[path.length - 1]] = new DataView(b64(data));
});
const listeners = new Map();
const emit = (ev, ...a) => (listeners.get(ev) || []).slice().forEach((cb) => cb(...a));
const model = {
  get: (k) => state[k],
  set: (k, v) => { const old = state[k]; state[k] = v; if (old !== v) { emit(`change:${k}`, v); emit("change", v); } },
  on: (ev, cb) => { for (const e of ev.split(" ")) { if (!listeners.has(e)) listeners.set(e, []); listeners.get(e).push(cb); } },
  off: (ev, cb) => { for (const e of (ev ? ev.split(" ") : [...listeners.keys()])) {
    listeners.set(e, cb ? (listeners.get(e) || []).filter((f) => f !== cb) : []); } },
  save_changes: () => {},
  send: () => { throw new Error("live kernel needed: this is a static HTML export"); },
  widget_manager: { get_model: () => Promise.reject(new Error("live kernel needed")) },
};
window.__tw_model = model;
const url = URL.createObjectURL(new Blob([read("tw-esm")], { type: "text/javascript" }));
const mod = await import(url);
let widget = mod.default ?? mod;
if (typeof widget === "function") widget = await widget();
const el = document.getElementById("tw-widget");
const t0 = performance.now();
await widget.initialize?.({ model });
await widget.render({ model, el });
window.__tw_timing = { render_ms: performance.now() - t0 };  // read by benchmarks/widget_render.py
document.body.dataset.twReady = "1";
"""


def _json_script(element_id: str, value) -> str:
    """A JSON payload in a script tag; <, > and & are escaped so no text can close the tag."""
    text = json.dumps(value).replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return f'<script type="application/json" id="{element_id}">{text}</script>'


def _state_of(widget) -> dict:
    """The widget's synced state, with binary buffers base64-encoded and their paths kept."""
    state = {k: v for k, v in widget.get_state().items() if k not in _SKIP}
    state, paths, buffers = _remove_buffers(state)
    return {
        "state": state,
        "buffers": [{"path": p, "data": base64.b64encode(bytes(b)).decode("ascii")} for p, b in zip(paths, buffers)],
    }


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
    css = str(getattr(widget, "_css", "") or "")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' blob:; style-src 'unsafe-inline'; img-src data: blob:">
<title>{html.escape(page_title)}</title>
<style>body {{ font-family: system-ui, sans-serif; margin: 16px; }}</style>
{f"<style>{css}</style>" if css else ""}
</head><body>
<div id="tw-widget"></div>
{_json_script("tw-state", _state_of(widget))}
{_json_script("tw-esm", esm)}
<script type="module">{_SHIM}</script>
</body></html>
"""
    path.write_text(page, encoding="utf-8")
    return path
