"""`jupyter nbconvert --to taylor_html NB.ipynb`: one offline HTML file of a notebook.

Registered through the `nbconvert.exporters` entry point (pyproject.toml). nbconvert's own HTML
exporter loads require.js, the widget manager and MathJax from the web, so an offline reader sees
blank widget cells; this one writes the page of notebook.py instead. nbconvert's preprocessors
(--execute, tag removal, …) and the --no-input / --no-prompt options apply as usual.
"""
from __future__ import annotations

from nbconvert.exporters import Exporter, HTMLExporter

from .notebook import notebook_page


class TaylorHTMLExporter(HTMLExporter):
    """A notebook as one self-contained HTML page whose taylor_widgets widgets answer clicks offline."""

    export_from_notebook = "HTML, offline widgets (taylor_widgets)"

    def _file_extension_default(self):
        return ".html"

    def from_notebook_node(self, nb, resources=None, **kw):
        # Exporter's step only: copy the notebook and run the configured preprocessors; the page
        # is ours, not a Jinja template's.
        nb_copy, resources = Exporter.from_notebook_node(self, nb, resources, **kw)
        meta = resources.get("metadata", {}) or {}
        title = nb_copy.get("metadata", {}).get("title") or meta.get("name") or "Notebook"
        output, counts = notebook_page(
            nb_copy, title=str(title), exclude_input=self.exclude_input, exclude_output=self.exclude_output,
            exclude_markdown=self.exclude_markdown,
            exclude_prompts=self.exclude_input_prompt or self.exclude_output_prompt,
        )
        resources["taylor_widgets"] = counts
        resources["output_extension"] = ".html"
        return output, resources
