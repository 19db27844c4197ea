"""Exact Harsanyi dividends (Taylor interaction effects) of up to 16 features or feature groups.

Deng et al., "Understanding and Unifying Fourteen Attribution Methods with Taylor Interactions",
TPAMI 2024 (https://arxiv.org/abs/2303.01506): the Taylor terms of v at the baseline b, grouped by
the set S of variables they involve, are the dividends I(S) = Σ_{T⊆S} (−1)^{|S|−|T|} v(x_T, b_−T).
"""
from __future__ import annotations

import numpy as np
import torch

from .. import inputs as inp
from .. import options as opt
from ..derivatives import batched_outputs
from .results import HarsanyiResult, TaylorEffects
from .subsets import mobius, shapley_from_dividends, subset_bits, zeta  # noqa: F401  (re-exported)

#: 2^16 masked evaluations per input is the most we do exactly.
MAX_PLAYERS = 16


def harsanyi(model, x, baseline=None, groups=None, target=None, *, feature_names=None, chunk_size=4096):
    """Exact Harsanyi dividends I(S) of every subset S of features or feature groups.

    x: (B, *S). baseline: None (zeros), (*S) or (B, *S). groups: None (every feature is a player;
    at most 16 features), an integer tensor of shape S (or (D,)) labelling each feature with its
    player 0..n−1, or a list of n lists of flat feature indices; either way a partition of the
    features. target: as everywhere (None for scalar models, an int, a (B,) tensor, a callable).
    Costs 2^n model evaluations per input, in chunks of `chunk_size`, then a fast Möbius transform
    in O(n·2^n) (float64). Returns a HarsanyiResult.
    """
    chunk_size = opt.positive_int(chunk_size, "chunk_size")
    p = inp.prepare(model, x, target)
    b = p.baseline(baseline)
    masks = as_groups(groups, p.feature_shape, p.x.device, p.x.dtype)
    n = masks.shape[0]
    names = p.feature_names(feature_names, n) if groups is None else inp.as_feature_names(feature_names, n)
    values = masked_values(p.model, p.target, p.x, b, masks, chunk_size)
    return HarsanyiResult(mobius(values, n), values, masks, p.x, b, p.target.index, names)


def as_groups(groups, feature_shape, device, dtype) -> torch.Tensor:
    """Player masks (n, D) from None, a label tensor (S or (D,)) or lists of flat indices; checks n ≤ 16."""
    D = int(torch.Size(feature_shape).numel())
    if groups is None:
        labels = torch.arange(D, device=device)
    elif isinstance(groups, (torch.Tensor, np.ndarray)):
        groups = torch.as_tensor(groups)
        if groups.is_floating_point() or groups.is_complex() or groups.dtype == torch.bool:
            raise TypeError(f"groups: expected an integer label tensor, got dtype {groups.dtype}")
        if groups.numel() != D or (groups.dim() > 1 and tuple(groups.shape) != tuple(feature_shape)):
            raise ValueError(f"groups: expected labels of shape {tuple(feature_shape)} or ({D},), got {tuple(groups.shape)}")
        labels = groups.reshape(-1).to(device=device, dtype=torch.long)
    elif isinstance(groups, (list, tuple)):
        labels = torch.full((D,), -1, dtype=torch.long, device=device)
        for g, idx in enumerate(groups):
            if isinstance(idx, (str, bytes)) or not hasattr(idx, "__iter__"):
                raise TypeError(f"groups: group {g} must be a list of flat feature indices, got {idx!r}")
            idx = list(idx.tolist() if isinstance(idx, (torch.Tensor, np.ndarray)) else idx)
            bad = [i for i in idx if not opt.is_int(i)]
            if bad:
                raise TypeError(f"groups: group {g} holds {bad[0]!r}; feature indices must be integers")
            idx = torch.as_tensor([int(i) for i in idx], dtype=torch.long, device=device)
            if idx.numel() == 0 or (idx < 0).any() or (idx >= D).any():
                raise ValueError(f"groups: group {g} must hold flat feature indices in [0, {D}), got {idx.tolist()}")
            if (labels[idx] >= 0).any():
                raise ValueError(f"groups: a feature of group {g} is already in another group; groups must not overlap")
            labels[idx] = g
    else:
        raise TypeError(f"groups: expected None, an integer label tensor or a list of index lists, got {type(groups).__name__}")
    if (labels < 0).any():
        raise ValueError(f"groups: {(labels < 0).sum().item()} feature(s) belong to no group; groups must cover every feature")
    n = int(labels.max().item()) + 1
    if n > MAX_PLAYERS:
        what = "features" if groups is None else "groups"
        raise ValueError(
            f"groups: {n} {what} would need 2^{n} masked evaluations per input; exact dividends are limited to "
            f"{MAX_PLAYERS} players. Pass groups= (e.g. patch_groups(feature_shape, patch)) to merge features into "
            f"at most {MAX_PLAYERS} groups"
        )
    if torch.bincount(labels, minlength=n).min() == 0:
        raise ValueError(f"groups: labels must use every player 0..{n - 1} at least once")
    return torch.nn.functional.one_hot(labels, n).T.to(dtype)


def patch_groups(feature_shape, patch) -> torch.Tensor:
    """Labels (*S) that group an input into patches: (D,) into runs of `patch`; (C, H, W) into (ph, pw) tiles over all channels."""
    if isinstance(feature_shape, (str, bytes)) or not hasattr(feature_shape, "__iter__"):
        raise TypeError(f"feature_shape: expected a shape such as (D,) or (C, H, W), got {feature_shape!r}")
    shape = tuple(opt.positive_int(s, "feature_shape") for s in feature_shape)
    if len(shape) == 1:
        p = opt.positive_int(patch, "patch")
        return torch.arange(shape[0]) // p
    if len(shape) == 3:
        C, H, W = shape
        if opt.is_int(patch):
            patch = (patch, patch)
        if isinstance(patch, (str, bytes)) or not hasattr(patch, "__len__") or len(patch) != 2:
            raise TypeError(f"patch: expected an int or a pair (ph, pw) of positive ints, got {patch!r}")
        ph, pw = (opt.positive_int(v, "patch") for v in patch)
        rows, cols = torch.arange(H) // ph, torch.arange(W) // pw
        lab = rows[:, None] * int(cols.max() + 1) + cols[None, :]
        return lab.expand(C, H, W).clone()
    raise ValueError(f"feature_shape: expected a feature shape (D,) or (C, H, W), got {shape}")


def masked_values(model, target, x, b, masks, chunk_size=4096) -> torch.Tensor:
    """v(x_T, b_−T) for every T: (B, 2^n) float64, from B·2^n batched evaluations. target: a Target."""
    B, n = x.shape[0], masks.shape[0]
    xf, bf = x.reshape(B, -1), b.reshape(B, -1)
    keep = subset_bits(n, x.device).to(x.dtype) @ masks  # (2^n, D)
    out = []
    for i in range(B):
        z = bf[i] + keep * (xf[i] - bf[i])
        owner = torch.full((z.shape[0],), i, dtype=torch.long, device=x.device)
        sel = target.rows(owner, dtype=x.dtype, device=x.device)
        out.append(batched_outputs(model, target, z, sel, tuple(x.shape[1:]), chunk_size))
    return torch.stack(out).to(torch.float64)


def taylor_effects(model_or_result, x=None, baseline=None, groups=None, target=None, **kwargs) -> TaylorEffects:
    """Independent and interaction effects of every feature (group), from exact dividends.

    Pass a HarsanyiResult, or the arguments of `harsanyi` (model, x, baseline, groups, target).
    """
    if isinstance(model_or_result, HarsanyiResult):
        h = model_or_result
    else:
        if x is None:
            raise TypeError("x: taylor_effects needs an input x (B, *S) with a model; or pass a HarsanyiResult first")
        h = harsanyi(model_or_result, x, baseline, groups, target, **kwargs)
    n, I = h.n_players, h.dividends
    bits = subset_bits(n, I.device)
    order = bits.sum(-1)
    single = 2 ** torch.arange(n, device=I.device)
    inter = torch.where(order >= 2, I, torch.zeros_like(I))
    fb = bits.to(I.dtype)
    pairs = torch.zeros(I.shape[0], n, n, dtype=I.dtype, device=I.device)
    ii, jj = torch.triu_indices(n, n, 1)
    pairs[:, ii, jj] = I[:, single[ii] + single[jj]]
    pairs = pairs + pairs.transpose(1, 2)
    by_order = torch.zeros(I.shape[0], n + 1, dtype=I.dtype, device=I.device).index_add_(1, order, I)
    return TaylorEffects(I[:, single], inter, inter @ fb, (inter / order.clamp_min(1)) @ fb, pairs, by_order, h)
