"""One offline HTML page that draws stored widgets with no kernel and no network.

Shared by `tw.export_html` (one widget) and `tw.export_notebook` / `nbconvert --to taylor_html`
(a whole notebook). The page inlines, as inert JSON script tags, each widget bundle once and each
widget's saved state (binary buffers base64-encoded at their paths), plus the offline runtime
(js/src/offline/runtime.js, built to static/offline_runtime.js), which draws every mount point
`<div class="tw-mount" data-model-id=…>` with the bundle's own `render` over an in-page model.
A mount point holds the widget's picture until then, so a reader without JavaScript sees it.

The Content-Security-Policy allows no request at all (`default-src 'none'`; images and fonts only
from data: and blob: URLs) and runs only the scripts that carry this page's nonce: markup that
slipped through the sanitiser of markdown or HTML outputs could not run a script or load anything.
Those scripts may compile WebAssembly ('wasm-unsafe-eval'), which the summary view uses.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "static"

#: Trait names that are not part of a view's state (the bundle travels separately; layout and
#: styling models are ipywidgets' own).
SKIP_TRAITS = frozenset({"_esm", "_css", "layout", "tabbable", "tooltip", "_dom_classes"})

# 'wasm-unsafe-eval' lets the page's own scripts compile WebAssembly (the summary's beeswarm
# kernel, js/src/lib/beeswarm_kernel.js); it allows no eval of JavaScript and no script without
# the nonce.
CSP = ("default-src 'none'; script-src 'nonce-{nonce}' blob: 'wasm-unsafe-eval'; style-src 'unsafe-inline'; "
       "img-src data: blob:; font-src data:; base-uri 'none'; form-action 'none'")

BASE_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 16px auto; max-width: 1100px;
       color: #222; background: #fff; line-height: 1.45; padding: 0 16px; }
.tw-note { color: #8a5300; font-size: 12px; margin: 4px 0; }
.tw-mount > img { max-width: 100%; height: auto; }
.tw-fallback-text { white-space: pre-wrap; font-family: ui-monospace, monospace; font-size: 12px; color: #555; }
"""


def json_script(value, **attrs) -> str:
    """`value` as JSON in an inert script tag; <, > and & are escaped so no text can close the tag.

    attrs: HTML attributes (`class_` for class, `data_x` for data-x), values escaped.
    """
    text = json.dumps(value).replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    extra = "".join(f' {k.rstrip("_").replace("_", "-")}="{html.escape(str(v))}"' for k, v in attrs.items())
    return f'<script type="application/json"{extra}>{text}</script>'


def read_static(name: str) -> str:
    """The text of a built file in taylor_widgets/static; a clear error when it was not built."""
    path = STATIC / name
    if not path.exists():
        raise FileNotFoundError(f"{name} was not found in {STATIC}; build the front end with `cd js && npm run build`")
    return path.read_text(encoding="utf-8")


def buffer_entries(paths, buffers) -> list[dict]:
    """[{"path": [...], "data": base64}] for binary buffers found at `paths` of a state."""
    return [{"path": list(p), "data": base64.b64encode(bytes(b)).decode("ascii")} for p, b in zip(paths, buffers)]


def model_spec(bundle: str, state: dict, buffers: list[dict]) -> dict:
    """What the runtime reads for one widget: its bundle name, its state without SKIP_TRAITS, its buffers."""
    return {"bundle": bundle, "state": {k: v for k, v in state.items() if k not in SKIP_TRAITS}, "buffers": buffers}


def mount(model_id: str, fallback_html: str) -> str:
    """A mount point for widget `model_id`; `fallback_html` (trusted markup) shows until it is live."""
    return f'<div class="tw-mount" data-model-id="{html.escape(model_id)}">{fallback_html}</div>'


def png_img(b64: str, alt: str) -> str:
    """An <img> of base64 PNG data (validated base64, so nothing else can enter the attribute)."""
    if not re.fullmatch(r"[A-Za-z0-9+/=\s]*", b64):
        raise ValueError("image/png: expected base64 data")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{"".join(b64.split())}">'


def page(title: str, body: str, *, models: dict[str, dict], bundles: dict[str, str], css: str = "") -> str:
    """The whole page. body: trusted markup (already escaped or sanitised) with mount points;
    models: model id → model_spec(); bundles: bundle name → ES module source."""
    data = "\n".join(
        [json_script(src, class_="tw-esm", data_bundle=name) for name, src in sorted(bundles.items())]
        + [json_script(spec, class_="tw-model", data_model_id=mid) for mid, spec in models.items()]
    )
    runtime = read_static("offline_runtime.js")
    # A nonce that no author of the content can know in advance: it hashes the content itself.
    nonce = hashlib.sha256((body + data + runtime).encode("utf-8")).hexdigest()[:32]
    script = f'<script type="module" nonce="{nonce}">{runtime}</script>'
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP.format(nonce=nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{BASE_CSS}{css}</style>
</head><body>
{body}
{data}
{script}
</body></html>
"""


def read_models(text: str) -> dict[str, dict]:
    """model id → model_spec() of every widget stored in a page that `page()` wrote (for tests and tools)."""
    out = {}
    for m in re.finditer(r'<script type="application/json" class="tw-model" data-model-id="([^"]*)">(.*?)</script>',
                         text, re.S):
        out[html.unescape(m.group(1))] = json.loads(m.group(2))
    return out
