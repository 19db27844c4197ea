"""The relational hit scorer (tw.relational_hits) on a constructed case whose answer is known."""
import numpy as np
import pytest
import torch
from torch import nn

import taylor_widgets as tw


class TwoCells(nn.Module):
    """16×16 images pooled to a 4×4 grid; y = a(cell 0)·a(cell 15) + 0.1·a(cell 5): the only
    interacting pair is (0, 15), and Grad-CAM's strongest cells are 5, 0 and 15."""

    def __init__(self):
        super().__init__()
        self.features = nn.AvgPool2d(4)

    def forward(self, x):
        a = self.features(x).flatten(1)  # (B, 16)
        return (a[:, 0] * a[:, 15] + 0.1 * a[:, 5])[:, None]


@pytest.fixture(scope="module")
def result():
    x = torch.ones(2, 1, 16, 16, dtype=torch.float64)
    x[:, :, 4:8, 4:8] = 30.0  # cell 5 is bright: Grad-CAM's first peak
    return tw.taylor_cam(TwoCells().double(), x, "features", top_k=3)


def test_top_pair_hits_when_the_objects_sit_in_the_interacting_cells(result):
    assert result.top_pairs[0][0][:2] == (0, 15)
    a = np.array([[1, 1, 3, 3], [1, 1, 3, 3]])  # inside cell 0 (pixels 0..4)
    b = np.array([[13, 13, 15, 15], [5, 1, 7, 3]])  # image 0: inside cell 15; image 1: inside cell 1
    h = tw.relational_hits(result, a, b, margin=0.0, sep=2)
    assert h["taylor_cam top pair"].tolist() == [True, False]
    assert h["taylor_cam top pair >= 2 apart"].tolist() == [True, False]  # cells 0 and 15 are 3 apart
    # one pair of the 120 joins cell 0 with cell 15 (image 0), or with cell 1 (image 1)
    np.testing.assert_allclose(h["chance, any pair"], [1 / 120, 1 / 120])
    # Grad-CAM: the bright cell 5 first, then the best cell ≥ 2 away: 15 (0 is only 1 away from 5)
    assert h["grad_cam two peaks >= 2 apart"].tolist() == [False, False]
    assert h["(taylor_cam top pair: both cells on one object)"].tolist() == [False, False]


def test_both_cells_on_one_object_is_reported(result):
    a = np.array([[0, 0, 16, 16]] * 2)  # one object covering the whole image
    b = np.array([[5, 5, 6, 6]] * 2)  # the other inside cell 5
    h = tw.relational_hits(result, a, b, margin=0.0, sep=2)
    assert h["taylor_cam top pair"].tolist() == [False, False]
    assert h["(taylor_cam top pair: both cells on one object)"].tolist() == [True, True]


def test_margin_grows_the_boxes(result):
    a = np.array([[1, 1, 3, 3]] * 2)
    b = np.array([[11, 11, 11.5, 11.5]] * 2)  # ends half a pixel short of cell 15 (starts at 12)
    assert not tw.relational_hits(result, a, b, margin=0.0)["taylor_cam top pair"].any()
    assert tw.relational_hits(result, a, b, margin=1.0)["taylor_cam top pair"].all()


def test_bad_boxes_and_sep(result):
    with pytest.raises(ValueError, match="^boxes_a"):
        tw.relational_hits(result, np.zeros((3, 4)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="^sep"):
        tw.relational_hits(result, np.zeros((2, 4)), np.zeros((2, 4)), sep=0)
