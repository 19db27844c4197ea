"""%load_ext taylor_widgets: results show as their widgets; %unload_ext restores; %tw_export; _repr_html_."""
import html

import nbformat
import pytest
import torch
from ipywidgets import Widget
from IPython.core.interactiveshell import InteractiveShell

import taylor_widgets as tw
from taylor_widgets.sharing import extension as ext
from taylor_widgets.sharing.page import read_models
from _models import TaylorPoly, TinyConv, smooth_mlp

torch.set_num_threads(1)
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
NAMES = ["a", "<img src=x onerror=alert(1)>", "c", "d"]
X = torch.randn(2, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(0))


@pytest.fixture
def ip():
    shell = InteractiveShell.instance()
    shell.display_formatter.active_types = ["text/plain", "text/html", "image/png", WIDGET_MIME]
    yield shell
    shell.extension_manager.unload_extension("taylor_widgets")


def shown(ip, obj):
    data, _ = ip.display_formatter.format(obj)
    return data


def widget_of(data):
    return Widget.widgets[data[WIDGET_MIME]["model_id"]]


def _results():
    mlp = smooth_mlp(4)
    img = torch.rand(2, 1, 5, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    return {
        "ih": (tw.integrated_hessians(mlp, X, feature_names=NAMES), tw.InteractionMatrix),
        "cd": (tw.cross_derivatives(mlp, X), tw.InteractionMatrix),
        "gi": (tw.global_interactions(mlp, X, order=3), tw.InteractionMatrix),
        "nid": (tw.nid(smooth_mlp(4).float(), order=2), tw.InteractionMatrix),
        "grad_cam": (tw.grad_cam(TinyConv().double(), img, "conv", target=1), tw.CAMViewer),
        "taylor_cam": (tw.taylor_cam(TinyConv().double(), img, "conv", target=1), tw.CAMViewer),
        "audit": (tw.attribution_audit(TaylorPoly(), X, methods=["occlusion_1", "shapley_value"]), tw.AllocationView),
        "effects": (tw.taylor_effects(TaylorPoly(), X), tw.AllocationView),
        "tokens": (_token_result(), tw.TextInteractions),
    }


def _token_result():
    """IH per token of a tiny transformer explained from ids (embedding=)."""
    model = tw.tiny_text_transformer(vocab=10, max_len=4, seed=0, dim=8, layers=1, heads=2, hidden=8).double()
    return tw.integrated_hessians(model, torch.tensor([[1, 2, 3]]), target=0, embedding=model.embedding,
                                  feature_names=["not", "<b>bad</b>", "!"])


def test_loaded_extension_shows_each_result_as_its_widget(ip):
    results = _results()
    for name, (r, _) in results.items():
        assert WIDGET_MIME not in shown(ip, r), name  # plain display before the extension
    ip.extension_manager.load_extension("taylor_widgets")
    for name, (r, cls) in results.items():
        data = shown(ip, r)
        assert isinstance(widget_of(data), cls), name
        assert "text/html" not in data, name  # the picture is not hidden behind an HTML table
        assert "make it live" in data["text/plain"], name


def test_the_widget_holds_the_result(ip):
    ip.extension_manager.load_extension("taylor_widgets")
    ih = tw.integrated_hessians(smooth_mlp(4), X, feature_names=NAMES)
    w = widget_of(shown(ip, ih))
    assert w.feature_names == NAMES
    torch.testing.assert_close(torch.from_numpy(w.matrix).double(), ih.values, atol=1e-6, rtol=1e-6)
    img = torch.rand(2, 3, 5, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(2)) * 4 - 2
    conv = torch.nn.Sequential(torch.nn.Conv2d(3, 2, 3, padding=1), torch.nn.Softplus(), torch.nn.Flatten(),
                               torch.nn.Linear(50, 2)).double()
    cam = widget_of(shown(ip, tw.grad_cam(conv, img, "0", target=0)))
    # normalised images are drawn rescaled to [0, 1], each on its own range
    assert cam.images.shape == (2, 5, 5, 3) and cam.images.min() == 0.0 and cam.images.max() == 1.0


def test_taylor_effects_show_the_even_split_which_keeps_every_principle(ip):
    ip.extension_manager.load_extension("taylor_widgets")
    w = widget_of(shown(ip, tw.taylor_effects(TaylorPoly(), X)))
    assert w.methods == ["shapley_value"]
    [marks] = w.marks
    for key in ("P1", "P2_leak", "P2_amount", "P3_leak", "P3_amount"):
        assert max(marks[key]) < 1e-12, key


def test_results_without_a_widget_keep_their_summary(ip):
    ip.extension_manager.load_extension("taylor_widgets")
    mlp = smooth_mlp(4)
    for r in (tw.integrated_gradients(mlp, X), tw.integrated_hessians(mlp, X, rows=[1]),
              tw.cross_derivatives(mlp, X, sets=[(0, 1, 2)])):
        data = shown(ip, r)
        assert WIDGET_MIME not in data and data["text/html"] == r._repr_html_()


def test_a_refused_result_says_why_in_its_summary(ip, monkeypatch):
    ip.extension_manager.load_extension("taylor_widgets")

    def refuse(_):
        raise ValueError("matrix: <b>too big</b>")

    monkeypatch.setattr(ext, "widget_for", refuse)
    data = shown(ip, tw.integrated_hessians(smooth_mlp(4), X))
    assert "no widget for this result: ValueError: matrix: &lt;b&gt;too big&lt;/b&gt;" in data["text/html"]


def test_token_results_use_the_text_view_when_there_is_one(ip, monkeypatch):
    ip.extension_manager.load_extension("taylor_widgets")
    seen = []

    class Text(tw.InteractionMatrix):
        def __init__(self, result, tokens):
            seen.append(tokens)
            super().__init__(result)

    monkeypatch.setattr(tw, "TextInteractions", Text, raising=False)
    r = tw.integrated_hessians(smooth_mlp(4), X)
    r.tokens = [["w0", "w1", "w2", "w3"]] * 2
    assert isinstance(widget_of(shown(ip, r)), Text) and seen == [r.tokens]
    del r.tokens
    assert not isinstance(widget_of(shown(ip, r)), Text)


def test_unload_restores_plain_display_and_drops_the_magic(ip):
    ih = tw.integrated_hessians(smooth_mlp(4), X)
    before = shown(ip, ih)
    ip.extension_manager.load_extension("taylor_widgets")
    assert "tw_export" in ip.magics_manager.magics["line"]
    ip.extension_manager.unload_extension("taylor_widgets")
    assert shown(ip, ih) == before and set(before) == {"text/plain", "text/html"}
    assert "tw_export" not in ip.magics_manager.magics["line"]


def _notebook_showing(widget, path):
    data, _ = widget._repr_mimebundle_()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# t"),
                nbformat.v4.new_code_cell("w", outputs=[nbformat.v4.new_output("display_data", data=data)])]
    nbformat.write(nb, path)


def test_tw_export_writes_the_notebook_with_this_kernels_widget_state(ip, tmp_path, monkeypatch):
    ip.extension_manager.load_extension("taylor_widgets")
    w = tw.InteractionMatrix(torch.eye(3), ["x", "y", "z"])
    w.selected = 2  # a click since the save: the live state wins
    _notebook_showing(w, tmp_path / "nb.ipynb")  # saved without widget state, as JupyterLab does by default
    monkeypatch.setenv("JPY_SESSION_NAME", str(tmp_path / "nb.ipynb"))
    ip.run_line_magic("tw_export", str(tmp_path / "out.html"))
    spec = read_models((tmp_path / "out.html").read_text())[w.model_id]
    assert spec["bundle"] == "interaction_matrix" and spec["state"]["selected"] == 2
    monkeypatch.delenv("JPY_SESSION_NAME")
    with pytest.raises(ValueError, match="%tw_export: this kernel does not know its notebook"):
        ip.run_line_magic("tw_export", str(tmp_path / "out2.html"))
    ip.run_line_magic("tw_export", f"{tmp_path / 'out2.html'} {tmp_path / 'nb.ipynb'}")
    assert w.model_id in read_models((tmp_path / "out2.html").read_text())


def test_repr_html_is_escaped_deterministic_and_complete():
    ih = tw.integrated_hessians(smooth_mlp(4), X, feature_names=NAMES)
    text = ih._repr_html_()
    assert text == tw.integrated_hessians(smooth_mlp(4), X, feature_names=NAMES)._repr_html_()
    assert "<img" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "integrated_hessians" in text and f"{ih.completeness_error.abs().max().item():.3g}" in text
    (top, value), *_ = ih.summary()["top_interactions"]
    assert f"<tr><td>{html.escape(' × '.join(top))}</td><td style=\"text-align:right\">{value:.4g}</td></tr>" in text
    assert text.count("<tr>") == 1 + 5  # header + the five strongest pairs
    ig = tw.integrated_gradients(smooth_mlp(4), X)._repr_html_()
    assert "<table" not in ig and "completeness error" in ig
