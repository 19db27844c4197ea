"""Standard ipywidgets in an offline page: a static rendering of their saved state.

Running ipywidgets' own controls needs its widget manager, which nbconvert loads from the web;
an offline page shows instead what each control held when the notebook was saved: boxes lay out
their children (a widget of this package inside a box is still live), an Output widget shows its
captured outputs, labels and HTML show their text (HTML sanitised), images their picture, and a
value control its description and value, marked as needing a kernel. Anything else is named.
All text is escaped.
"""
from __future__ import annotations

import html

_BOXES = {"VBoxModel": "column", "BoxModel": "row", "HBoxModel": "row", "GridBoxModel": "row"}
_TITLED = {"TabModel", "AccordionModel", "StackModel"}
_IMAGE_FORMATS = {"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg", "gif": "image/gif",
                  "svg+xml": "image/svg+xml"}


def _child_ids(state: dict) -> list[str]:
    ids = []
    for c in state.get("children") or []:
        if isinstance(c, str) and c.startswith("IPY_MODEL_"):
            ids.append(c[len("IPY_MODEL_"):])
    return ids


def _value_text(model_name: str, state: dict) -> str:
    """What a value control holds, as text: an option's label for selections, else the value."""
    labels = state.get("_options_labels")
    if isinstance(labels, list):
        index = state.get("index")
        picks = index if isinstance(index, list) else [index]
        chosen = [str(labels[i]) for i in picks if isinstance(i, int) and 0 <= i < len(labels)]
        return ", ".join(chosen) if chosen else "(none)"
    value = state.get("value")
    if isinstance(value, list):
        return " – ".join(str(v) for v in value)
    return "" if value is None else str(value)


def render_control(model_id: str, renderer, depth: int) -> str | None:
    """Static HTML for a standard ipywidget `model_id` from renderer.states, or None without state.

    renderer: the OutputRenderer of the page (children and captured outputs go back through it).
    """
    saved = renderer.states.get(model_id)
    if not isinstance(saved, dict):
        return None
    name, state = str(saved.get("model_name", "")), saved.get("state") or {}
    esc = html.escape
    desc = esc(str(state.get("description") or ""))

    def child(cid: str) -> str:
        return renderer.widget(cid, {}, {}, depth + 1) or f'<div class="tw-note">[widget {esc(cid[:8])} not shown offline]</div>'

    if name in _BOXES:
        inner = "".join(child(c) for c in _child_ids(state))
        return f'<div class="tw-box" style="display:flex;flex-direction:{_BOXES[name]};gap:8px;flex-wrap:wrap">{inner}</div>'
    if name in _TITLED:
        titles = state.get("titles") or []
        parts = []
        for i, cid in enumerate(_child_ids(state)):
            title = titles[i] if i < len(titles) and titles[i] else f"{i + 1}"
            parts.append(f'<div class="tw-titled"><div class="tw-title-bar">{esc(str(title))}</div>{child(cid)}</div>')
        return "".join(parts)
    if name == "OutputModel":
        return "".join(renderer.output(o, depth + 1) for o in state.get("outputs") or [])
    if name == "LabelModel":
        return f'<span class="tw-control">{esc(str(state.get("value") or ""))}</span>'
    if name in ("HTMLModel", "HTMLMathModel"):
        from .sanitize import clean_html

        return f'<div class="tw-control">{desc} {clean_html(str(state.get("value") or ""))}</div>'
    if name == "ImageModel":
        fmt = _IMAGE_FORMATS.get(str(state.get("format", "png")).lower())
        buffers = {tuple(b.get("path", [])): b for b in saved.get("buffers") or []}
        b = buffers.get(("value",))
        if fmt and b and b.get("encoding", "base64") == "base64":
            return renderer.image(fmt, b.get("data", ""), {})
        return '<div class="tw-note">[image widget: no picture saved]</div>'
    if name == "ButtonModel":
        return f'<button class="tw-control" disabled title="needs a live kernel">{desc}</button>'
    if name.endswith("Model") and ("value" in state or "index" in state):
        label = f"{desc}: " if desc else ""
        return (f'<span class="tw-control" title="saved value; changing it needs a live kernel">{label}'
                f"<b>{esc(_value_text(name, state))}</b></span>")
    kind = esc(name[:-5] if name.endswith("Model") else name or "widget")
    return f'<div class="tw-note">[{kind} widget: needs a live kernel]</div>'
