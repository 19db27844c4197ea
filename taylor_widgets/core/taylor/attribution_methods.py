"""The fourteen attribution methods of the audit, on feature groups ("players").

Deng et al., TPAMI 2024 (https://arxiv.org/abs/2303.01506) unify them as a_i = Σ_κ w_{i,κ} ψ(κ).
Every method here maps rows of inputs and paired baselines (N, *S), (N, *S) to player
attributions (N, n) given player masks (n, D):
- gradient-type methods (Gradient×Input, IG, DeepLIFT, LRP, Deep Taylor, Grad-CAM) attribute
  single features and are summed per group;
- perturbation methods (Occlusion-1, Occlusion-patch, Prediction Difference) perturb whole
  groups: they run on the player game u ↦ v(b + (x − b)⊙(u·masks)) with u ∈ {0, 1}^n.
Expected Gradients, DeepSHAP and Prediction Difference are IG, DeepLIFT-Rescale and Occlusion-1
averaged over background baselines; `attribution_audit` does the pairing and the averaging.
Captum provides DeepLIFT-Rescale, LRP, Occlusion, FeatureAblation and LayerGradCam; RevealCancel
and Deep Taylor are in `_layerwise`.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

import torch
from torch import nn

from .. import quadrature as quad
from .layerwise import deep_taylor as _deep_taylor
from .layerwise import deeplift as _deeplift
from ..paths.gradients import integrated_gradients as _ig


@dataclass
class Probe:
    """What every method needs besides the rows: the model, the players and the options.

    Every method is called as fn(probe, x, b, t) on rows x, paired baselines b (N, *S) and the
    rows' `Target` t: t.pick(out) is the explained value, t.index the class indices captum takes,
    t.onehot(x) the output weights of the layer-wise rules.
    """

    model: object
    masks: torch.Tensor  # (n, D) 0/1 player masks
    player_shape: tuple[int, ...]  # layout of the players for Occlusion-patch, e.g. (n,) or (rows, cols)
    options: dict = field(default_factory=dict)

    def players(self, a):
        """Sum fine attributions (N, *S) into players (N, n)."""
        return a.reshape(a.shape[0], -1).to(self.masks) @ self.masks.T


def gradient_x_input(p: Probe, x, b, t):
    """∂v(x)/∂x ⊙ (x − b): weight κ_i on every Taylor term (Simonyan 2014; Shrikumar 2016)."""
    with torch.enable_grad():
        z = x.detach().requires_grad_(True)
        (g,) = torch.autograd.grad(t.pick(p.model(z)).sum(), z)
    return p.players(g * (x - b))


def integrated_gradients(p: Probe, x, b, t):
    """IG on the shared Gauss–Legendre rule (Sundararajan et al. 2017), by batched autograd.

    The same nodes and estimand as tw.integrated_gradients (a test holds them equal). The audit
    runs IG on B·2^n·K masked inputs, where one batched backward per node is ~40× faster than the
    vmapped per-example engine on small CNNs (piecewise-linear models need many nodes).
    """
    nodes, weights, _ = quad.ig_rule(p.options.get("ig_steps", 64), "gauss").tensors(x.device, x.dtype)
    delta, total = x - b, torch.zeros_like(x)
    with torch.enable_grad():
        for a, w in zip(nodes, weights):
            z = (b + a * delta).detach().requires_grad_(True)
            (g,) = torch.autograd.grad(t.pick(p.model(z)).sum(), z)
            total += w * g
    return p.players(total * delta)


def reference_integrated_gradients(p: Probe, x, b, t):
    """IG through tw.integrated_gradients (vmapped torch.func engine), for cross-checks."""
    return p.players(_ig(p.model, x, b, target=t.index, steps=p.options.get("ig_steps", 64)).values)


def deeplift_rescale(p: Probe, x, b, t):
    """DeepLIFT with the Rescale rule (captum.attr.DeepLift)."""
    from captum.attr import DeepLift

    _need_layers(p.model, "DeepLIFT")
    with torch.enable_grad():
        a = DeepLift(p.model).attribute(x.clone(), baselines=b, target=t.index)
    return p.players(a.detach())


def deeplift_revealcancel(p: Probe, x, b, t):
    """DeepLIFT with the RevealCancel rule (ours: captum has none)."""
    return p.players(_deeplift(p.model, x, b, t.onehot(x), rule="revealcancel"))


def lrp_epsilon(p: Probe, x, b, t):
    """LRP-ε on every Linear/Conv2d layer (captum.attr.LRP, EpsilonRule)."""
    from captum.attr._utils.lrp_rules import EpsilonRule

    return _lrp(p, x, t, lambda: EpsilonRule(epsilon=p.options.get("lrp_epsilon", 1e-6)))


def lrp_alphabeta(p: Probe, x, b, t):
    """LRP-αβ with α = 1, β = 0 on every Linear/Conv2d layer (captum's Alpha1_Beta0_Rule)."""
    from captum.attr._utils.lrp_rules import Alpha1_Beta0_Rule

    return _lrp(p, x, t, Alpha1_Beta0_Rule)


def deep_taylor(p: Probe, x, b, t):
    """Deep Taylor decomposition: z+ rule, z^B rule at the input with box bounds (ours)."""
    lo, hi = p.options.get("bounds", (x.min(), x.max()))
    return p.players(_deep_taylor(p.model, x, t.onehot(x), lo, hi))


def occlusion_1(p: Probe, x, b, t):
    """v(x) − v(x with player i at the baseline) for each player (captum.attr.FeatureAblation)."""
    from captum.attr import FeatureAblation

    u = torch.ones(x.shape[0], p.masks.shape[0], dtype=x.dtype, device=x.device)
    return FeatureAblation(_player_game(p, t)).attribute(u, baselines=torch.zeros_like(u),
                                                           additional_forward_args=(x, b)).to(x.dtype)


def occlusion_patch(p: Probe, x, b, t):
    """Occlusion with a sliding window of players (captum.attr.Occlusion, stride 1).

    A player's attribution is the mean drop over the windows that contain it. The window is
    `occlusion_window` players (default 2 along every axis of `player_shape`).
    """
    from captum.attr import Occlusion

    shape = p.player_shape
    window = p.options.get("occlusion_window") or tuple(min(2, s) for s in shape)
    window = (window,) * len(shape) if isinstance(window, int) else tuple(window)
    u = torch.ones(x.shape[0], *shape, dtype=x.dtype, device=x.device)
    game = _player_game(p, t)
    a = Occlusion(lambda uu, xx, bb: game(uu.reshape(uu.shape[0], -1), xx, bb)).attribute(
        u, sliding_window_shapes=window, strides=1, baselines=torch.zeros_like(u), additional_forward_args=(x, b))
    return a.reshape(x.shape[0], -1).to(x.dtype)  # captum accumulates in float32 otherwise


def grad_cam(p: Probe, x, b, t):
    """Grad-CAM ReLU(Σ_k α_k A_k) on the last Conv2d (or `gradcam_layer`), upsampled (captum.attr.LayerGradCam).

    Each pixel's map value is split evenly over its channels, then summed per player.
    """
    from captum.attr import LayerAttribution, LayerGradCam

    layer = p.options.get("gradcam_layer") or _last_conv(p.model)
    if x.dim() != 4:
        raise TypeError(f"Grad-CAM needs image inputs (N, C, H, W), got shape {tuple(x.shape)}")
    with torch.enable_grad():
        cam = LayerGradCam(p.model, layer).attribute(x.clone(), target=t.index, relu_attributions=True).detach()
    cam = LayerAttribution.interpolate(cam, tuple(x.shape[-2:]), "bilinear")
    return p.players(cam.expand_as(x) / x.shape[1])


def prediction_difference(p: Probe, x, background, t):
    """v(x) − E_k v(x with player i from background k) (Robnik-Šikonja & Kononenko 2008; Zintgraf et al. 2017).

    x: (N, *S); background: (K, *S). It is Occlusion-1 averaged over the background baselines.
    """
    return torch.stack([occlusion_1(p, x, bk.expand_as(x), t) for bk in background]).mean(0)


# --- helpers ------------------------------------------------------------------------------------


def _player_game(p: Probe, t):
    """u (N, n) ↦ v(b + (x − b)⊙(u·masks)): the model as a function of which players are present."""

    def game(u, x, b):
        keep = (u.to(p.masks) @ p.masks).reshape(x.shape)
        return t.pick(p.model(b + keep * (x - b)))

    return game


def _need_module(model, what):
    if not isinstance(model, nn.Module):
        raise TypeError(f"{what} needs a torch.nn.Module (it hooks layers), got {type(model).__name__}")


def _need_layers(model, what):
    """Layer rules only mean something when the computation is made of layers: refuse models whose
    own forward does arithmetic on parameters (captum would silently return Gradient×Input)."""
    _need_module(model, what)
    for m in model.modules():
        if any(True for _ in m.children()) and any(True for _ in m.parameters(recurse=False)):
            raise TypeError(f"{what} needs a network of layers; {type(m).__name__} holds parameters outside layers")
    if not any(isinstance(m, (nn.Linear, nn.Conv2d)) for m in model.modules()):
        raise TypeError(f"{what} needs a network of Linear/Conv2d layers; {type(model).__name__} has none")


def _last_conv(model):
    _need_module(model, "Grad-CAM")
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    if not convs:
        raise TypeError("Grad-CAM needs a Conv2d layer (or pass gradcam_layer=); the model has none")
    return convs[-1]


class _FlattenForLRP(nn.Module):
    """nn.Flatten that captum's LRP accepts: captum has no rule for Flatten but passes Dropout through."""

    def __init__(self, flat: nn.Flatten):
        super().__init__()
        self.start, self.end, self.drop = flat.start_dim, flat.end_dim, nn.Dropout(0.0)

    def forward(self, x):
        return self.drop(x.flatten(self.start, self.end))


def _lrp(p: Probe, x, t, rule):
    from captum.attr import LRP

    _need_layers(p.model, "LRP")
    model = copy.deepcopy(p.model).eval()  # captum attaches rules and hooks: never on the user's model
    _swap_flatten(model)
    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            m.rule = rule()
    with torch.enable_grad():
        a = LRP(model).attribute(x.clone(), target=t.index)
    return p.players(a.detach())


def _swap_flatten(module):
    for name, child in module.named_children():
        if isinstance(child, nn.Flatten):
            setattr(module, name, _FlattenForLRP(child))
        else:
            _swap_flatten(child)


#: name → (per-pair function, averaged over background baselines?)
METHODS = {
    "gradient_x_input": (gradient_x_input, False),
    "integrated_gradients": (integrated_gradients, False),
    "expected_gradients": (integrated_gradients, True),
    "deeplift_rescale": (deeplift_rescale, False),
    "deeplift_revealcancel": (deeplift_revealcancel, False),
    "deepshap": (deeplift_rescale, True),
    "lrp_epsilon": (lrp_epsilon, False),
    "lrp_alphabeta": (lrp_alphabeta, False),
    "deep_taylor": (deep_taylor, False),
    "occlusion_1": (occlusion_1, False),
    "occlusion_patch": (occlusion_patch, False),
    "shapley_value": (None, False),  # exact, from the dividends
    "prediction_difference": (occlusion_1, True),
    "grad_cam": (grad_cam, False),
}
