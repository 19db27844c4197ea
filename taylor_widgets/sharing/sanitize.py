"""Markdown and HTML from a notebook made safe for an offline page: they are untrusted text.

Markdown is rendered by nbconvert's math-aware mistune renderer (so `$a_i$` is not read as
emphasis) and then cleaned with an allowlist (bleach): no scripts, no event handlers, no styles,
no ids (they could shadow the page's own elements), links only to http(s), mailto and anchors,
and images only from data: URLs (the notebook's attachments). An image from the web is replaced
by its alt text, since the page must not make a request. Math stays as its TeX source between $
signs (no MathJax: it would come from the web), marked with the class `tw-math`.
"""
from __future__ import annotations

import html
import re

import bleach
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "samp", "small",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
})
_IMAGE_DATA = re.compile(r"data:image/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]*$", re.I)
_LINK = re.compile(r"(https?:|mailto:|#)", re.I)
_CLASS = re.compile(r"[\w\s-]*")
# Elements whose content is not text for a reader: removed whole before cleaning (bleach would
# keep their inner text, e.g. a pandas <style> block, as visible text).
_DROP = re.compile(r"<(script|style|template|iframe|object|embed|noscript|textarea|title|xmp|svg|math)\b.*?</\1\s*>",
                   re.I | re.S)


def _allowed(tag: str, name: str, value: str) -> bool:
    if name in ("title", "alt"):
        return True
    if tag == "a" and name == "href":
        return bool(_LINK.match(value.strip()))
    if tag == "img" and name == "src":
        return bool(_IMAGE_DATA.match(value.strip()))
    if tag == "img" and name in ("width", "height"):
        return value.isdigit()
    if tag in ("td", "th") and name in ("align", "colspan", "rowspan"):
        return value.isalnum()
    if tag == "table" and name == "border":
        return value.isdigit()
    if name == "class":
        return bool(_CLASS.fullmatch(value))
    return False


_CLEANER = bleach.Cleaner(tags=TAGS, attributes=_allowed, protocols={"http", "https", "mailto", "data"},
                          strip=True, strip_comments=True)


def clean_html(markup: str) -> str:
    """Untrusted HTML (a text/html output, rendered markdown) cut down to the allowlist above."""
    return _CLEANER.clean(_DROP.sub("", markup))


class _Renderer(IPythonRenderer):
    """nbconvert's renderer, with images from data: only and math kept as marked text."""

    def image(self, text: str, url: str, title: str | None = None) -> str:
        src = self._embed_image_or_attachment(url)
        if not _IMAGE_DATA.match(src):
            return f'<span class="tw-noimg">[image not embedded: {html.escape(text or url)}]</span>'
        return super(IPythonRenderer, self).image(text, src, title)

    def inline_math(self, body: str) -> str:
        return f'<span class="tw-math">${self.escape_html(body)}$</span>'

    def block_math(self, body: str) -> str:
        return f'<div class="tw-math">$${self.escape_html(body)}$$</div>'


def markdown_html(source: str, attachments: dict | None = None) -> str:
    """A markdown cell's source as safe HTML; attachments: the cell's {name: {mime: base64}}."""
    renderer = _Renderer(escape=False, exclude_anchor_links=True, attachments=dict(attachments or {}))
    try:
        rendered = MarkdownWithMath(renderer=renderer).render(source)
    except Exception as err:  # noqa: BLE001 - a missing attachment must not lose the whole page
        rendered = f"<pre>{html.escape(source)}</pre><p class=\"tw-note\">{html.escape(str(err))}</p>"
    return clean_html(rendered)
