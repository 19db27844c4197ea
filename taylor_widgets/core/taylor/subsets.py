"""Subsets of n players as bitmasks (bit i = player i) and the transforms between games and dividends.

Deng et al., TPAMI 2024 (https://arxiv.org/abs/2303.01506): the Harsanyi dividends are the
Möbius transform of the game over subsets; the Shapley value shares each dividend evenly.
"""
from __future__ import annotations

import torch


def subset_bits(n: int, device=None) -> torch.Tensor:
    """(2^n, n) 0/1 membership: row s has bit i set iff player i ∈ s."""
    s = torch.arange(2**n, device=device)
    return ((s[:, None] >> torch.arange(n, device=device)) & 1).to(torch.long)


def mobius(values: torch.Tensor, n: int) -> torch.Tensor:
    """Fast Möbius transform along the last axis (…, 2^n): I(S) = Σ_{T⊆S} (−1)^{|S|−|T|} v(T), O(n·2^n)."""
    a = values.clone()
    lead = a.shape[:-1]
    for i in range(n):
        v = a.view(*lead, 2 ** (n - 1 - i), 2, 2**i)
        v[..., 1, :] -= v[..., 0, :]
    return a


def zeta(dividends: torch.Tensor, n: int) -> torch.Tensor:
    """Inverse of `mobius`: v(S) = Σ_{T⊆S} I(T) along the last axis (…, 2^n)."""
    a = dividends.clone()
    lead = a.shape[:-1]
    for i in range(n):
        v = a.view(*lead, 2 ** (n - 1 - i), 2, 2**i)
        v[..., 1, :] += v[..., 0, :]
    return a


def shapley_from_dividends(dividends: torch.Tensor, n: int) -> torch.Tensor:
    """φ_i = Σ_{S∋i} I(S)/|S| (…, n) from dividends (…, 2^n)."""
    bits = subset_bits(n, dividends.device).to(dividends.dtype)
    size = bits.sum(-1).clamp_min(1)
    return (dividends / size) @ bits
