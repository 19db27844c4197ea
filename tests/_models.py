"""Tiny seeded models for the tests, built in code, nothing downloaded."""
import torch
from torch import nn


def smooth_mlp(d: int, hidden: int = 16, out: int = 1, seed: int = 0, beta: float = 10.0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Linear(d, hidden), nn.Softplus(beta=beta), nn.Linear(hidden, hidden), nn.Softplus(beta=beta),
        nn.Linear(hidden, out),
    ).double()


class TinyConv(nn.Module):
    """A small conv net on (1, 5, 5) images with a smooth activation and 3 classes."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(1)
        self.conv = nn.Conv2d(1, 3, 3, padding=1)
        self.act = nn.Softplus(beta=5.0)
        self.head = nn.Linear(3 * 5 * 5, 3)

    def forward(self, x):
        return self.head(self.act(self.conv(x)).flatten(1))


class Product(nn.Module):
    """f(x) = x1 * x2 (closed form for IH at baseline 0: every entry x1*x2/4)."""

    def forward(self, x):
        return x[:, 0] * x[:, 1]


class TaylorPoly(nn.Module):
    """v(x) = 2x0 + 3x0² + x0x1 + 0.5x0²x1 + x0x1x2 − x3: every Taylor term (κ) and dividend is known."""

    def __init__(self):
        super().__init__()
        self.one = nn.Parameter(torch.ones((), dtype=torch.float64))  # sets the explainers' dtype

    def forward(self, x):
        x0, x1, x2, x3 = x.unbind(-1)
        return self.one * (2 * x0 + 3 * x0**2 + x0 * x1 + 0.5 * x0**2 * x1 + x0 * x1 * x2 - x3)


class Prod(nn.Module):
    """v(x) = x0·x1 + x2: dividends I({0,1}) = x0x1, I({2}) = x2."""

    def __init__(self):
        super().__init__()
        self.one = nn.Parameter(torch.ones((), dtype=torch.float64))

    def forward(self, x):
        return self.one * (x[:, 0] * x[:, 1] + x[:, 2])
