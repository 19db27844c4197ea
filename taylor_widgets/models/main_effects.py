"""MLP-M: an interaction MLP plus one small univariate network per feature, summed at the output.

Tsang, Cheng, Liu, "Detecting Statistical Interactions from Neural Network Weights", ICLR 2018
(https://arxiv.org/abs/1705.04977), §4.3: the main-effect networks take the per-feature effects
off the interaction MLP, so NID, which reads only the interaction MLP's weights, is not fooled
by main effects that the MLP would otherwise spread over its first-layer units.

    f(x) = g(x) + Σ_i h_i(x_i)        g: `interaction` (an nn.Sequential MLP, what NID reads)
                                      h_i: `main_effects` (d univariate MLPs, run as one batch)

Every cross derivative ∂²f/∂x_i∂x_j (i ≠ j) comes from g alone, since each h_i depends on x_i only.
"""
from __future__ import annotations

import math

import torch
from torch import nn

_ACTIVATIONS = {"relu": nn.ReLU, "softplus": nn.Softplus, "gelu": nn.GELU, "tanh": nn.Tanh}


def _activation(name: str) -> nn.Module:
    if not isinstance(name, str) or name not in _ACTIVATIONS:
        raise ValueError(f"activation: expected one of {sorted(_ACTIVATIONS)}, got {name!r}")
    return _ACTIVATIONS[name]()


def _sizes(value, name: str) -> tuple[int, ...]:
    try:
        sizes = tuple(value)
    except TypeError:
        raise TypeError(f"{name}: expected a sequence of positive layer widths, got {type(value).__name__}") from None
    if not sizes or any(isinstance(s, bool) or not isinstance(s, int) or s < 1 for s in sizes):
        raise ValueError(f"{name}: expected a non-empty sequence of positive integers, got {value!r}")
    return sizes


class MainEffects(nn.Module):
    """d univariate MLPs 1 → hidden → … → 1, evaluated together; their outputs are summed.

    Each layer holds stacked weights (d, fan_in, fan_out), so all d networks run as one batched
    matmul (no Python loop over features). Like the reference code, the last layer has no bias
    (the interaction MLP's output bias is the model's only constant).
    forward: x (B, d) → (B, 1). `per_feature(x)` gives the d terms h_i(x_i) as (B, d).
    """

    def __init__(self, n_features: int, hidden=(10, 10, 10), activation: str = "relu"):
        super().__init__()
        if isinstance(n_features, bool) or not isinstance(n_features, int) or n_features < 1:
            raise ValueError(f"n_features: expected a positive integer, got {n_features!r}")
        dims = (1, *_sizes(hidden, "main_hidden"), 1)
        self.n_features = n_features
        self.weights = nn.ParameterList()
        self.biases = nn.ParameterList()
        for i, (a, b) in enumerate(zip(dims[:-1], dims[1:])):
            bound = 1.0 / math.sqrt(a)  # nn.Linear's default initialisation, per network
            self.weights.append(nn.Parameter(torch.empty(n_features, a, b).uniform_(-bound, bound)))
            if i < len(dims) - 2:
                self.biases.append(nn.Parameter(torch.empty(n_features, b).uniform_(-bound, bound)))
        self.act = _activation(activation)  # a child module, so tw.smooth_relu can swap it

    def per_feature(self, x: torch.Tensor) -> torch.Tensor:
        """h_i(x_i) for every feature: x (B, d) → (B, d)."""
        if x.dim() != 2 or x.shape[1] != self.n_features:
            raise ValueError(f"x: expected shape (B, {self.n_features}), got {tuple(x.shape)}")
        z = x[:, :, None]  # (B, d, 1)
        last = len(self.weights) - 1
        for k, W in enumerate(self.weights):
            z = torch.einsum("bdi,dio->bdo", z, W)
            if k < last:
                z = self.act(z + self.biases[k])
        return z[:, :, 0]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.per_feature(x).sum(1, keepdim=True)


class MainEffectMLP(nn.Module):
    """NID's "MLP-M": an interaction MLP g plus univariate main-effect networks, f = g + Σ h_i.

    n_features: d. hidden: the interaction MLP's widths (the paper's 140-100-60-20).
    main_hidden: each univariate network's widths (the reference code's 10-10-10).
    activation: "relu" (the paper's), "softplus", "gelu" or "tanh", used in both parts.
    forward: x (B, d) → (B, 1). `interaction` is a plain nn.Sequential of Linear layers and
    activations, so `tw.nid(model.interaction)` reads exactly the weights NID is defined on.
    Train it with `tw.train_main_effect_mlp`. Paper: https://arxiv.org/abs/1705.04977
    """

    def __init__(self, n_features: int, hidden=(140, 100, 60, 20), main_hidden=(10, 10, 10),
                 activation: str = "relu"):
        super().__init__()
        main_effects = MainEffects(n_features, main_hidden, activation)  # validates n_features first
        dims = (n_features, *_sizes(hidden, "hidden"), 1)
        layers: list[nn.Module] = []
        for a, b in zip(dims[:-1], dims[1:]):
            layers += [nn.Linear(a, b), _activation(activation)]
        self.interaction = nn.Sequential(*layers[:-1])
        self.main_effects = main_effects

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.interaction(x) + self.main_effects(x)

    def interaction_weights(self) -> list[torch.Tensor]:
        """The interaction MLP's Linear weights, first layer first: what the L1 penalty acts on."""
        return [m.weight for m in self.interaction if isinstance(m, nn.Linear)]
