"""A relational model for Sort-of-CLEVR that learns on a laptop CPU, and its seeded trainer.

Santoro et al.'s Relation Network (NeurIPS 2017, https://arxiv.org/abs/1706.01427) sums an MLP g
over all N² ordered pairs of the N = 5×5 feature cells, for every question, and needs on the
order of a million question presentations. On CPU its pair tensor (questions, N, N, hidden) is
memory-bound: one training step of 320 questions took 1.1 s on one shared core at hidden 64, so
training it would take hours, not the 15 minutes we allow. This model keeps the RN's pairwise g
but pairs every cell with one *anchor*, the object the question names, instead of with every
other cell, and learns where the objects are from the generator's ground truth:

1. cells: a CNN on the image with x, y coordinate channels (CoordConv) gives the `features`
   grid; o_i = [act(features)_i, x_i, y_i] for each of the N cells;
2. detector: a linear map of o_i predicts which colour's object is centred in cell i (6 colours
   or none) and its shape; during training it is supervised by the generator's object centres
   (an auxiliary loss), which makes the CNN learn the objects in a few epochs;
3. anchor: a = Σ_i softmax_i(s · log p_i(colour asked)) e_i, with e_i = MLP(o_i, q);
4. relation of the anchor with every cell: r_j = g(e_j, a)                  (B, Q, N, H);
5. read-out: b = Σ_j softmax_j(w·r_j) r_j (the partner, e.g. the closest object) and
   m = mean_j r_j (for counting); logits = f([a, b, m, q]).

N pairs per question instead of N², so a step costs little more than the CNN, and the CNN runs
once per image for all its questions. Softplus and softmax throughout, so Taylor-CAM's second
derivatives exist; the anchor–partner pair (steps 3–4) is exactly the cross-cell interaction
Taylor-CAM is meant to find (Lerman et al., ICCV 2021, https://arxiv.org/abs/2103.11803).
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .images import CLEVR_COLORS, QUESTION_SIZE, sort_of_clevr

N_COLORS = len(CLEVR_COLORS)
#: Detector outputs per cell: colour logits (N_COLORS + "none"), shape logits (2), centre offset (2).
DETECTOR_OUTPUTS = N_COLORS + 1 + 2 + 2


class RelationNet(nn.Module):
    """(B, 3, S, S) images and (B, 11) questions → (B, 10) answer logits (or (B, Q, 11) → (B, Q, 10)).

    `features` (B, width, g, g) is the layer to explain, g = S halved `convs` times (5×5 for
    S = 40 and convs = 3, the trainer's defaults). Pass the question to `forward(x, q)`, or fix
    it with `set_question(q)` so the model is a function of the image alone, as CAM methods
    expect. BatchNorm makes train and eval mode differ: explain in eval mode.
    """

    def __init__(self, width: int = 24, hidden: int = 64, beta: float = 5.0, convs: int = 3):
        super().__init__()
        layers: list[nn.Module] = []
        for c_in in (5, *[width] * (convs - 2)):  # RGB plus x, y coordinate channels (CoordConv)
            layers += [nn.Conv2d(c_in, width, 3, stride=2, padding=1), nn.Softplus(beta), nn.BatchNorm2d(width)]
        self.features = nn.Sequential(*layers, nn.Conv2d(width, width, 3, stride=2, padding=1))
        self.act = nn.Softplus(beta)
        # per cell: which colour's object is centred here (6 colours or none), its shape, and where
        # its centre lies relative to the cell's centre (dx, dy in the coordinate units below)
        self.detector = nn.Linear(width + 2, DETECTOR_OUTPUTS)
        self.sharpness = nn.Parameter(torch.tensor(1.0))
        # each cell read together with the question
        self.cell_in = nn.Linear(width + 2, hidden)
        self.cell_question = nn.Linear(QUESTION_SIZE, hidden, bias=False)
        self.cell_out = nn.Sequential(nn.Softplus(beta), nn.Linear(hidden, hidden))
        self.g_cell = nn.Linear(hidden, hidden)
        self.g_anchor = nn.Linear(hidden, hidden, bias=False)
        self.g_geometry = nn.Linear(3, hidden, bias=False)  # (Δx, Δy, |Δ|²) from the anchor to cell j
        self.g_out = nn.Sequential(nn.Softplus(beta), nn.Linear(hidden, hidden), nn.Softplus(beta))
        self.partner_score = nn.Linear(hidden, 1)
        self.f = nn.Sequential(nn.Linear(3 * hidden + QUESTION_SIZE, hidden), nn.Softplus(beta), nn.Linear(hidden, 10))
        self.question: torch.Tensor | None = None

    def set_question(self, q: torch.Tensor | None) -> "RelationNet":
        self.question = q
        return self

    def forward(self, x: torch.Tensor, q: torch.Tensor | None = None) -> torch.Tensor:
        return self.answer_and_detect(x, q)[0]

    def answer_and_detect(self, x: torch.Tensor, q: torch.Tensor | None = None):
        """(answer logits (B, 10) or (B, Q, 10), per-cell detector logits (B, N, 9)); the trainer
        supervises the detector with the objects' true colours and shapes."""
        q = self.question if q is None else q
        if q is None:
            raise ValueError("q: RelationNet needs a question (B, 11); pass it or call set_question")
        single = q.dim() == 2
        q = (q[:, None] if single else q).to(x.dtype)  # (B, Q, 11)
        if q.shape[0] != x.shape[0] or q.shape[-1] != QUESTION_SIZE:
            raise ValueError(f"q: expected ({x.shape[0]}, {QUESTION_SIZE}) or ({x.shape[0]}, Q, {QUESTION_SIZE}), "
                             f"got {tuple(q.shape)}")
        a = self.act(self.features(_with_coordinates(x)))  # (B, K, h, w)
        B, K, h, w = a.shape
        yy, xx = torch.meshgrid(torch.linspace(-1, 1, h, dtype=a.dtype, device=a.device),
                                torch.linspace(-1, 1, w, dtype=a.dtype, device=a.device), indexing="ij")
        o = torch.cat([a, torch.stack([xx, yy]).expand(B, 2, h, w)], 1).flatten(2).transpose(1, 2)  # (B, N, K+2)
        det = self.detector(o)  # (B, N, 11)
        logp = torch.log_softmax(det[..., : N_COLORS + 1], -1)  # (B, N, 7): colours, then "none"
        pos = o[..., -2:] + det[..., -2:]  # (B, N, 2): the object's centre if one is centred in the cell
        # the anchor: the cells whose detector says "the colour asked", log-probabilities as logits
        att = torch.softmax(self.sharpness * torch.einsum("bnc,bqc->bqn", logp[..., :N_COLORS], q[..., :N_COLORS]), -1)
        e = self.cell_out(self.cell_in(o)[:, None] + self.cell_question(q)[:, :, None])  # (B, Q, N, H)
        anchor = torch.einsum("bqn,bqnh->bqh", att, e)
        delta = pos[:, None] - torch.einsum("bqn,bnc->bqc", att, pos)[:, :, None]  # (B, Q, N, 2)
        geometry = torch.cat([delta, (delta**2).sum(-1, keepdim=True)], -1)
        r = self.g_out(self.g_cell(e) + self.g_anchor(anchor)[:, :, None] + self.g_geometry(geometry))  # g(anchor, j)
        objectness = torch.log1p(-logp[..., N_COLORS].exp().clamp(max=1 - 1e-6))  # log P(an object in cell j)
        pick = torch.softmax(self.partner_score(r)[..., 0] + objectness[:, None], -1)  # e.g. the closest object
        partner = torch.einsum("bqn,bqnh->bqh", pick, r)
        out = self.f(torch.cat([anchor, partner, r.mean(2), q], -1))  # (B, Q, 10)
        return (out[:, 0] if single else out), det


def cell_targets(data, grid: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per image and cell of a grid×grid layer: the colour index of the object centred there
    (N_COLORS for none), its shape (−100, ignored, where none) and the offset of its centre from
    the cell's centre in the model's coordinate units (0 where none): (n, g²), (n, g²), (n, g², 2)."""
    n, k = data.shapes.shape
    size = data.images.shape[-1]
    col, row = (np.clip(data.centers[..., a] * grid // size, 0, grid - 1) for a in (0, 1))
    cell = row * grid + col  # (n, k)
    # a pixel position p maps to the coordinate −1 + 2 (p − S/2g) / (S − S/g): −1 at the first cell's
    # centre, +1 at the last one's, as the coordinates the model appends to its cells
    to_coord = lambda p: -1 + 2 * (p - size / (2 * grid)) / (size - size / grid)  # noqa: E731
    cell_centre = lambda j: -1 + 2 * j / (grid - 1)  # noqa: E731
    colour = np.full((n, grid * grid), N_COLORS, np.int64)
    shape = np.full((n, grid * grid), -100, np.int64)
    offset = np.zeros((n, grid * grid, 2), np.float32)
    rows = np.repeat(np.arange(n), k)
    colour[rows, cell.ravel()] = np.tile(np.arange(k), n)
    shape[rows, cell.ravel()] = data.shapes.ravel()
    offset[rows, cell.ravel(), 0] = (to_coord(data.centers[..., 0]) - cell_centre(col)).ravel()
    offset[rows, cell.ravel(), 1] = (to_coord(data.centers[..., 1]) - cell_centre(row)).ravel()
    return colour, shape, offset


def _with_coordinates(x: torch.Tensor) -> torch.Tensor:
    """(B, 3, S, S) → (B, 5, S, S): the pixel's x and y in [−1, 1] as two more channels, so that
    every cell's features can say where inside the cell an object sits (Liu et al.'s CoordConv)."""
    B, _, H, W = x.shape
    yy, xx = torch.meshgrid(torch.linspace(-1, 1, H, dtype=x.dtype, device=x.device),
                            torch.linspace(-1, 1, W, dtype=x.dtype, device=x.device), indexing="ij")
    return torch.cat([x, torch.stack([xx, yy]).expand(B, 2, H, W)], 1)


def train_relation_net(seed: int = 0, n_images: int = 6000, questions_per_image: int = 20, epochs: int = 8,
                       batch_images: int = 32, lr: float = 3e-3, threads: int | None = 1, verbose: bool = False,
                       n_test: int | None = None, size: int = 40, convs: int = 3):
    """Train RelationNet on fresh Sort-of-CLEVR; returns (model in eval mode, accuracies, info).

    Images are size×size pixels with objects of side size/5 (40 px and 8 px by default: the
    objects fill about one cell of the 5×5 grid, and the CNN is 3.5× cheaper than at the paper's
    75 px). Each step takes `batch_images` images with all their questions, so the CNN runs once
    per image. The loss is the answers' cross-entropy plus the detector's, per cell, against the
    generator's object centres and shapes. Accuracies are measured on n_test (default
    max(1000, n_images // 5)) fresh test images, separately for relational and non-relational
    questions, and per subtype in info["per_subtype"]. Seeded end to end; with threads=1 two runs
    are bitwise identical.
    """
    from .image_models import _threads

    with _threads(threads):
        torch.manual_seed(seed)
        t0 = time.perf_counter()
        half = max(3, size // 10)
        tr = sort_of_clevr(n_images, questions_per_image, seed=seed, size=size, half=half)
        te = sort_of_clevr(n_test or max(1000, n_images // 5), questions_per_image, seed=seed + 10_000, size=size,
                           half=half)
        t_data = time.perf_counter() - t0
        model = RelationNet(convs=convs)
        X = torch.from_numpy(tr.images)
        Qs = torch.from_numpy(tr.questions).reshape(n_images, questions_per_image, -1)
        A = torch.from_numpy(tr.answers).reshape(n_images, questions_per_image)
        grid = size
        for _ in range(convs):  # each stride-2 convolution (padding 1) halves the side, rounding up
            grid = (grid + 1) // 2
        colour_t, shape_t, offset_t = (torch.from_numpy(t) for t in cell_targets(tr, grid))
        steps = epochs * ((n_images + batch_images - 1) // batch_images)
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, lr, total_steps=steps)
        gen = torch.Generator().manual_seed(seed)
        t1 = time.perf_counter()
        for ep in range(epochs):
            model.train()
            perm, total = torch.randperm(n_images, generator=gen), 0.0
            for s in range(0, n_images, batch_images):
                i = perm[s : s + batch_images]
                logits, det = model.answer_and_detect(X[i], Qs[i])
                here = (colour_t[i] < N_COLORS)[..., None]  # cells with an object centred in them
                loss = (nn.functional.cross_entropy(logits.flatten(0, 1), A[i].flatten())
                        + nn.functional.cross_entropy(det[..., : N_COLORS + 1].flatten(0, 1), colour_t[i].flatten())
                        + nn.functional.cross_entropy(det[..., N_COLORS + 1 : N_COLORS + 3].flatten(0, 1),
                                                      shape_t[i].flatten())
                        + 10 * ((det[..., -2:] - offset_t[i]) ** 2 * here).sum() / here.sum().clamp_min(1))
                opt.zero_grad()
                loss.backward()
                opt.step()
                sched.step()
                total += float(loss.detach()) * len(i)
            if verbose:
                print(f"epoch {ep}: loss {total / n_images:.4f} ({time.perf_counter() - t1:.0f} s)", flush=True)
        t_train = time.perf_counter() - t1
        model.eval()
        acc, per_subtype = evaluate_relation_net(model, te)
    info = {"train_seconds": t_train, "data_seconds": t_data, "n_images": n_images,
            "n_test": te.images.shape[0], "questions_per_image": questions_per_image, "epochs": epochs,
            "batch_images": batch_images, "lr": lr, "seed": seed, "threads": torch.get_num_threads() if threads is None
            else threads, "size": size, "half": half, "grid": grid, "config": {"convs": convs},
            "accuracy": acc, "per_subtype": per_subtype}
    return model, acc, info


def evaluate_relation_net(model: RelationNet, data):
    """({"relational", "non_relational"} accuracies, {subtype name: accuracy}) on a SortOfClevr set."""
    from .images import NONREL_SUBTYPES, REL_SUBTYPES

    right = predictions(model, data) == data.answers
    rel = data.relational
    per = {}
    for is_rel, names in ((False, NONREL_SUBTYPES), (True, REL_SUBTYPES)):
        for k, name in enumerate(names):
            m = (rel == is_rel) & (data.subtype == k)
            per[name] = float(right[m].mean()) if m.any() else float("nan")
    return {"relational": float(right[rel].mean()), "non_relational": float(right[~rel].mean())}, per


@torch.no_grad()
def predictions(model: RelationNet, data, batch_images: int = 100) -> np.ndarray:
    """The model's answer index for every question of a SortOfClevr set: (Q_total,)."""
    n = data.images.shape[0]
    qs = torch.from_numpy(data.questions).reshape(n, len(data.answers) // n, -1)
    return torch.cat([model(torch.from_numpy(data.images[s : s + batch_images]), qs[s : s + batch_images]).argmax(-1)
                      for s in range(0, n, batch_images)]).flatten().numpy()


#: The RelationNet shipped with the package (float16 weights, about 100 KB), written by
#: `benchmarks/taylor_cam_hits.py --task clevr --retrain --save`.
WEIGHTS = Path(__file__).with_name("relation_net_weights.pt")


def load_relation_net(path=None) -> tuple[RelationNet, dict]:
    """The trained RelationNet shipped with the package: (model in eval mode, info).

    info holds how it was trained (the `train_relation_net` arguments, seconds, the command) and
    its test accuracies, measured on the float16-rounded weights that are stored.
    """
    saved = torch.load(WEIGHTS if path is None else path, weights_only=True)
    model = RelationNet(**saved["config"])
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in saved["state"].items()})
    return model.eval(), saved["info"]


def save_relation_net(model: RelationNet, config: dict, info: dict, path=None) -> None:
    """Store `model` in float16 (round it first with `round_to_half` so that info's accuracies are
    those of the stored weights)."""
    state = {k: v.half() if v.is_floating_point() else v for k, v in model.state_dict().items()}
    torch.save({"config": config, "state": state, "info": info}, WEIGHTS if path is None else path)


@torch.no_grad()
def round_to_half(model: nn.Module) -> nn.Module:
    """Round every floating parameter and buffer to float16 precision, in place (dtype unchanged)."""
    for t in (*model.parameters(), *model.buffers()):
        if t.is_floating_point():
            t.copy_(t.half().to(t.dtype))
    return model
