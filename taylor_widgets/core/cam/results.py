"""Results of Grad-CAM and Taylor-CAM: maps on a layer's grid of cells, and the pair scores."""
from __future__ import annotations

from dataclasses import dataclass

import torch

from ..results import Result


def _cell_frame(pd, maps: torch.Tensor, column: str):
    """(B, h, w) maps as one row per (example, row, col) cell."""
    m = maps.detach().cpu()
    B, h, w = m.shape
    e, r, c = torch.meshgrid(torch.arange(B), torch.arange(h), torch.arange(w), indexing="ij")
    return pd.DataFrame({"example": e.reshape(-1).numpy(), "row": r.reshape(-1).numpy(),
                         "col": c.reshape(-1).numpy(), column: m.reshape(-1).numpy()})


@dataclass(repr=False)
class GradCAMResult(Result):
    """Grad-CAM maps: `cam` (B, h, w) on the layer's grid and `upsampled` (B, H, W) on the image.

    `to_numpy()` gives `cam`; `to_frame()` one row per (example, row, col) cell with its value.
    """

    cam: torch.Tensor
    upsampled: torch.Tensor
    weights: torch.Tensor  # (B, K) channel weights α
    layer: str
    activation_shape: tuple[int, ...]  # (B, K, h, w) or (B, T, K)
    target: torch.Tensor | None  # (B,) class indices, or None
    output: torch.Tensor  # (B,) the explained score y
    x: torch.Tensor | None = None  # (B, C, H, W) the explained images (what a viewer draws the maps on)

    method = "grad_cam"
    feature_names = None

    def _main(self) -> torch.Tensor:
        return self.cam

    def _frame(self, pd):
        return _cell_frame(pd, self.cam, "cam")

    def __repr__(self) -> str:
        return (f"GradCAMResult(layer={self.layer!r}, cam={tuple(self.cam.shape)}, "
                f"upsampled={tuple(self.upsampled.shape)}, activations={self.activation_shape})")


@dataclass(repr=False)
class TaylorCAMResult(Result):
    """Taylor-CAM pair scores TC (B, N, N) over the N = h·w cells of a layer, with maps to draw.

    Cells are numbered row-major on the (h, w) grid. `to_numpy()` gives `pair_scores`;
    `to_frame()` one row per (example, cell_i < cell_j) pair with its TC score.
    """

    pair_scores: torch.Tensor  # (B, N, N) TC(i, j), symmetric, 0 on the diagonal
    directed: torch.Tensor  # (B, N, N) s_{i→j}
    top_pairs: list[list[tuple[int, int, float]]]  # per image, (i, j, TC) with i < j, strongest first
    partner_cells: torch.Tensor  # (B, M) cells whose partner maps are given
    partner_maps: torch.Tensor  # (B, M, h, w) TC(i, ·) for each partner cell i
    strength: torch.Tensor  # (B, h, w) Σ_j TC(i, j)
    strength_upsampled: torch.Tensor  # (B, H, W)
    grad_cam: GradCAMResult
    grid: tuple[int, int]
    image_size: tuple[int, int]
    layer: str
    order: int
    shift: str = "uniform"  # how partner cells move: "uniform" (the paper) or "activation"
    triples: torch.Tensor | None = None  # (B, M3, 3) cells (i, j, l), order=3 only
    triple_scores: torch.Tensor | None = None  # (B, M3) TC(i, j, l)

    method = "taylor_cam"
    feature_names = None

    def _main(self) -> torch.Tensor:
        return self.pair_scores

    def _frame(self, pd):
        TC = self.pair_scores.detach().cpu()
        B, N = TC.shape[0], TC.shape[-1]
        iu = torch.triu_indices(N, N, 1)
        vals = TC[:, iu[0], iu[1]]  # (B, P)
        P = vals.shape[1]
        return pd.DataFrame({"example": torch.arange(B).repeat_interleave(P).numpy(),
                             "cell_i": iu[0].repeat(B).numpy(), "cell_j": iu[1].repeat(B).numpy(),
                             "score": vals.reshape(-1).numpy()})

    def _top(self, n: int):
        return [((f"cell {i}", f"cell {j}"), v) for i, j, v in self.top_pairs[0][:n]]

    def cell_boxes(self) -> torch.Tensor:
        """(N, 4) pixel boxes (x0, y0, x1, y1) of the cells, row-major, in image coordinates."""
        (h, w), (H, W) = self.grid, self.image_size
        r, c = torch.meshgrid(torch.arange(h), torch.arange(w), indexing="ij")
        r, c = r.reshape(-1).double(), c.reshape(-1).double()
        return torch.stack([c * W / w, r * H / h, (c + 1) * W / w, (r + 1) * H / h], dim=1)

    def __repr__(self) -> str:
        extra = f", triples={tuple(self.triples.shape)}" if self.triples is not None else ""
        return (f"TaylorCAMResult(layer={self.layer!r}, order={self.order}, grid={self.grid}, "
                f"pair_scores={tuple(self.pair_scores.shape)}, top_pairs={len(self.top_pairs[0])} per image{extra})")
