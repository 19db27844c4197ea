"""Stores for the DatasetExplorer tests, written once per session by explain_dataset.

A d = 5 Softplus MLP explained by Integrated Hessians with two quadrature nodes: the widget
only reads the store, so the quadrature's accuracy does not matter here, its speed does.
"""
import numpy as np
import torch
from torch import nn

import taylor_widgets as tw

D = 5
NAMES = ["age", "dose", "<b>weight</b>", "heart rate", "sleep"]


def tiny_model(seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(D, 8), nn.Softplus(beta=2.0), nn.Linear(8, 1))


def rows(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, D)).astype(np.float32)


def write_store(path, n: int, **kw):
    """An IH store of n rows (2 nodes; chunks of 4096 unless batch_size= says otherwise) with the
    feature names above; returns it opened (open_explanations). 100,000 rows take ~10 s here."""
    kw.setdefault("batch_size", 4096)
    return tw.explain_dataset(tiny_model(), rows(n), "integrated_hessians", path, progress=False, steps=2,
                              feature_names=NAMES, **kw)

