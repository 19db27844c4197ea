"""Exact Harsanyi dividends (Taylor interaction effects) of up to 16 features or feature groups.

Deng et al., "Understanding and Unifying Fourteen Attribution Methods with Taylor Interactions",
TPAMI 2024 (https://arxiv.org/abs/2303.01506): the Taylor terms of v at the baseline b, grouped by
the set S of variables they involve, are the dividends I(S) = Σ_{T⊆S} (−1)^{|S|−|T|} v(x_T, b_−T).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from .. import inputs as inp
from ..derivatives import batched_outputs

#: 2^16 masked evaluations per input is the most we do exactly.
MAX_PLAYERS = 16


@dataclass
class HarsanyiResult:
    """Dividends I(S) (B, 2^n) for every subset S of n players, indexed by bitmask (bit i = player i)."""

    dividends: torch.Tensor  # (B, 2^n) float64; dividends[:, 0] = v(b)
    values: torch.Tensor  # (B, 2^n) float64 v(x_T, b_−T)
    masks: torch.Tensor  # (n, D) 0/1: which flat features belong to each player
    x: torch.Tensor  # (B, *S)
    baseline: torch.Tensor  # (B, *S)
    target: torch.Tensor | None  # (B,) class indices or None
    feature_names: list[str] | None = None

    @property
    def n_players(self) -> int:
        return self.masks.shape[0]

    @property
    def output(self) -> torch.Tensor:
        """v(x) (B,)."""
        return self.values[:, -1]

    @property
    def baseline_output(self) -> torch.Tensor:
        """v(b) (B,)."""
        return self.values[:, 0]

    @property
    def orders(self) -> torch.Tensor:
        """|S| for every subset (2^n,)."""
        return subset_bits(self.n_players, self.dividends.device).sum(-1)

    @property
    def completeness_error(self) -> torch.Tensor:
        """Σ_{S≠∅} I(S) − (v(x) − v(b)) (B,): zero up to rounding, since the dividends are exact."""
        return self.dividends[:, 1:].sum(-1) - (self.output - self.baseline_output)

    def members(self, subset: int) -> tuple[int, ...]:
        """The players in bitmask `subset`."""
        return tuple(i for i in range(self.n_players) if subset >> i & 1)

    def shapley(self) -> torch.Tensor:
        """Exact Shapley values φ_i = Σ_{S∋i} I(S)/|S| (B, n)."""
        return shapley_from_dividends(self.dividends, self.n_players)


def harsanyi(model, x, baseline=None, groups=None, target=None, *, feature_names=None, chunk_size=4096):
    """Exact Harsanyi dividends I(S) of every subset S of features or feature groups.

    x: (B, *S). baseline: None (zeros), (*S) or (B, *S). groups: None (every feature is a player;
    at most 16 features), an integer tensor of shape S (or (D,)) labelling each feature with its
    player 0..n−1, or a list of n lists of flat feature indices; either way a partition of the
    features. target: as everywhere (None for scalar models, an int, a (B,) tensor, a callable).
    Costs 2^n model evaluations per input, in chunks of `chunk_size`, then a fast Möbius transform
    in O(n·2^n) (float64). Returns a HarsanyiResult.
    """
    inp.check_model(model)
    device, dtype = inp.model_device_dtype(model)
    x = inp.as_input(x, "x", device, dtype)
    b = inp.as_baseline(baseline, x)
    tgt, _ = inp.as_target(model, x, target)
    feature_shape = tuple(x.shape[1:])
    masks = as_groups(groups, feature_shape, device, dtype)
    n = masks.shape[0]
    names = inp.as_feature_names(feature_names, n)
    values = masked_values(model, tgt.fn, x, b, masks, chunk_size)
    return HarsanyiResult(mobius(values, n), values, masks, x, b, tgt.index, names)


def as_groups(groups, feature_shape, device, dtype) -> torch.Tensor:
    """Player masks (n, D) from None, a label tensor (S or (D,)) or lists of flat indices; checks n ≤ 16."""
    D = int(torch.Size(feature_shape).numel())
    if groups is None:
        labels = torch.arange(D, device=device)
    elif isinstance(groups, torch.Tensor):
        if groups.is_floating_point() or groups.is_complex():
            raise TypeError(f"groups: expected an integer label tensor, got dtype {groups.dtype}")
        if groups.numel() != D or (groups.dim() > 1 and tuple(groups.shape) != tuple(feature_shape)):
            raise ValueError(f"groups: expected labels of shape {tuple(feature_shape)} or ({D},), got {tuple(groups.shape)}")
        labels = groups.reshape(-1).to(device=device, dtype=torch.long)
    elif isinstance(groups, (list, tuple)):
        labels = torch.full((D,), -1, dtype=torch.long, device=device)
        for g, idx in enumerate(groups):
            idx = torch.as_tensor(list(idx), dtype=torch.long, device=device)
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
            f"harsanyi: {n} {what} would need 2^{n} masked evaluations per input; exact dividends are limited to "
            f"{MAX_PLAYERS} players. Pass groups= (e.g. patch_groups(feature_shape, patch)) to merge features into "
            f"at most {MAX_PLAYERS} groups"
        )
    if torch.bincount(labels, minlength=n).min() == 0:
        raise ValueError(f"groups: labels must use every player 0..{n - 1} at least once")
    return torch.nn.functional.one_hot(labels, n).T.to(dtype)


def patch_groups(feature_shape, patch) -> torch.Tensor:
    """Labels (*S) that group an input into patches: (D,) into runs of `patch`; (C, H, W) into (ph, pw) tiles over all channels."""
    shape = tuple(feature_shape)
    if len(shape) == 1:
        p = int(patch)
        return torch.arange(shape[0]) // p
    if len(shape) == 3:
        C, H, W = shape
        ph, pw = (patch, patch) if isinstance(patch, int) else patch
        rows, cols = torch.arange(H) // ph, torch.arange(W) // pw
        lab = rows[:, None] * int(cols.max() + 1) + cols[None, :]
        return lab.expand(C, H, W).clone()
    raise ValueError(f"patch_groups: expected a feature shape (D,) or (C, H, W), got {shape}")


def subset_bits(n: int, device=None) -> torch.Tensor:
    """(2^n, n) 0/1 membership: row s has bit i set iff player i ∈ s."""
    s = torch.arange(2**n, device=device)
    return ((s[:, None] >> torch.arange(n, device=device)) & 1).to(torch.long)


def masked_values(model, target_fn, x, b, masks, chunk_size=4096) -> torch.Tensor:
    """v(x_T, b_−T) for every T: (B, 2^n) float64, from B·2^n batched evaluations."""
    B, n = x.shape[0], masks.shape[0]
    xf, bf = x.reshape(B, -1), b.reshape(B, -1)
    keep = subset_bits(n, x.device).to(x.dtype) @ masks  # (2^n, D)
    onehot = getattr(target_fn, "onehot", None)
    out = []
    for i in range(B):
        z = bf[i] + keep * (xf[i] - bf[i])
        sel = onehot[i].expand(z.shape[0], -1) if onehot is not None else torch.zeros(z.shape[0], 1, dtype=x.dtype)
        out.append(batched_outputs(model, target_fn, z, sel, tuple(x.shape[1:]), chunk_size))
    return torch.stack(out).to(torch.float64)


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


@dataclass
class TaylorEffects:
    """The dividends split into independent effects (|S| = 1) and interaction effects (|S| ≥ 2)."""

    independent: torch.Tensor  # (B, n) I({i}) = v(x_i, b_−i) − v(b)
    interaction: torch.Tensor  # (B, 2^n) I(S) for |S| ≥ 2, zero elsewhere
    interaction_per_feature: torch.Tensor  # (B, n) Σ_{S∋i, |S|≥2} I(S): every interaction i takes part in
    interaction_share: torch.Tensor  # (B, n) Σ_{S∋i, |S|≥2} I(S)/|S|: i's even share (Shapley's)
    pairs: torch.Tensor  # (B, n, n) I({i, j}), zero diagonal
    by_order: torch.Tensor  # (B, n + 1) Σ_{|S|=k} I(S); by_order[:, 0] = v(b)
    dividends: HarsanyiResult

    def feature(self, i: int, example: int = 0, top: int = 10) -> list[tuple[tuple[int, ...], float]]:
        """The `top` largest |I(S)| over effects S ∋ i of one example, as (members, value)."""
        n = self.dividends.n_players
        if not 0 <= i < n:
            raise ValueError(f"i: expected a player index in [0, {n}), got {i}")
        bits = subset_bits(n, self.interaction.device)
        idx = torch.nonzero(bits[:, i]).reshape(-1)
        vals = self.dividends.dividends[example, idx]
        order = vals.abs().argsort(descending=True)[:top]
        return [(self.dividends.members(int(idx[k])), float(vals[k])) for k in order]

    def top_interactions(self, k: int = 10, example: int = 0) -> list[tuple[tuple[int, ...], float]]:
        """The k interaction effects (|S| ≥ 2) of largest magnitude, as (members, value)."""
        vals = self.interaction[example]
        order = vals.abs().argsort(descending=True)[:k]
        return [(self.dividends.members(int(s)), float(vals[s])) for s in order if vals[s] != 0]


def taylor_effects(model_or_result, x=None, baseline=None, groups=None, target=None, **kwargs) -> TaylorEffects:
    """Independent and interaction effects of every feature (group), from exact dividends.

    Pass a HarsanyiResult, or the arguments of `harsanyi` (model, x, baseline, groups, target).
    """
    if isinstance(model_or_result, HarsanyiResult):
        h = model_or_result
    else:
        if x is None:
            raise TypeError("taylor_effects: expected a HarsanyiResult, or a model and an input x")
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
