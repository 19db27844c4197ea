"""Tiny seeded models and data for the scale tests; importable by subprocesses and the CLI
(`_scale_models:factory`) with tests/scale on the path."""
from pathlib import Path

import numpy as np
import torch
from torch import nn

HERE = Path(__file__).resolve().parent
D = 5


def mlp(d: int = D, seed: int = 0, dtype=torch.float32) -> nn.Module:
    """A smooth 2-layer MLP with a scalar output."""
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(d, 12), nn.Softplus(beta=2.0), nn.Linear(12, 1)).to(dtype)


def classifier(d: int = D, seed: int = 0) -> nn.Module:
    """A smooth 3-class MLP (targets are class indices)."""
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(d, 12), nn.Softplus(beta=2.0), nn.Linear(12, 3))


def data(n: int = 150, d: int = D, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, d)).astype(np.float32)


def factory() -> nn.Module:
    """The CLI's `--model _scale_models:factory`."""
    return mlp()


def broken_factory() -> nn.Module:
    raise RuntimeError("no weights here")


class FailsOnLargeInputs(nn.Module):
    """mlp(), but it raises on any batch holding a row whose first feature exceeds 100."""

    def __init__(self):
        super().__init__()
        self.net = mlp()

    def forward(self, x):
        # checked on the plain forward pass every method makes first (not inside vmap, which
        # forbids data-dependent control flow)
        if not torch._C._functorch.is_functorch_wrapped_tensor(x) and bool((x[..., 0] > 100).any()):
            raise RuntimeError("input out of the training range")
        return self.net(x)


class SmallCNN(nn.Module):
    """A smooth conv net on (1, 6, 6) images with 2 classes; `features` is the CAM layer (4 × 3 × 3)."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(2)
        self.features = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.Softplus(beta=3.0), nn.AvgPool2d(2))
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(4 * 3 * 3, 8), nn.Softplus(beta=3.0), nn.Linear(8, 2))

    def forward(self, x):
        return self.head(self.features(x))


def images(n: int = 20, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, 1, 6, 6)).astype(np.float32)


def store_bytes(path) -> dict[str, bytes]:
    """Every file of a store, by relative path: two stores are bit-identical iff these are equal."""
    path = Path(path)
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}
