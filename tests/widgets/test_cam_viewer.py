"""CAMViewer: traits from tw.taylor_cam / tw.grad_cam, binary serialization, validation in one place."""
import numpy as np
import pytest
import torch
import traitlets

import taylor_widgets as tw
from taylor_widgets.widgets.serialize import array_from_json, array_to_json


@pytest.fixture(scope="module")
def cam():
    """(images (2, 3, 32, 32) in [0, 1], taylor_cam result, grad_cam result) of a seeded 4×4-grid CNN."""
    torch.manual_seed(0)
    model = tw.YieldOrGoCNN(width=6, hidden=8).double().eval()
    x = torch.rand(2, 3, 32, 32, dtype=torch.float64)
    return x, tw.taylor_cam(model, x, "features", target=1, top_k=3), tw.grad_cam(model, x, "features", target=1)


def test_traits_hold_every_partner_map(cam):
    x, tc, _ = cam
    w = tw.CAMViewer(x, tc, labels=["a", "b"])
    assert w.images.shape == (2, 32, 32, 3) and w.images.dtype == np.float32
    np.testing.assert_allclose(w.images, x.permute(0, 2, 3, 1).numpy(), atol=1e-6)
    assert w.grid == [4, 4] and w.gradcam.shape == (2, 4, 4) and w.strength.shape == (2, 4, 4)
    assert w.pair_scores.shape == (2, 16, 16)
    np.testing.assert_allclose(w.pair_scores, tc.pair_scores.numpy(), rtol=1e-5)
    # row i is the partner map TC(i, ·) the core returns for its partner cells
    i = int(tc.partner_cells[0, 0])
    np.testing.assert_allclose(w.pair_scores[0, i].reshape(4, 4), tc.partner_maps[0, 0].numpy(), rtol=1e-5)
    np.testing.assert_allclose(w.gradcam, tc.grad_cam.cam.numpy(), rtol=1e-5)
    assert (w.mode, w.selected_cell, w.image_index, w.top_k, w.colormap) == ("taylorcam", -1, 0, 5, "jet")


def test_arrays_travel_as_binary_buffers(cam):
    x, tc, _ = cam
    w = tw.CAMViewer(x, tc)
    state = w.get_state()
    for name in ("images", "gradcam", "strength", "pair_scores"):
        wire = state[name]
        assert wire["dtype"] == "float32" and isinstance(wire["view"], memoryview)
        np.testing.assert_array_equal(array_from_json(wire), getattr(w, name))
    assert state["grid"] == [4, 4] and state["labels"] == ["image 0", "image 1"]


def test_grad_cam_only_viewer_and_layouts(cam):
    x, _, gc = cam
    hwc = (x.permute(0, 2, 3, 1).numpy() * 255).round().astype(np.uint8)
    w = tw.CAMViewer(hwc, gc)
    assert w.mode == "gradcam" and w.pair_scores.shape == (0,) and w.strength.shape == (0,)
    np.testing.assert_allclose(w.images, hwc / 255.0, atol=1e-6)
    with pytest.raises(ValueError, match="mode: 'partners' needs Taylor-CAM"):
        w.mode = "partners"
    grey = tw.CAMViewer(x[:, :1], gc)  # one channel is repeated to RGB
    assert grey.images.shape == (2, 32, 32, 3)


def test_user_state_is_validated_everywhere(cam):
    x, tc, _ = cam
    w = tw.CAMViewer(x, tc)
    w.selected_cell = 15
    w.mode = "partners"
    w.image_index = 1
    w.alpha, w.threshold, w.colormap, w.top_k = 0.25, 1, "viridis", 0
    assert (w.selected_cell, w.mode, w.image_index, w.alpha, w.threshold) == (15, "partners", 1, 0.25, 1.0)
    bad = [("selected_cell", 16, ValueError), ("selected_cell", -2, ValueError), ("image_index", 2, ValueError),
           ("mode", "lines", ValueError), ("alpha", 1.5, ValueError), ("alpha", "0.5", traitlets.TraitError),
           ("threshold", float("nan"), TypeError), ("threshold", -0.1, ValueError), ("colormap", "<b>", ValueError), ("top_k", -1, ValueError),
           ("top_k", 1.5, traitlets.TraitError), ("labels", ["only one"], ValueError)]
    for name, value, err in bad:
        with pytest.raises(err, match=name):
            setattr(w, name, value)
    assert (w.selected_cell, w.mode) == (15, "partners")  # a refused value leaves the state alone
    # the front end sends state through the same validators
    w.set_state({"selected_cell": 3, "mode": "gradcam"})
    assert (w.selected_cell, w.mode) == (3, "gradcam")
    with pytest.raises(ValueError, match="selected_cell"):
        w.set_state({"selected_cell": 99})


def test_constructor_errors_name_the_argument(cam):
    x, tc, gc = cam
    cases = [
        (lambda: tw.CAMViewer(x[:1], tc), ValueError, "result: explains 2 image"),
        (lambda: tw.CAMViewer(x[..., :16], tc), ValueError, "result: computed on 32×32"),
        (lambda: tw.CAMViewer(x * 2, tc), ValueError, r"images: float values must lie in \[0, 1\]"),
        (lambda: tw.CAMViewer(torch.rand(2, 5, 32, 32), tc), ValueError, "images: expected 1 or 3 channels"),
        (lambda: tw.CAMViewer(np.full((2, 3, 32, 32), np.nan), tc), ValueError, "images: contains"),
        (lambda: tw.CAMViewer(np.zeros((2, 3, 32, 32), np.int64), tc), TypeError, "images: expected float"),
        (lambda: tw.CAMViewer(x, tc.pair_scores), TypeError, "result: expected a TaylorCAMResult"),
        (lambda: tw.CAMViewer(x, tc, labels="ab"), TypeError, "labels"),
        (lambda: tw.CAMViewer(x, tc, title=3), TypeError, "title"),
        (lambda: tw.CAMViewer(x, tc, colour="red"), TypeError, "colour"),
        (lambda: tw.CAMViewer(x, gc, mode="taylorcam"), ValueError, "mode"),
    ]
    for make, err, msg in cases:
        with pytest.raises(err, match=msg):
            make()


def test_repr_is_deterministic(cam):
    x, tc, gc = cam
    a, b = tw.CAMViewer(x, tc), tw.CAMViewer(x, tc, selected_cell=4, mode="partners")
    assert repr(a) == repr(b) == "CAMViewer(images=2, size=32×32, grid=4×4, layer='features', method='taylor_cam')"
    assert "grad_cam" in repr(tw.CAMViewer(x, gc))


def test_export_html_carries_the_viewer(cam, tmp_path):
    x, tc, _ = cam
    w = tw.CAMViewer(x, tc, labels=["<img src=x onerror=alert(1)>", "b"])
    text = tw.export_html(w, tmp_path / "cam.html").read_text()
    assert "tw-cam-canvas" in text and "<img src=x" not in text  # the bundle inlined, labels escaped
    assert '"pair_scores"' in text and array_to_json(w.pair_scores)["shape"] == [2, 16, 16]
