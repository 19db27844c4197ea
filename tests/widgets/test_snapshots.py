"""The static pictures of every widget (issue 11 §2): a PNG of the current view, of the expected
size, deterministic, whose pixels show the data on the live view's colour scale."""
import io
import json
import shutil
import subprocess
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402

import taylor_widgets as tw  # noqa: E402
from taylor_widgets.widgets.snapshots import colors, layouts  # noqa: E402
from taylor_widgets.widgets.snapshots.dataset import pair_stats  # noqa: E402
from _models import TaylorPoly  # noqa: E402

torch.set_num_threads(1)
ROOT = Path(__file__).resolve().parents[2]
WHITE0 = tuple(int(c) for c in colors.lut("RdBu")[128])  # the colour of 0: #f7f7f7


def png_pixels(w) -> tuple[np.ndarray, dict]:
    """(H, W, 3) pixels of the widget's PNG, and the boxes (inches) its figure drew its parts in."""
    fig = w._snapshot_figure()
    boxes = dict(fig.tw_boxes)
    plt.close(fig)
    png = w.snapshot_png()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")), boxes


def cell_px(box, n, i, j, dpi=100):
    """Pixel (row, col) at the centre of heatmap cell (i, j) of an n × n heatmap in `box`."""
    x, y, s, _ = box
    return int((y + (i + 0.5) * s / n) * dpi), int((x + (j + 0.5) * s / n) * dpi)


def dominant(d=6, diag=1.0, off=0.05):
    """A (1, d, d) matrix whose diagonal is 20× its strongest interaction; Γ_01 = off, Γ_23 = −off/2, Γ_45 = 0."""
    m = np.zeros((1, d, d), np.float32)
    m[0, np.arange(d), np.arange(d)] = diag
    m[0, 0, 1] = m[0, 1, 0] = off
    m[0, 2, 3] = m[0, 3, 2] = -off / 2
    return m


def test_matrix_png_has_the_expected_size_and_is_deterministic():
    w = tw.InteractionMatrix(dominant(), title="t")
    png = w.snapshot_png()
    assert png == w.snapshot_png()
    img = Image.open(io.BytesIO(png))
    fig = w._snapshot_figure()
    expected = tuple(int(round(v * 100)) for v in fig.get_size_inches())
    plt.close(fig)
    assert img.size == expected and img.size[0] > 500
    w.selected = 0  # the drill-down joins the picture: wider
    assert Image.open(io.BytesIO(w.snapshot_png())).size[0] > img.size[0] + 300


def test_heatmap_pixels_follow_the_diagonal_mode():
    w = tw.InteractionMatrix(dominant(), diagonal="auto")
    img, boxes = png_pixels(w)
    at = lambda i, j: tuple(int(c) for c in img[cell_px(boxes["heatmap"], 6, i, j)])  # noqa: E731
    blue_end, red_end = (tuple(int(c) for c in colors.lut()[k]) for k in (256, 0))
    assert at(0, 1) == blue_end  # auto: the strongest interaction spans the whole colour range …
    assert at(2, 3) != WHITE0 and at(2, 3)[0] > at(2, 3)[2]  # … a negative one is clearly red
    assert at(4, 5) == WHITE0  # a zero cell is the scale's white
    w.diagonal = "show"  # the diagonal sets the scale: interactions fade to near white
    img2, _ = png_pixels(w)
    shown = tuple(int(c) for c in img2[cell_px(boxes["heatmap"], 6, 0, 1)])
    assert shown != blue_end and sum(abs(a - b) for a, b in zip(shown, WHITE0)) < 40
    w.diagonal = "hide"
    img3, _ = png_pixels(w)
    assert tuple(img3[cell_px(boxes["heatmap"], 6, 0, 1)]) == blue_end
    r, c = cell_px(boxes["heatmap"], 6, 3, 3)
    assert tuple(img3[r - 8, c - 8]) == colors.HIDDEN_RGB  # the hidden diagonal is not coloured
    assert red_end != blue_end


def test_a_users_vmax_sets_the_picture_scale_too():
    w = tw.InteractionMatrix(dominant(), color_scale={"vmax": 0.025, "scheme": "PuOr"})
    img, boxes = png_pixels(w)
    assert tuple(img[cell_px(boxes["heatmap"], 6, 0, 1)]) == tuple(int(c) for c in colors.lut("PuOr")[256])


def test_large_matrices_draw_without_labels():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(300, 300)).astype(np.float32)
    w = tw.InteractionMatrix((a + a.T) / 2, selected=5)
    fig = w._snapshot_figure()
    texts = len(fig.axes[0].texts)
    plt.close(fig)
    assert texts < 60  # no per-feature labels at d = 300, only the title, legend and drill-down
    assert w.snapshot_png()[:4] == b"\x89PNG"


@pytest.fixture(scope="module")
def batch():
    """IH over 40 inputs of a 6-feature smooth model, with its inputs (for the dataset views)."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(6, 16), torch.nn.Softplus(beta=3), torch.nn.Linear(16, 1)).double()
    x = torch.randn(40, 6, dtype=torch.float64)
    return tw.integrated_hessians(model, x, feature_names=[f"feature {k}" for k in range(6)])


def test_summary_picture_draws_one_dot_per_sample_in_feature_value_colours(batch):
    w = tw.InteractionSummary(batch, top_pairs=5)
    img, boxes = png_pixels(w)
    xs, ys = boxes["summary_dots"]
    assert len(xs) == 5 * 40
    lut = colors.value_lut().astype(int)
    r, c = int(ys[0] * 100), int(xs[0] * 100)
    assert np.abs(lut - img[r, c].astype(int)).sum(1).min() <= 6  # a dot is a feature-value colour
    # the rows are the five pairs with the largest mean |Γ_ij|
    mean_abs, _ = pair_stats(w.matrix)
    iu = np.triu_indices(6, 1)
    assert len(layouts.top_pairs(mean_abs, 5)) == 5
    assert layouts.top_pairs(mean_abs, 1)[0][2] == mean_abs[iu].max()


def test_network_picture_puts_nodes_where_the_live_layout_does(batch):
    w = tw.InteractionNetwork(batch, network_edges=6, layout_seed=3)
    _, boxes = png_pixels(w)
    nodes, cx, cy = boxes["network_nodes"]
    assert nodes == list(range(6)) and len(cx) == 6
    w.layout_seed = 4  # another seed, another picture
    _, other = png_pixels(w)
    assert not np.allclose(other["network_nodes"][1], cx)


def test_dependence_plot_joins_the_drill_down_for_a_batch(batch):
    w = tw.InteractionMatrix(batch, selected=2, selected_pair=[2, 4])
    assert (w.selected, w.selected_pair) == (2, [2, 4])
    img, boxes = png_pixels(w)
    assert "dependence" in boxes
    x, y, wd, ht = boxes["dependence"]
    patch = img[int(y * 100) + 2:int((y + ht) * 100) - 2, int(x * 100) + 2:int((x + wd) * 100) - 2]
    lut = colors.value_lut().astype(int)
    close = np.abs(patch.reshape(-1, 1, 3).astype(int) - lut[None]).sum(-1).min(1) <= 6
    assert close.sum() > 40  # the dots, coloured by x_j
    single = tw.InteractionMatrix(tw.integrated_hessians(torch.nn.Sequential(torch.nn.Linear(6, 1)).double(),
                                                         torch.randn(1, 6, dtype=torch.float64)), selected=0)
    assert "dependence" not in png_pixels(single)[1]  # one sample: no dataset plot


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node to run the JS layout")
def test_python_network_layout_is_the_js_layout_to_the_last_bit():
    rng = np.random.default_rng(1)
    edges = [{"a": int(a), "b": int(b), "w": float(wt)} for a, b, wt in
             zip(rng.integers(0, 12, 15), rng.integers(0, 12, 15), rng.random(15)) if a != b]
    py = layouts.force_layout(12, edges, seed=7)
    script = ("import('./js/src/lib/network.js').then((m) => { const e = JSON.parse(process.argv[1]);"
              " console.log(JSON.stringify(Array.from(m.forceLayout(12, e, 7)))); });")
    out = subprocess.run(["node", "--input-type=module", "-e", script, json.dumps(edges)], cwd=ROOT,
                         capture_output=True, text=True, timeout=60, check=True)
    js = np.array(json.loads(out.stdout)).reshape(-1, 2)
    np.testing.assert_array_equal(py, js)
    js_rand = subprocess.run(["node", "--input-type=module", "-e",
                              "import('./js/src/lib/network.js').then((m) => { const r = m.mulberry32(123);"
                              " console.log(JSON.stringify([r(), r(), r()])); });"],
                             cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    r = layouts.mulberry32(123)
    assert json.loads(js_rand.stdout) == [r(), r(), r()]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node to run the JS statistics")
def test_the_pair_statistics_python_sends_are_dataset_js_pair_stats_to_the_bit():
    from taylor_widgets.widgets.serialize import array_to_json

    m = np.random.default_rng(4).normal(size=(9, 5, 5)).astype(np.float32)
    sent = np.frombuffer(bytes(array_to_json(m, pair_stats=True)["pairstats"]), dtype="<f8")
    script = ("import('./js/src/lib/dataset.js').then((m) => { const a = Float32Array.from(JSON.parse(process.argv[1]));"
              " const s = m.pairStats(a, 9, 5); console.log(JSON.stringify([...s.meanAbs, ...s.mean])); });")
    out = subprocess.run(["node", "--input-type=module", "-e", script, json.dumps(m.reshape(-1).astype(float).tolist())],
                         cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    np.testing.assert_array_equal(sent, np.array(json.loads(out.stdout)))


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node to run the JS beeswarm")
def test_python_beeswarm_is_the_js_beeswarm():
    xs = list(np.random.default_rng(2).normal(100, 15, 60))
    py, sq = layouts.beeswarm(xs, 2.5, 9.0)
    out = subprocess.run(["node", "--input-type=module", "-e",
                          "import('./js/src/lib/beeswarm.js').then((m) => { const r = m.beeswarm(JSON.parse(process.argv[1]), 2.5, 9);"
                          " console.log(JSON.stringify([Array.from(r.ys), r.squeeze])); });", json.dumps(xs)],
                         cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    js, jsq = json.loads(out.stdout)
    np.testing.assert_array_equal(py, np.array(js))
    assert sq == jsq


def cam_viewer(**kw):
    torch.manual_seed(0)
    model = tw.YieldOrGoCNN(width=4, hidden=8).double().eval()
    x = torch.rand(2, 3, 32, 32, dtype=torch.float64)
    return tw.CAMViewer(x, tw.taylor_cam(model, x, "features", target=1, top_k=3), **kw)


def test_cam_picture_tints_the_hot_cells_only_and_draws_the_faint_grid():
    v = cam_viewer(mode="taylorcam", top_k=0, alpha=0.6, threshold=0.9)
    img, boxes = png_pixels(v)
    x, y, wd, ht = boxes["image"]
    grid = v.grid
    cam = np.asarray(v.strength[0])
    assert cam.max() > 0
    hot = np.unravel_index(cam.argmax(), cam.shape)
    cold = np.unravel_index(cam.argmin(), cam.shape)
    cell = 32 // grid[0]  # image pixels per cell; sample the middle of pixel (r·cell + cell/2) of the 32 × 32 image
    px = lambda r, c: img[int((y + (r * cell + cell // 2 + 0.5) / 32 * ht) * 100),  # noqa: E731
                          int((x + (c * cell + cell // 2 + 0.5) / 32 * wd) * 100)]
    raw = lambda r, c: np.asarray(v.images[0])[r * cell + cell // 2, c * cell + cell // 2] * 255  # noqa: E731
    assert np.abs(px(*hot).astype(float) - raw(*hot)).sum() > 60  # the overlay shows where the map is high
    assert np.abs(px(*cold).astype(float) - raw(*cold)).sum() < 12  # below the threshold the image is untouched
    line_x = int((x + wd / grid[1]) * 100)  # the first vertical grid line: lighter than both neighbours' mean
    col = img[int((y + 0.3 * ht) * 100), line_x - 3:line_x + 4].astype(int).sum(1)
    assert col.max() > (col[0] + col[-1]) / 2
    assert v.snapshot_png() == v.snapshot_png()


def test_cam_legend_names_the_quantity_and_units():
    v = cam_viewer()
    assert "score y" in v.map_labels["gradcam"] and "²" in v.map_labels["partners"]
    assert v.alpha == 0.45 and v.threshold == 0.3  # readable defaults (see cam_viewer.py)
    fig = v._snapshot_figure()
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    plt.close(fig)
    assert v.map_labels["taylorcam"][:40] in texts


@pytest.fixture(scope="module")
def audit():
    X = torch.tensor([[1.5, -2.0, 0.5, 3.0]], dtype=torch.float64)
    return tw.attribution_audit(TaylorPoly(), X, None, methods=["gradient_x_input", "shapley_value", "occlusion_1"])


def test_allocation_picture_scales_each_row_and_prints_the_scale(audit):
    w = tw.AllocationView(audit)
    scales = w.row_scales()
    assert len(set(np.round(scales, 9))) > 1  # rows on their own scales
    fig = w._snapshot_figure()
    texts = [t.get_text() for t in fig.axes[0].texts]
    plt.close(fig)
    from taylor_widgets.widgets.snapshots.scales import fmt
    assert all(f"±{fmt(float(s))}" in texts for s in scales)  # printed on each row
    w.bar_scale = "shared"
    assert np.allclose(w.row_scales(), scales.max())
    w.robust = True
    assert w.row_scales()[0] <= scales.max()


def test_every_widget_gives_a_png_in_its_display_bundle(batch, audit):
    torch.manual_seed(0)
    data = torch.randn(20, 4, dtype=torch.float64)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Softplus(), torch.nn.Linear(8, 1)).double()
    widgets = [tw.InteractionMatrix(batch), tw.InteractionSummary(batch), tw.InteractionNetwork(batch),
               tw.Explorer(model, data[:3], data=data, sweep_features=1, sweep_points=2, tab="summary"),
               cam_viewer(), tw.AllocationView(audit), tw.TextInteractions(batch.values[:, :4, :4].numpy(), None)]
    for w in widgets:
        data_, _ = w._repr_mimebundle_()
        assert data_["image/png"] and "make it live" in data_["text/plain"], type(w).__name__
