"""Token ids and keyword arguments at the boundary: the model as a function of its embedding.

Derivatives need a continuous input, and token ids are not one. Given ids (B, T) and
`embedding=` (a module inside the model whose output is the (B, T, E) embedding: the model's
`nn.Embedding`, or a module that also adds positions), the path methods explain the model as a
function of that module's output. A forward hook replaces the output with the point on the path
for the duration of one call and is removed afterwards, error or not, so the user's model is
never left changed. Results are then per token: the embedding axis is summed.

`forward_kwargs=` are keyword arguments of the model's forward (attention masks, padding masks,
token type ids...). A tensor whose first dimension is the batch size B belongs to the inputs row
by row and follows each input wherever the engine sends it; every other value is passed
unchanged to every call.

The engine evaluates one input at a time inside `vmap` and knows only its flat point and its
target row. `BoundModel.selectors` therefore appends each input's row index to the target rows,
and the example function reads it back to pick that input's ids and keyword arguments. If the
model branches on their values, the engine vmaps over one input's points at a time with that row
unbatched, so the ids and masks the model sees are plain tensors (paths/engine.py).
"""
from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Callable, Sequence

import numpy as np
import torch
from torch import nn

from . import options as opt
from .models import read_output


class _Captured(Exception):
    """Raised by the capturing hook to stop a forward once the embedding is known."""


@contextlib.contextmanager
def replaced_output(module: nn.Module, value: torch.Tensor | None, calls: list):
    """Within the block, `module`'s output is `value` (None: kept, and recorded in `calls`).

    calls: a list that receives each output the module produced (so callers can tell a module
    that was never called, or called twice, from one called once). The hook is removed on exit,
    whatever happens inside.
    """

    def hook(_module, _args, out):
        calls.append(out)
        return out if value is None else value

    handle = module.register_forward_hook(hook)
    try:
        yield
    finally:
        handle.remove()


class BoundModel:
    """The model with its ids and keyword arguments bound: called as (z (n, *S), index (n,)) → output.

    model: the user's model. ids: (B, T) long token ids, or None (then z is the model's input).
    embedding: the module whose output z replaces (with ids). batched: names of the
    forward_kwargs split per input ((B, ...) tensors); shared: the other keyword arguments.
    """

    def __init__(self, model: Callable, ids: torch.Tensor | None, embedding: nn.Module | None,
                 batched: dict, shared: dict):
        self.model, self.ids, self.embedding = model, ids, embedding
        self.batched, self.shared = batched, shared

    def kwargs(self, index: torch.Tensor) -> dict:
        kw = dict(self.shared)
        kw.update({k: v.index_select(0, index) for k, v in self.batched.items()})
        return kw

    def __call__(self, z: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
        kw = self.kwargs(index)
        if self.ids is None:
            return read_output(self.model(z, **kw))
        calls: list = []
        with replaced_output(self.embedding, z, calls):
            out = self.model(self.ids.index_select(0, index), **kw)
        if len(calls) != 1:
            raise ValueError(_call_count_message(len(calls)))
        return read_output(out)

    # --- what the engine calls ----------------------------------------------------------------

    def selectors(self, rows: torch.Tensor) -> torch.Tensor:
        """The target rows (B, C) with each input's row index appended as a last column (B, C + 1)."""
        index = torch.arange(rows.shape[0], device=rows.device, dtype=rows.dtype)
        return torch.cat([rows, index[:, None]], 1)

    def example_function(self, target, feature_shape: Sequence[int]):
        """f(z, sel) → scalar for one input, `sel` being its row of `selectors` (see derivatives.example_function)."""
        shape = (1, *feature_shape)

        def f(z: torch.Tensor, sel: torch.Tensor) -> torch.Tensor:
            index = sel[-1:].round().long()
            return target.pick(self(z.reshape(shape), index), sel[None, :-1])[0]

        f.one_input_per_chunk = False  # set by the engine if the model needs one input per chunk (paths/engine.py)
        return f

    def outputs(self, target, z: torch.Tensor, sel: torch.Tensor, feature_shape, chunk: int = 1024) -> torch.Tensor:
        """f at flat points z (N, D) whose `selectors` rows are sel (N, C + 1) → (N,), without a graph."""
        outs = []
        with torch.no_grad():
            for s in range(0, z.shape[0], chunk):
                rows = sel[s : s + chunk]
                out = self(z[s : s + chunk].reshape(-1, *feature_shape), rows[:, -1].round().long())
                outs.append(target.pick(out, rows[:, :-1]))
        return torch.cat(outs)

    # --- embeddings of other ids (baselines, background data) -----------------------------------

    def embed(self, ids: torch.Tensor, kwargs: dict, name: str) -> torch.Tensor:
        """The embedding module's output (N, T, E) for ids (N, T): the model runs up to that module only."""
        calls: list = []

        def stop(_module, _args, out):
            calls.append(out)
            raise _Captured

        handle = self.embedding.register_forward_hook(stop)
        try:
            with torch.no_grad():
                self.model(ids, **kwargs)
        except _Captured:
            pass
        except (RuntimeError, ValueError, IndexError, TypeError) as e:
            raise ValueError(f"{name}: the model failed on token ids of shape {tuple(ids.shape)}: {e}") from e
        finally:
            handle.remove()
        if not calls:
            raise ValueError(_call_count_message(0))
        return calls[0].detach()


def _call_count_message(n: int) -> str:
    if n == 0:
        return ("embedding: the module was not called by the model's forward; pass the module the model calls on "
                "its token ids (e.g. model.embeddings.word_embeddings), whose output is the (B, T, E) embedding")
    return (f"embedding: the module was called {n} times in one forward; pass a module the model calls once, "
            "whose output is the (B, T, E) input embedding")


# --- the boundary's token half ----------------------------------------------------------------


def check_embedding(embedding) -> nn.Module:
    if not isinstance(embedding, nn.Module):
        raise TypeError(f"embedding: expected the nn.Module whose output is the (B, T, E) embedding (e.g. the "
                        f"model's nn.Embedding), got {type(embedding).__name__}")
    return embedding


def vocabulary_size(embedding: nn.Module) -> int | None:
    """The number of token ids the embedding accepts: its (first) nn.Embedding's rows, or None if it has none."""
    for m in embedding.modules():
        if isinstance(m, nn.Embedding):
            return m.num_embeddings
    return None


def as_ids(x, name: str, vocab: int | None, *, batch: bool = True) -> torch.Tensor:
    """Integer token ids as a long tensor: (B, T) (batch) or (T,) / (B, T) otherwise, checked against vocab."""
    if isinstance(x, np.ndarray):
        if x.dtype.kind not in "iu":
            raise TypeError(f"{name}: expected integer token ids, got a numpy array of dtype {x.dtype}")
        x = torch.from_numpy(x.astype(np.int64))
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name}: expected integer token ids as a (B, T) tensor or numpy array, got {type(x).__name__}")
    if x.is_floating_point() or x.is_complex() or x.dtype == torch.bool:
        hint = (" With embedding=, x holds token ids; to explain embeddings you computed yourself, drop embedding= "
                "and pass them with embedding_axis=-1." if name == "x" else "")
        raise TypeError(f"{name}: expected integer token ids, got dtype {x.dtype}.{hint}")
    if batch and x.dim() != 2:
        extra = f"; for one sentence use {name}[None]" if x.dim() == 1 else ""
        raise ValueError(f"{name}: expected token ids of shape (B, T), got {tuple(x.shape)}{extra}")
    if x.numel() == 0:
        raise ValueError(f"{name}: is empty (shape {tuple(x.shape)}); expected at least one token")
    lo, hi = int(x.min()), int(x.max())
    if lo < 0 or (vocab is not None and hi >= vocab):
        bad = lo if lo < 0 else hi
        raise ValueError(f"{name}: token id {bad} is out of the vocabulary [0, {vocab if vocab is not None else '∞'})")
    return x.long()


def split_kwargs(forward_kwargs, B: int) -> tuple[dict, dict]:
    """(batched, shared): tensors with first dimension B are split per input; everything else is shared."""
    if forward_kwargs is None:
        return {}, {}
    if not isinstance(forward_kwargs, Mapping):
        raise TypeError(f"forward_kwargs: expected a dict of keyword arguments for the model's forward, "
                        f"got {type(forward_kwargs).__name__}")
    batched, shared = {}, {}
    for k, v in forward_kwargs.items():
        if not isinstance(k, str):
            raise TypeError(f"forward_kwargs: keys must be argument names (strings), got {k!r}")
        if isinstance(v, np.ndarray):
            v = torch.from_numpy(np.ascontiguousarray(v))
        if isinstance(v, torch.Tensor) and v.dim() >= 1 and v.shape[0] == B:
            batched[k] = v.detach()
        else:
            shared[k] = v
    return batched, shared


def bind(model, x, embedding, forward_kwargs, name: str, device):
    """(bound model, the input the maths sees (B, *S), the model's raw output at x, ids or None).

    With `embedding`, x is token ids (B, T) and the maths sees the embedding's output (B, T, E);
    without it, x is the already converted floating input (B, *S).
    """
    if embedding is not None:
        check_embedding(embedding)
        ids = as_ids(x, name, vocabulary_size(embedding))
        if device is not None:
            ids = ids.to(device)
        B = ids.shape[0]
    else:
        ids, B = None, x.shape[0]
    batched, shared = split_kwargs(forward_kwargs, B)
    bound = BoundModel(model, ids, embedding, batched, shared)
    calls: list = []
    try:
        with torch.no_grad():
            if ids is None:
                raw = model(x, **bound.kwargs(torch.arange(B, device=x.device)))
            else:
                with replaced_output(embedding, None, calls):
                    raw = model(ids, **bound.kwargs(torch.arange(B, device=ids.device)))
    except (RuntimeError, ValueError, IndexError, TypeError) as e:
        who = "forward_kwargs" if forward_kwargs else name
        raise ValueError(
            f"{who}: the model failed on {name} of shape {tuple((ids if ids is not None else x).shape)}"
            f"{' with forward_kwargs ' + repr(sorted(forward_kwargs)) if forward_kwargs else ''}: {e}. Tensors in "
            f"forward_kwargs whose first dimension is {B} (the batch) are split per input; others are passed unchanged"
        ) from e
    if ids is not None:
        if len(calls) != 1:
            raise ValueError(_call_count_message(len(calls)))
        e_out = calls[0]
        if not isinstance(e_out, torch.Tensor) or e_out.dim() != 3 or tuple(e_out.shape[:2]) != tuple(ids.shape):
            got = tuple(e_out.shape) if isinstance(e_out, torch.Tensor) else type(e_out).__name__
            raise ValueError(f"embedding: its output is {got}; expected the (B, T, E) embedding of ids of shape "
                             f"{tuple(ids.shape)}")
        if not e_out.is_floating_point():
            raise TypeError(f"embedding: its output has dtype {e_out.dtype}; expected floating embeddings")
        x = e_out.detach().clone()
    return bound, x, raw, ids


def token_baseline(bound: BoundModel, baseline, x: torch.Tensor) -> torch.Tensor | None:
    """A token-id baseline as embeddings (B, T, E), or None when `baseline` is not given in token ids.

    An int is a token id (pad or mask) put at every position; an integer tensor (T,) or (B, T) is a
    baseline sentence. Their embeddings are what the embedding module outputs for them, positions
    included when the module adds them. A float number is refused (ambiguous with token ids).
    """
    if bound.ids is None or baseline is None:
        return None
    vocab = vocabulary_size(bound.embedding)
    if isinstance(baseline, (bool, np.bool_)):
        raise TypeError("baseline: expected None, a token id, token ids (T,)/(B, T) or embeddings (T, E)/(B, T, E), "
                        "got a bool")
    if opt.is_int(baseline):
        ids = torch.full_like(bound.ids, int(baseline))
        as_ids(ids, "baseline", vocab)
    elif opt.is_real(baseline):
        raise TypeError(f"baseline: with token ids, pass None (zero embeddings), an int token id (e.g. the pad or "
                        f"mask id), token ids or an embedding tensor (T, E)/(B, T, E); got the number {baseline!r}")
    elif (isinstance(baseline, torch.Tensor) and not baseline.is_floating_point() and not baseline.is_complex()) or (
            isinstance(baseline, np.ndarray) and baseline.dtype.kind in "iu"):
        ids = as_ids(baseline, "baseline", vocab, batch=False).to(bound.ids.device)
        if ids.dim() > 2 or tuple(ids.shape[-1:]) != tuple(bound.ids.shape[1:]) or (
                ids.dim() == 2 and ids.shape[0] not in (1, bound.ids.shape[0])):
            raise ValueError(f"baseline: token ids of shape {tuple(ids.shape)} do not match x's "
                             f"{tuple(bound.ids.shape)}; pass (T,) or (B, T)")
        ids = ids.expand_as(bound.ids)
    else:
        return None
    return bound.embed(ids, bound.kwargs(torch.arange(ids.shape[0], device=ids.device)), "baseline").to(x.dtype)


def token_data(bound: BoundModel, data, name: str) -> torch.Tensor | None:
    """Background token ids (N, T) as embeddings (N, T, E), or None when `data` is not integer ids."""
    if bound.ids is None:
        return None
    is_ids = (isinstance(data, torch.Tensor) and not data.is_floating_point() and not data.is_complex()) or (
        isinstance(data, np.ndarray) and data.dtype.kind in "iu")
    if not is_ids:
        return None
    ids = as_ids(data, name, vocabulary_size(bound.embedding)).to(bound.ids.device)
    if ids.shape[1] != bound.ids.shape[1]:
        raise ValueError(f"{name}: token ids of shape {tuple(ids.shape)} do not match x's length T = {bound.ids.shape[1]}")
    # per-input keyword arguments belong to x's rows, not to the background's; the shared ones apply
    return torch.cat([bound.embed(ids[i : i + 1024], bound.shared, name) for i in range(0, ids.shape[0], 1024)])
