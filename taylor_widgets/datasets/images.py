"""Procedural image tasks used by Taylor-CAM (Lerman et al., ICCV 2021,
https://arxiv.org/abs/2103.11803): Sort-of-CLEVR (Santoro et al., NeurIPS 2017,
https://arxiv.org/abs/1706.01427) and Yield-or-Go. Nothing is downloaded: numpy only, seeded.

Every generator also returns the objects' bounding boxes, so a benchmark can check whether an
explanation points at the objects the label depends on.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Sort-of-CLEVR colours, in question-vector order (as the original generator).
CLEVR_COLORS = ("red", "green", "blue", "orange", "gray", "yellow")
_RGB = {"red": (1.0, 0.0, 0.0), "green": (0.0, 1.0, 0.0), "blue": (0.0, 0.0, 1.0), "orange": (1.0, 0.61, 0.0),
        "gray": (0.5, 0.5, 0.5), "yellow": (1.0, 1.0, 0.0), "purple": (0.6, 0.2, 0.8), "black": (0.0, 0.0, 0.0)}
#: Answer vocabulary (as the original): yes, no, rectangle, circle, counts 1..6.
CLEVR_ANSWERS = ("yes", "no", "rectangle", "circle", "1", "2", "3", "4", "5", "6")
#: Question vector: 6 colour one-hot, 2 type one-hot (non-relational, relational), 3 subtype one-hot.
QUESTION_SIZE = 11
NONREL_SUBTYPES = ("shape", "left", "top")  # shape of c? is c on the left? is c at the top?
REL_SUBTYPES = ("closest_shape", "furthest_shape", "count_same_shape")


@dataclass
class SortOfClevr:
    """Images (n, 3, 75, 75) in [0, 1]; object k of every image has colour k.

    shapes (n, 6): 0 square, 1 circle. centers (n, 6, 2) as (x, y) pixels; boxes (n, 6, 4) as
    (x0, y0, x1, y1), end-exclusive. Questions (Q, 11) float32 refer to image `image_index` (Q,),
    answers (Q,) index CLEVR_ANSWERS; `relational` (Q,) bool, `subtype` (Q,) into *_SUBTYPES;
    `objects` (Q, 2): the objects the question is about, (c, other) for closest/furthest and
    (c, -1) otherwise.
    """

    images: np.ndarray
    shapes: np.ndarray
    centers: np.ndarray
    boxes: np.ndarray
    questions: np.ndarray
    image_index: np.ndarray
    answers: np.ndarray
    relational: np.ndarray
    subtype: np.ndarray
    objects: np.ndarray


@dataclass
class YieldOrGo:
    """Images (n, 3, S, S) in [0, 1]; label 1 iff a red triangle AND a car (a wide blue body with
    two black wheels) are both present. triangle_box, car_box (n, 4) as (x0, y0, x1, y1),
    end-exclusive, all -1 when that object is absent; distractors never share either look."""

    images: np.ndarray
    labels: np.ndarray
    triangle_box: np.ndarray
    car_box: np.ndarray


def sort_of_clevr(n_images: int, questions_per_image: int = 10, seed: int = 0, relational_fraction: float = 0.5,
                  size: int = 75, half: int = 5) -> SortOfClevr:
    """Generate Sort-of-CLEVR: 6 objects (squares or circles of side 2·half) of 6 distinct colours.

    Each image gets `questions_per_image` questions, each relational with `relational_fraction`.
    """
    _check_count(n_images, "n_images")
    _check_count(questions_per_image, "questions_per_image")
    if not 0.0 <= relational_fraction <= 1.0:
        raise ValueError(f"relational_fraction: expected a number in [0, 1], got {relational_fraction!r}")
    rng = np.random.default_rng(seed)
    n_obj = len(CLEVR_COLORS)
    images = np.ones((n_images, 3, size, size), np.float32)
    shapes = rng.integers(0, 2, (n_images, n_obj))
    centers = np.zeros((n_images, n_obj, 2), np.int64)
    for b in range(n_images):
        centers[b] = _place(rng, n_obj, size, half, min_dist=2 * half + 2)
        for k in range(n_obj):
            mask = _square(size, centers[b, k], half) if shapes[b, k] == 0 else _circle(size, centers[b, k], half)
            images[b][:, mask] = np.array(_RGB[CLEVR_COLORS[k]], np.float32)[:, None]
    boxes = np.concatenate([centers - half, centers + half], axis=-1)

    Q = n_images * questions_per_image
    image_index = np.repeat(np.arange(n_images), questions_per_image)
    color = rng.integers(0, n_obj, Q)
    relational = rng.random(Q) < relational_fraction
    subtype = rng.integers(0, 3, Q)
    questions = np.zeros((Q, QUESTION_SIZE), np.float32)
    questions[np.arange(Q), color] = 1.0
    questions[np.arange(Q), n_obj + relational.astype(int)] = 1.0
    questions[np.arange(Q), n_obj + 2 + subtype] = 1.0
    answers = np.zeros(Q, np.int64)
    objects = np.full((Q, 2), -1, np.int64)
    objects[:, 0] = color
    for q in range(Q):
        b, c, t = image_index[q], color[q], subtype[q]
        x, y = centers[b, c]
        if not relational[q]:
            answers[q] = (2 + shapes[b, c]) if t == 0 else int(not ((x if t == 1 else y) < size / 2))
        elif t < 2:
            d = ((centers[b] - centers[b, c]) ** 2).sum(-1).astype(float)
            d[c] = np.inf if t == 0 else -np.inf
            other = int(d.argmin() if t == 0 else d.argmax())
            objects[q, 1] = other
            answers[q] = 2 + shapes[b, other]
        else:
            answers[q] = 4 + int((shapes[b] == shapes[b, c]).sum()) - 1
    return SortOfClevr(images, shapes, centers, boxes, questions, image_index, answers, relational, subtype, objects)


def yield_or_go(n_images: int, seed: int = 0, size: int = 64, n_distractors: int = 2,
                positive_fraction: float = 0.5) -> YieldOrGo:
    """Generate Yield-or-Go. Negatives are split evenly between triangle only, car only, neither,
    so a model must see both objects (an AND) to be right."""
    _check_count(n_images, "n_images")
    if size < 32:
        raise ValueError(f"size: expected at least 32 pixels, got {size}")
    if not 0.0 <= positive_fraction <= 1.0:
        raise ValueError(f"positive_fraction: expected a number in [0, 1], got {positive_fraction!r}")
    rng = np.random.default_rng(seed)
    images = np.full((n_images, 3, size, size), 0.85, np.float32)
    labels = (rng.random(n_images) < positive_fraction).astype(np.int64)
    kind = rng.integers(0, 3, n_images)  # negatives: 0 triangle only, 1 car only, 2 neither
    has_tri = (labels == 1) | (kind == 0)
    has_car = (labels == 1) | (kind == 1)
    tri_box = np.full((n_images, 4), -1, np.int64)
    car_box = np.full((n_images, 4), -1, np.int64)
    half = size // 10  # objects about a fifth of the image wide
    for b in range(n_images):
        k = int(has_tri[b]) + int(has_car[b]) + n_distractors
        centers = _place(rng, k, size, half + 2, min_dist=2 * half + 6)
        img, at = images[b], 0
        if has_tri[b]:
            tri_box[b] = _draw_triangle(img, centers[at], half, _RGB["red"])
            at += 1
        if has_car[b]:
            car_box[b] = _draw_car(img, centers[at], half)
            at += 1
        for c in centers[at:]:
            _draw_distractor(img, rng, c, half)
    return YieldOrGo(images, labels, tri_box, car_box)


def _check_count(n, name):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"{name}: expected a positive integer, got {n!r}")


def _place(rng, k: int, size: int, margin: int, min_dist: float) -> np.ndarray:
    """k integer centres (x, y) in [margin, size − margin), pairwise at least min_dist apart in
    the max-norm, so boxes of side < min_dist never overlap."""
    for _ in range(1000):
        pts = []
        for _ in range(200 * k):
            p = rng.integers(margin, size - margin, 2)
            if all(np.abs(p - q).max() >= min_dist for q in pts):
                pts.append(p)
                if len(pts) == k:
                    return np.array(pts)
    raise ValueError(f"cannot place {k} objects {min_dist} px apart in a {size}px image")  # pragma: no cover


def _grid(size):
    return np.mgrid[0:size, 0:size]  # (y, x)


def _square(size, c, half, half_h=None):
    yy, xx = _grid(size)
    half_h = half if half_h is None else half_h
    return (np.abs(xx - c[0] + 0.5) < half) & (np.abs(yy - c[1] + 0.5) < half_h)


def _circle(size, c, r):
    yy, xx = _grid(size)
    return (xx - c[0] + 0.5) ** 2 + (yy - c[1] + 0.5) ** 2 < r**2


def _triangle(size, c, half):
    """A downward-pointing triangle (a yield sign) in the box of side 2·half around c."""
    yy, xx = _grid(size)
    top, bottom = c[1] - half, c[1] + half
    t = np.clip((yy + 0.5 - top) / (bottom - top), 0, 1)  # 0 at the top edge, 1 at the tip
    return (yy >= top) & (yy < bottom) & (np.abs(xx + 0.5 - c[0]) < half * (1 - t))


def _paint(img, mask, rgb):
    img[:, mask] = np.array(rgb, np.float32)[:, None]


def _draw_triangle(img, c, half, rgb):
    _paint(img, _triangle(img.shape[-1], c, half), rgb)
    return np.array([c[0] - half, c[1] - half, c[0] + half, c[1] + half])


def _draw_car(img, c, half):
    """A wide blue body (2·half+4 by half) with two black wheels under it."""
    size, w, h = img.shape[-1], half + 2, half // 2 + 1
    _paint(img, _square(size, c - np.array([0, 1]), w, h), _RGB["blue"])
    r = max(2, half // 3)
    for dx in (-w + r + 1, w - r - 1):
        _paint(img, _circle(size, c + np.array([dx, h]), r), _RGB["black"])
    return np.array([c[0] - w, c[1] - 1 - h, c[0] + w, c[1] + h + r])


def _draw_distractor(img, rng, c, half):
    """A shape that is neither a red triangle nor a car: a non-red triangle, or a square/circle."""
    size = img.shape[-1]
    look = rng.integers(0, 3)
    if look == 0:
        color = ("green", "yellow", "purple")[rng.integers(0, 3)]
        _paint(img, _triangle(size, c, half), _RGB[color])
    else:
        color = ("red", "green", "yellow", "purple", "blue")[rng.integers(0, 5)]
        mask = _square(size, c, half) if look == 1 else _circle(size, c, half)
        _paint(img, mask, _RGB[color])
