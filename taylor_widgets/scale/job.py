"""One explain_dataset run as a picklable job: what every engine (and every Ray actor) needs to
turn chunk k of the data into chunk k of the store."""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch

from . import methods
from .sources import Source, check_rows, to_tensor


class ChunkError(RuntimeError):
    """The model or method failed on one chunk; the chunks finished before it are kept."""

    def __init__(self, message: str, chunk: int, rows: tuple[int, int]):
        super().__init__(message)
        self.chunk, self.rows = chunk, rows

    def __reduce__(self):  # keeps chunk and rows when Ray sends the error to the driver
        return (ChunkError, (str(self), self.chunk, self.rows))


@dataclass
class Job:
    """Everything needed to explain and store any chunk, on any machine."""

    method: str
    kwargs: dict
    seed: int
    source: Source
    chunk: int
    feature_shape: tuple[int, ...]
    layout: dict
    store_path: str
    model: object = None
    model_factory: Callable | None = None
    dtype: torch.dtype | None = field(default=None)

    def build_model(self, device: str | None = None):
        model = self.model if self.model is not None else self.model_factory()
        if device is not None and isinstance(model, torch.nn.Module):
            model = model.to(device)
        return model

    def rows(self, k: int) -> tuple[int, int]:
        return k * self.chunk, min(self.source.n, (k + 1) * self.chunk)

    def compute(self, model, k: int, rows: np.ndarray) -> dict[str, np.ndarray]:
        """Chunk k's per-example arrays (numpy, on the CPU), with each example's strongest pair."""
        a, b = self.rows(k)
        if rows.shape[0] != b - a:
            raise ValueError(f"data: chunk {k} should hold rows {a}..{b - 1} but {rows.shape[0]} rows came; "
                             "did the data change length while it was read?")
        check_rows(rows, self.feature_shape, a)
        x = to_tensor(rows, self.dtype)
        m = methods.get(self.method)
        try:
            out = methods.explain_chunk(m, model, x, a, self.seed, self.kwargs)
        except Exception as e:  # the model's own error, whatever its type: name the chunk, keep the cause
            raise ChunkError(
                f"chunk {k} (rows {a}..{b - 1}) failed: {type(e).__name__}: {e}. The chunks finished before it "
                "are kept; fix the cause and run again with resume=True to continue.", k, (a, b)) from e
        arrays = {name: t.detach().cpu().numpy() for name, t in out.items()}
        arrays["strongest"], arrays["strongest_value"] = methods.strongest(arrays["values"], self.layout)
        return arrays


def progress_bar(enabled: bool, total: int, initial: int, desc: str):
    """A tqdm bar in examples (rate and time left), or a stand-in that does nothing."""
    if enabled:
        try:
            from tqdm.auto import tqdm

            return tqdm(total=total, initial=initial, desc=desc, unit="ex", file=sys.stderr, smoothing=0.1)
        except ImportError:
            pass
    return _NoBar()


class _NoBar:
    def update(self, n):
        pass

    def close(self):
        pass
