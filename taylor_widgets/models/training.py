"""Training for NID's regressors: MSE, Adam, an L1 penalty on the interaction MLP's weights and
early stopping on a validation split, as in Tsang et al.'s reference code
(https://github.com/mtsang/neural-interaction-detection, multilayer_perceptron.py).
"""
from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field

import torch
from torch import nn


@dataclass
class TrainingLog:
    """What a training run did: the best validation MSE, when it was reached, and the epochs run."""

    best_val_mse: float
    best_epoch: int
    epochs_run: int
    seconds: float
    val_history: list[float] = field(default_factory=list)

    def __repr__(self) -> str:
        return (f"TrainingLog(best_val_mse={self.best_val_mse:.4g}, best_epoch={self.best_epoch}, "
                f"epochs_run={self.epochs_run}, seconds={self.seconds:.1f})")


def _xy(X, y, name):
    if not isinstance(X, torch.Tensor) or not isinstance(y, torch.Tensor):
        raise TypeError(f"{name}: expected torch tensors X (N, d) and y (N,), got "
                        f"{type(X).__name__} and {type(y).__name__}")
    y = y.reshape(-1) if y.dim() == 2 and y.shape[1] == 1 else y
    if X.dim() != 2 or y.dim() != 1 or X.shape[0] != y.shape[0] or X.shape[0] == 0:
        raise ValueError(f"{name}: expected X (N, d) and y (N,) with N ≥ 1, got {tuple(X.shape)} and {tuple(y.shape)}")
    if not (torch.isfinite(X).all() and torch.isfinite(y).all()):
        raise ValueError(f"{name}: contains NaN or Inf")
    return X, y


def _l1_weights(model: nn.Module) -> list[torch.Tensor]:
    if hasattr(model, "interaction_weights"):
        return list(model.interaction_weights())
    return [m.weight for m in model.modules() if isinstance(m, nn.Linear)]


def train_main_effect_mlp(model: nn.Module, X_train, y_train, X_val, y_val, *, lr: float = 1e-2,
                          l1: float = 5e-5, batch_size: int = 100, epochs: int = 100, patience: int = 5,
                          seed: int = 0) -> tuple[nn.Module, TrainingLog]:
    """Fit a regressor (a `MainEffectMLP`, or any MLP) by MSE with NID's recipe; returns (model, log).

    X_train (N, d), y_train (N,); X_val (M, d), y_val (M,): standardise both beforehand, as the
    paper does. The loss is MSE + l1 · Σ|W| over the interaction MLP's weights (every Linear weight
    for a plain MLP); main-effect networks are not penalised. After each epoch the validation MSE
    is measured; training stops once it has failed to improve for more than `patience` epochs in a
    row, and the best state is restored. Defaults are the reference demo's (lr 1e-2, l1 5e-5,
    batch 100, ≤ 100 epochs, patience 5). `seed` fixes the batch order. The model is trained in
    place and returned in eval mode. Paper: https://arxiv.org/abs/1705.04977
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model: expected a torch.nn.Module, got {type(model).__name__}")
    X_train, y_train = _xy(X_train, y_train, "X_train, y_train")
    X_val, y_val = _xy(X_val, y_val, "X_val, y_val")
    if X_val.shape[1] != X_train.shape[1]:
        raise ValueError(f"X_val: expected {X_train.shape[1]} features like X_train, got {X_val.shape[1]}")
    for name, v in (("batch_size", batch_size), ("epochs", epochs)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValueError(f"{name}: expected a positive integer, got {v!r}")
    if isinstance(patience, bool) or not isinstance(patience, int) or patience < 0:
        raise ValueError(f"patience: expected a non-negative integer, got {patience!r}")
    for name, v in (("lr", lr), ("l1", l1)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not v >= 0:
            raise ValueError(f"{name}: expected a non-negative number, got {v!r}")
    gen = torch.Generator().manual_seed(int(seed))
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    penalised = _l1_weights(model)
    best, best_state, best_epoch, bad, history = float("inf"), None, -1, 0, []
    t0 = time.perf_counter()
    epoch = -1
    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(len(y_train), generator=gen)
        for s in range(0, len(y_train), batch_size):
            i = perm[s : s + batch_size]
            opt.zero_grad()
            loss = ((model(X_train[i])[:, 0] - y_train[i]) ** 2).mean()
            if l1 > 0:
                loss = loss + l1 * sum(w.abs().sum() for w in penalised)
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            val = float(((model(X_val)[:, 0] - y_val) ** 2).mean())
        history.append(val)
        if val < best:
            best, best_epoch, bad = val, epoch, 0
            best_state = copy.deepcopy(model.state_dict())
        else:
            bad += 1
            if bad > patience:
                break
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    return model, TrainingLog(best, best_epoch, epoch + 1, time.perf_counter() - t0, history)
