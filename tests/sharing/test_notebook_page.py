"""export_notebook's page, read as text: what each output becomes, sanitising, the standard-ipywidget
fallbacks, argument errors. (The same pages in Chromium: tests/browser/test_sharing_notebooks_browser.py.)"""
import base64

import ipywidgets as ipw
import nbformat
import numpy as np
import pytest

import taylor_widgets as tw
from taylor_widgets.sharing.extension import live_widget_state
from taylor_widgets.sharing.notebook import STATE_MIME
from taylor_widgets.sharing.page import read_models
from taylor_widgets.sharing.sanitize import clean_html, markdown_html

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 16).decode()


def write(tmp_path, cells, state=None, name="nb.ipynb"):
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    if state is not None:
        nb.metadata["widgets"] = {STATE_MIME: state}
    nbformat.write(nb, tmp_path / name)
    return tmp_path / name


def display(obj):
    bundle = obj._repr_mimebundle_()
    return nbformat.v4.new_output("display_data", data=bundle[0] if isinstance(bundle, tuple) else bundle)


def test_a_package_widget_is_live_from_its_state_with_its_picture_until_then(tmp_path):
    w = tw.InteractionMatrix(np.eye(3), ["a", "b", "c"])
    out = display(w)
    out["data"]["image/png"] = PNG
    src = write(tmp_path, [nbformat.v4.new_code_cell("w", outputs=[out])], live_widget_state())
    text = tw.export_notebook(src, tmp_path / "o.html").read_text()
    spec = read_models(text)[w.model_id]
    assert spec["bundle"] == "interaction_matrix" and spec["state"]["feature_names"] == ["a", "b", "c"]
    assert "_esm" not in spec["state"] and {tuple(b["path"]) for b in spec["buffers"]} >= {("matrix", "view")}
    assert f'<div class="tw-mount" data-model-id="{w.model_id}"><img alt=' in text and PNG in text
    assert text.count('class="tw-esm"') == 1  # the bundle once, from the installed package


def test_without_saved_state_the_picture_stays_with_a_note(tmp_path):
    out = display(tw.InteractionMatrix(np.eye(2)))
    out["data"]["image/png"] = PNG
    text = tw.export_notebook(write(tmp_path, [nbformat.v4.new_code_cell("w", outputs=[out])]), tmp_path / "o.html").read_text()
    assert read_models(text) == {} and PNG in text and "widget state not saved in the notebook" in text


def test_widget_code_is_never_taken_from_the_notebook(tmp_path):
    w = tw.InteractionMatrix(np.eye(2))
    state = live_widget_state()
    state["state"][w.model_id]["state"]["_esm"] = "window.__pwned = 1"
    state["state"][w.model_id]["state"]["_anywidget_id"] = "evil.Widget"  # not this package: no live view
    text = tw.export_notebook(write(tmp_path, [nbformat.v4.new_code_cell("w", outputs=[display(w)])], state),
                              tmp_path / "o.html").read_text()
    assert "__pwned" not in text and read_models(text) == {} and "cannot run offline" in text


def test_standard_ipywidgets_show_their_saved_values_and_boxes_keep_our_widgets_live(tmp_path):
    m = tw.InteractionMatrix(np.eye(2))
    out_w = ipw.Output()
    out_w.outputs = ({"output_type": "stream", "name": "stdout", "text": "captured <b>"},)
    box = ipw.VBox([ipw.IntSlider(value=7, description="k <i>"), ipw.Dropdown(options=["x", "y"], value="y"),
                    ipw.HTML("<b>bold</b><script>bad()</script>"), ipw.Button(description="go"), out_w, m])
    text = tw.export_notebook(write(tmp_path, [nbformat.v4.new_code_cell("b", outputs=[display(box)])],
                                    live_widget_state()), tmp_path / "o.html").read_text()
    assert "k &lt;i&gt;: <b>7</b>" in text and "<b>y</b>" in text and "<b>bold</b>" in text and "bad()" not in text
    assert '<button class="tw-control" disabled' in text and "captured &lt;b&gt;" in text
    assert m.model_id in read_models(text)


@pytest.mark.parametrize("markup, kept, gone", [
    ("<script>alert(1)</script>x", "x", "alert"),
    ('<img src=x onerror="alert(1)">', "<img", "onerror"),
    ('<a href="javascript:alert(1)">l</a>', "l</a>", "javascript"),
    ('<a href="https://example.com" onclick="f()">l</a>', 'href="https://example.com"', "onclick"),
    ('<img src="https://example.com/a.png">', "<img", "example.com"),
    ('<div id="tw-x" style="color:red" class="k">t</div>', 'class="k"', "style"),
    ("<style>p{}</style><iframe src=x></iframe><svg onload=f()></svg>t", "t", "iframe"),
    (f'<img src="data:image/png;base64,{PNG}">', f"data:image/png;base64,{PNG}", "onerror"),
])
def test_clean_html_keeps_text_and_safe_markup_only(markup, kept, gone):
    out = clean_html(markup)
    assert kept in out and gone not in out and "<style" not in out and 'id="' not in out


def test_markdown_math_stays_text_and_attachments_embed(tmp_path):
    out = markdown_html("Γ is $a_i b_j$ and *x*\n\n![pic](attachment:p.png) ![web](https://example.com/w.png)",
                        {"p.png": {"image/png": PNG}})
    assert '<span class="tw-math">$a_i b_j$</span>' in out and "<em>x</em>" in out
    assert f'src="data:image/png;base64,{PNG}"' in out and "[image not embedded: web]" in out
    assert "example.com" not in out.replace("[image not embedded: web]", "")


def test_export_notebook_names_its_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="^src: no notebook file"):
        tw.export_notebook(tmp_path / "missing.ipynb", tmp_path / "o.html")
    with pytest.raises(TypeError, match="^dst: expected a str"):
        tw.export_notebook(tmp_path / "x.ipynb", 5)
    (tmp_path / "bad.ipynb").write_text("{not json")
    with pytest.raises(ValueError, match="^src: .* is not a readable notebook"):
        tw.export_notebook(tmp_path / "bad.ipynb", tmp_path / "o.html")
    src = write(tmp_path, [])
    with pytest.raises(TypeError, match="^widget_state: expected a dict"):
        tw.export_notebook(src, tmp_path / "o.html", widget_state=[1])
    with pytest.raises(TypeError, match="^title: expected a str"):
        tw.export_notebook(src, tmp_path / "o.html", title=3)


def test_a_value_beyond_float32_is_named_not_called_inf():
    with pytest.raises(ValueError, match=r"^baseline: 1e\+40 \(at flat index 2\) is outside the float32 range"):
        tw.widgets.serialize.as_float32([0.0, 1.0, 1e40], "baseline")
