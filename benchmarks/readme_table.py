"""Write a benchmark's generated table into the README between named markers.

    <!-- audit -->
    …generated; replaced as a whole on the next run…
    <!-- /audit -->

A benchmark calls `write_section("README.md", "audit", text)`; nothing outside the markers changes.
"""
from __future__ import annotations

import re
from pathlib import Path


def replace_section(document: str, name: str, body: str) -> str:
    """`document` with the text between `<!-- name -->` and `<!-- /name -->` replaced by `body`.

    The markers stay. A lone opening marker (a placeholder) gains its closing marker. Raises
    ValueError when the opening marker is missing or appears more than once.
    """
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name or ""):
        raise ValueError(f"name: expected letters, digits, '-' or '_', got {name!r}")
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    count = document.count(start)
    if count != 1:
        raise ValueError(f"document: expected exactly one {start!r} marker, found {count}")
    head, rest = document.split(start, 1)
    if end in rest:
        tail = rest.split(end, 1)[1]
    else:  # a placeholder: keep what followed it
        tail = rest
    return f"{head}{start}\n{body.strip()}\n{end}{tail}"


def write_section(path, name: str, body: str) -> None:
    """Rewrite the file at `path` with `body` between its `name` markers."""
    p = Path(path)
    p.write_text(replace_section(p.read_text(encoding="utf-8"), name, body), encoding="utf-8")
