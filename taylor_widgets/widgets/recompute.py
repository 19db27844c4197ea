"""The computations behind Explorer: baselines by kind, Γ by method, and the baseline sweep.

Pure functions of torch tensors (no traits), so the widget only moves results into traits.

Forward-mode AD levels are process-global in torch, and torch.func.jvp is not thread-safe: two
jvp computations that overlap in two threads fail with "Trying to access a forward AD level with
an invalid index". JupyterLab ≥ 4.4 sends widget messages over a kernel subshell (its own thread),
and before that subshell is up the first messages of a widget still reach the main shell, so the
first baseline edit can be computed twice at once (once for the trait update, once for the
"apply_baseline" request). Every computation here therefore runs under one process-wide lock
(`computing`), and a computation that still meets that error (a jvp of the user's own code in
another thread) is retried once.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from ..core import expected_hessians, integrated_hessians
from ..core.arrays import to_tensor
from .checks import TraitTypeError, TraitValueError, check_choice, check_int

#: Serialises every widget computation that uses forward-mode AD (see the module docstring).
COMPUTE_LOCK = threading.RLock()
FORWARD_AD_RACE = "forward AD level with an invalid index"


@contextmanager
def computing():
    """Hold the process-wide compute lock (re-entrant: a recompute may nest its steps)."""
    with COMPUTE_LOCK:
        yield


def retry_forward_ad_race(fn: Callable, *args, **kwargs):
    """fn(*args, **kwargs) under the compute lock; retried once after a short pause when torch
    reports a forward-AD level taken away by another thread (nothing else is retried)."""
    with computing():
        try:
            return fn(*args, **kwargs)
        except RuntimeError as err:
            if FORWARD_AD_RACE not in str(err):
                raise
        time.sleep(0.05)  # let the other thread's jvp finish
        return fn(*args, **kwargs)

METHODS = {"ih": "integrated_hessians", "eh": "expected_hessians"}
KINDS = ("zeros", "mean", "median", "sample", "custom")


@dataclass
class Setting:
    """What a recompute needs besides the baseline: fixed when the Explorer is built."""

    model: object
    x: torch.Tensor  # (B, d)
    data: torch.Tensor | None  # (N, d)
    method: str  # "ih" | "eh"
    target: object
    samples: int
    seed: int
    steps: int | None
    sweep_features: int  # m
    sweep_points: int  # K


def as_matrix_input(x, name: str, align_to=None) -> tuple[torch.Tensor, list | None]:
    """(tensor, labels): a (d,) or (B, d) tabular input as a (B, d) tensor of finite values.

    x: a torch tensor, a numpy array or a pandas DataFrame/Series, read as the core reads them
    (core/arrays.py `to_tensor`: numbers and bools only; a DataFrame's columns are its labels,
    and with `align_to` a labelled frame is reordered to those columns or refused). Other checks
    happen in core.
    """
    if x is None or isinstance(x, (str, bytes, dict, list, tuple)) or not (
            isinstance(x, (torch.Tensor, np.ndarray)) or type(x).__module__.split(".")[0] == "pandas"):
        raise TraitTypeError(f"{name}: expected a torch.Tensor, a numpy array or a pandas DataFrame, "
                             f"got {type(x).__name__}")
    try:
        x, labels = to_tensor(x, name, None, None, align_to=align_to)
    except TypeError as err:
        raise TraitTypeError(str(err)) from None
    except ValueError as err:
        raise TraitValueError(str(err)) from None
    labels = None if labels is None else [str(c) for c in labels]
    if x.dim() == 1:
        x = x[None]
    if x.dim() != 2:
        raise TraitValueError(f"{name}: Explorer explains tabular inputs of shape (d,) or (B, d), got {tuple(x.shape)}")
    if x.shape[0] == 0 or x.shape[1] == 0:
        raise TraitValueError(f"{name}: is empty (shape {tuple(x.shape)}); pass at least one row of d ≥ 1 features")
    if x.is_floating_point() and not torch.isfinite(x).all():
        raise TraitValueError(f"{name}: contains {int((~torch.isfinite(x)).sum())} NaN or Inf value(s)")
    if labels is not None and len(labels) != x.shape[1]:
        labels = None  # a Series' labels name the rows of a (d,) vector only when it is one
    return x, labels


def resolve_baseline(kind: str, data: torch.Tensor | None, d: int, sample: int = 0, custom=None) -> torch.Tensor:
    """The (d,) baseline of a kind: zeros, the data's mean / median / row `sample`, or `custom`."""
    check_choice(kind, "baseline_kind", KINDS)
    if kind == "zeros":
        return torch.zeros(d, dtype=torch.float64)
    if kind == "custom":
        if custom is None:
            raise TraitValueError("baseline: kind 'custom' needs baseline values")
        b = torch.tensor(np.array(custom, dtype=np.float64)).reshape(-1)
        if b.numel() != d:
            raise TraitValueError(f"baseline: expected {d} values (one per feature), got {b.numel()}")
        return b
    if data is None:
        raise TraitValueError(f"baseline: kind {kind!r} needs data=; pass the background data (N, {d})")
    data = data.double()
    if kind == "mean":
        return data.mean(0)
    if kind == "median":
        return data.quantile(0.5, dim=0)
    return data[check_int(sample, "baseline_sample", 0, data.shape[0])]


def explain(s: Setting, baseline: torch.Tensor):
    """Γ for all inputs: IH at `baseline`, or EH over `data` shifted so its mean sits at `baseline`.

    EH has no single baseline; editing it moves the whole background distribution (kind "mean"
    leaves the data as given).
    """
    if not torch.isfinite(baseline).all():
        raise TraitValueError("baseline: contains NaN or Inf; every feature needs a finite baseline value")
    if s.method == "ih":
        return integrated_hessians(s.model, s.x, baseline=baseline.to(s.x), target=s.target, steps=s.steps)
    shifted = s.data + (baseline.to(s.data) - s.data.mean(0))
    return expected_hessians(s.model, s.x, shifted, target=s.target, samples=s.samples, seed=s.seed)


def sweep_grid(s: Setting, baseline: torch.Tensor, phi: torch.Tensor, sample: int):
    """Features to sweep (top-m by |φ| of `sample`) and their K baseline values, float32-exact.

    The range is the data's min..max per feature, else the span between baseline and input
    (widened to ±1 when they coincide).
    """
    d = s.x.shape[1]
    m = min(s.sweep_features, d)
    if m == 0 or s.sweep_points == 0:
        return [], torch.zeros(0, s.sweep_points)
    feats = torch.argsort(phi[sample].abs(), descending=True, stable=True)[:m].tolist()
    lo, hi = value_range(s, baseline, sample)
    t = torch.linspace(0, 1, s.sweep_points, dtype=torch.float64)
    values = lo[feats, None] + (hi - lo)[feats, None] * t  # (m, K)
    return feats, values.float()


def value_range(s: Setting, baseline: torch.Tensor, sample: int):
    """(lo, hi) per feature: the data range, else baseline..input widened to ±1 when flat."""
    if s.data is not None:
        return s.data.double().amin(0), s.data.double().amax(0)
    x = s.x[sample].double()
    b = baseline.double()
    lo, hi = torch.minimum(x, b), torch.maximum(x, b)
    flat = hi - lo < 1e-12
    return torch.where(flat, lo - 1, lo), torch.where(flat, hi + 1, hi)


def sweep_rows(s: Setting, baseline: torch.Tensor, feats, values, sample: int, progress: Callable[[float], None]):
    """(m, K, d): Γ_i· of input `sample` with feature i's baseline at each value (IH rows=[i]).

    One batched call per feature: the K baselines form the batch, one HVP per point each. EH has
    no single baseline to move, so the sweep is always IH around `baseline`.
    """
    K, d = values.shape[1], s.x.shape[1]
    out = torch.zeros(len(feats), K, d, dtype=torch.float64)
    x = s.x[sample : sample + 1].expand(K, d)
    for f, i in enumerate(feats):
        bl = baseline.to(s.x).repeat(K, 1)
        bl[:, i] = values[f].to(s.x)
        r = integrated_hessians(s.model, x, baseline=bl, target=_row_target(s.target, sample, K), steps=s.steps, rows=[i])
        out[f] = r.values[:, 0].detach().double().cpu()
        progress((f + 1) / len(feats))
    return out


def _row_target(target, sample: int, K: int):
    """The target of input `sample`, repeated for the K sweep points."""
    if isinstance(target, torch.Tensor) and target.dim() > 0 and target.numel() > 1:
        return target[sample].expand(K)
    return target
