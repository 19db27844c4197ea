"""Procedural Sort-of-CLEVR and Yield-or-Go: shapes, seeding, and answers/labels recomputed from the
returned object geometry and from the pixels themselves."""
import numpy as np
import pytest
import torch

from taylor_widgets.datasets.images import (
    CLEVR_ANSWERS, CLEVR_COLORS, QUESTION_SIZE, _RGB, sort_of_clevr, yield_or_go,
)
from taylor_widgets.datasets.image_models import RelationNet, YieldOrGoCNN, train_yield_or_go


@pytest.fixture(scope="module")
def clevr():
    return sort_of_clevr(12, questions_per_image=20, seed=3)


@pytest.fixture(scope="module")
def yog():
    return yield_or_go(60, seed=5)


def _pixels_of(img, rgb):
    return np.all(np.abs(img - np.array(rgb, np.float32)[:, None, None]) < 1e-6, axis=0)


def test_sort_of_clevr_shapes_and_seeding(clevr):
    assert clevr.images.shape == (12, 3, 75, 75) and clevr.images.dtype == np.float32
    assert clevr.questions.shape == (240, QUESTION_SIZE) and clevr.answers.shape == (240,)
    assert clevr.boxes.shape == (12, 6, 4) and clevr.objects.shape == (240, 2)
    again = sort_of_clevr(12, questions_per_image=20, seed=3)
    assert np.array_equal(again.images, clevr.images) and np.array_equal(again.answers, clevr.answers)
    assert not np.array_equal(sort_of_clevr(12, 20, seed=4).images, clevr.images)
    q = clevr.questions
    assert (q[:, :6].sum(1) == 1).all() and (q[:, 6:8].sum(1) == 1).all() and (q[:, 8:].sum(1) == 1).all()
    assert np.array_equal(q[:, 7] == 1, clevr.relational)
    assert 0.3 < clevr.relational.mean() < 0.7


def test_sort_of_clevr_objects_are_drawn_in_their_boxes_with_their_colours(clevr):
    for b in range(12):
        for k, colour in enumerate(CLEVR_COLORS):
            mask = _pixels_of(clevr.images[b], _RGB[colour])
            ys, xs = np.nonzero(mask)
            x0, y0, x1, y1 = clevr.boxes[b, k]
            assert xs.min() >= x0 and xs.max() < x1 and ys.min() >= y0 and ys.max() < y1
            area = mask.sum()  # a square fills its 10×10 box; a circle of radius 5 about 3/4 of it
            assert (area == 100) if clevr.shapes[b, k] == 0 else (60 <= area <= 90)


def test_sort_of_clevr_answers_follow_from_the_geometry(clevr):
    for q in range(len(clevr.answers)):
        b, c = clevr.image_index[q], int(np.argmax(clevr.questions[q, :6]))
        t = int(np.argmax(clevr.questions[q, 8:]))
        centers, shapes = clevr.centers[b].astype(float), clevr.shapes[b]
        shape_name = lambda k: "rectangle" if shapes[k] == 0 else "circle"  # noqa: E731
        answer = CLEVR_ANSWERS[clevr.answers[q]]
        if not clevr.relational[q]:
            want = [shape_name(c), "yes" if centers[c, 0] < 37.5 else "no", "yes" if centers[c, 1] < 37.5 else "no"][t]
            assert clevr.objects[q].tolist() == [c, -1]
        elif t < 2:
            dist = [np.hypot(*(centers[k] - centers[c])) for k in range(6)]
            others = [k for k in range(6) if k != c]
            other = min(others, key=dist.__getitem__) if t == 0 else max(others, key=dist.__getitem__)
            want = shape_name(other)
            assert clevr.objects[q].tolist() == [c, other]
        else:
            want = str(int((shapes == shapes[c]).sum()))
        assert answer == want, (q, t, answer, want)


def test_yield_or_go_labels_match_the_drawn_objects(yog):
    assert yog.images.shape == (60, 3, 64, 64) and yog.labels.dtype == np.int64
    has_tri, has_car = yog.triangle_box[:, 0] >= 0, yog.car_box[:, 0] >= 0
    assert np.array_equal(yog.labels == 1, has_tri & has_car)
    assert (has_tri & ~has_car).any() and (has_car & ~has_tri).any() and (~has_tri & ~has_car).any()
    assert (yog.triangle_box[~has_tri] == -1).all() and (yog.car_box[~has_car] == -1).all()
    black = np.array(_RGB["black"], np.float32)
    for b in range(60):
        img = yog.images[b]
        wheels = _pixels_of(img, black)
        assert wheels.any() == has_car[b]  # only cars have black pixels
        if has_car[b]:
            x0, y0, x1, y1 = yog.car_box[b]
            ys, xs = np.nonzero(wheels)
            assert xs.min() >= x0 and xs.max() < x1 and ys.min() >= y0 and ys.max() < y1
            assert _pixels_of(img[:, y0:y1, x0:x1], _RGB["blue"]).sum() >= 40
        if has_tri[b]:
            x0, y0, x1, y1 = yog.triangle_box[b]
            red = _pixels_of(img[:, y0:y1, x0:x1], _RGB["red"])
            assert red[0].sum() > red[-1].sum()  # a yield sign: widest at the top
            assert red.sum() >= 20


def test_yield_or_go_is_seeded(yog):
    again = yield_or_go(60, seed=5)
    assert np.array_equal(again.images, yog.images) and np.array_equal(again.car_box, yog.car_box)
    assert not np.array_equal(yield_or_go(60, seed=6).labels, yog.labels)


@pytest.mark.parametrize("call", [
    lambda: sort_of_clevr(0), lambda: sort_of_clevr(2, questions_per_image=0), lambda: sort_of_clevr(2, relational_fraction=2),
    lambda: yield_or_go(-1), lambda: yield_or_go(2, size=16), lambda: yield_or_go(2, positive_fraction=-0.1),
])
def test_bad_arguments_raise(call):
    with pytest.raises(ValueError):
        call()


def test_models_map_images_to_logits():
    x = torch.from_numpy(sort_of_clevr(2, 1, seed=0).images)
    rn = RelationNet()
    assert rn(x, torch.zeros(2, QUESTION_SIZE)).shape == (2, 10)
    assert rn.set_question(torch.zeros(2, QUESTION_SIZE))(x).shape == (2, 10)
    assert rn.features(x).shape == (2, 24, 5, 5)
    with pytest.raises(ValueError, match="question"):
        RelationNet()(x)
    cnn = YieldOrGoCNN()
    assert cnn(torch.zeros(3, 3, 64, 64)).shape == (3, 2) and cnn.features(torch.zeros(1, 3, 64, 64)).shape == (1, 24, 8, 8)


def test_training_is_seeded_and_runs():
    m1, acc1, info = train_yield_or_go(seed=0, n_train=32, n_test=16, epochs=1, size=32, threads=1)
    m2, acc2, _ = train_yield_or_go(seed=0, n_train=32, n_test=16, epochs=1, size=32, threads=1)
    assert acc1 == acc2 and 0.0 <= acc1 <= 1.0 and info["epochs"] == 1
    for p, q in zip(m1.parameters(), m2.parameters()):
        assert torch.equal(p, q)
    assert not m1.training
