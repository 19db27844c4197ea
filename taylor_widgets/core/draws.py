"""Seeded random draws, one generator per input, so that batching never changes an input's draws.

The rule (Expected Gradients/Hessians, CASO's noisy copies):
- `seed=s` (an int): input b draws from a CPU generator seeded with a 63-bit hash (BLAKE2b) of
  s, the input's shape and dtype, and its bytes in the dtype the model computes in. Its draws
  therefore depend only on the seed and on the input itself, not on its position in the batch,
  the batch size or the other inputs; two equal inputs get equal draws.
- `seed=[s_0, …, s_{B−1}]` (one int per input): input b draws from a generator seeded with s_b
  directly, for callers that key draws by something else (a row id in a dataset).
- `seed=None`: a fresh base seed is taken from torch's global generator, then the first rule.
"""
from __future__ import annotations

import hashlib

import numpy as np
import torch

from . import options as opt


def check_seed(seed, name: str = "seed"):
    """Validate `seed` before any work: None, an int in [0, 2**63), or a sequence of such ints."""
    if seed is None or opt.is_int(seed):
        opt.seed(seed, name)
    elif isinstance(seed, (str, bytes)) or not hasattr(seed, "__len__"):
        raise TypeError(f"{name}: expected None, an int or one int per input, got {seed!r} ({type(seed).__name__})")
    else:
        for s in (seed.tolist() if isinstance(seed, (torch.Tensor, np.ndarray)) else seed):
            opt.seed(s, name)
    return seed


def input_seeds(x: torch.Tensor, seed, name: str = "seed") -> list[int]:
    """One generator seed per input of x (B, *S), by the rule in the module docstring."""
    B = x.shape[0]
    if seed is not None and not opt.is_int(seed):
        if isinstance(seed, (str, bytes)) or not hasattr(seed, "__len__"):
            raise TypeError(f"{name}: expected None, an int or one int per input, got {seed!r} ({type(seed).__name__})")
        seeds = seed.tolist() if isinstance(seed, (torch.Tensor, np.ndarray)) else list(seed)
        if len(seeds) != B:
            raise ValueError(f"{name}: expected one seed per input ({B}), got {len(seeds)}")
        return [opt.seed(s, name) for s in seeds]
    base = opt.seed(seed, name)
    if base is None:
        base = int(torch.randint(0, 2**62, (), dtype=torch.int64).item())
    flat = x.detach().reshape(B, -1).cpu().contiguous()
    head = f"{base}|{tuple(x.shape[1:])}|{x.dtype}|".encode()
    raw = flat.view(torch.uint8).numpy() if flat.numel() else np.zeros((B, 0), np.uint8)
    return [int.from_bytes(hashlib.blake2b(head + raw[b].tobytes(), digest_size=8).digest(), "little") >> 1
            for b in range(B)]


def generators(x: torch.Tensor, seed, name: str = "seed") -> list[torch.Generator]:
    """One seeded CPU generator per input of x (B, *S)."""
    return [torch.Generator(device="cpu").manual_seed(s) for s in input_seeds(x, seed, name)]
