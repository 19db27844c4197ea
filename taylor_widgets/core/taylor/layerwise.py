"""Layer-by-layer backward rules on nn.Sequential ReLU networks: DeepLIFT and Deep Taylor.

Captum has DeepLIFT-Rescale but neither DeepLIFT-RevealCancel nor Deep Taylor's z^B input rule, so
they live here. Rescale is implemented too, so that a test can hold this engine to captum's.
- DeepLIFT: Shrikumar, Greenside, Kundaje, ICML 2017 (https://arxiv.org/abs/1704.02685).
- Deep Taylor: Montavon, Lapuschkin, Binder, Samek, Müller, Pattern Recognit. 2017
  (https://arxiv.org/abs/1512.02479).
Supported layers: Linear, Conv2d, ReLU, Flatten, AvgPool2d, Identity, Dropout (as identity).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

_AFFINE = (nn.Linear, nn.Conv2d)
_PASS = (nn.Identity, nn.Dropout)
SUPPORTED = (*_AFFINE, nn.ReLU, nn.Flatten, nn.AvgPool2d, *_PASS)


def sequential_layers(model) -> list[nn.Module]:
    """The flat list of layers of a (nested) nn.Sequential; TypeError for anything else."""
    if not isinstance(model, nn.Sequential):
        raise TypeError(f"model: layer-wise rules need an nn.Sequential, got {type(model).__name__}")
    layers = []
    for m in model.children():
        if isinstance(m, nn.Sequential):
            layers += sequential_layers(m)
        elif isinstance(m, SUPPORTED):
            layers.append(m)
        else:
            names = ", ".join(t.__name__ for t in SUPPORTED)
            raise TypeError(f"model: layer {type(m).__name__} is not supported by the layer-wise rules ({names})")
    return layers


def _apply(layer, a):
    return a if isinstance(layer, _PASS) else layer(a)


def _forward(layers, x):
    acts = [x]
    for layer in layers:
        acts.append(_apply(layer, acts[-1]))
    return acts


def _linear(layer, weight):
    """The layer's linear map with `weight` and no bias."""
    if isinstance(layer, nn.Linear):
        return lambda a: F.linear(a, weight)
    return lambda a: F.conv2d(a, weight, None, layer.stride, layer.padding, layer.dilation, layer.groups)


def _parts(layer):
    """(positive-weight map, negative-weight map) of an affine or pooling layer (pooling weights are ≥ 0)."""
    if isinstance(layer, nn.AvgPool2d):
        return layer, lambda a: torch.zeros_like(layer(a))
    W = layer.weight
    return _linear(layer, W.clamp_min(0)), _linear(layer, W.clamp_max(0))


def _vjp(fn, a, m):
    return torch.func.vjp(fn, a)[1](m)[0]


def _split(layer, da):
    """(Δz+, Δz−): the output difference split by the sign of each contribution w·Δa."""
    lp, ln = _parts(layer)
    pos, neg = da.clamp_min(0), da.clamp_max(0)
    return lp(pos) + ln(neg), ln(pos) + lp(neg)


def _back(layer, da, m_pos, m_neg):
    """Input multipliers from the output's (m+, m−): each contribution w·Δa follows its sign's part."""
    lp, ln = _parts(layer)
    vp_pos, vn_pos = _vjp(lp, da, m_pos), _vjp(ln, da, m_pos)
    vp_neg, vn_neg = _vjp(lp, da, m_neg), _vjp(ln, da, m_neg)
    return torch.where(da >= 0, vp_pos + vn_neg, vn_pos + vp_neg)


def _ratio(num, den):
    ok = den != 0
    return torch.where(ok, num / torch.where(ok, den, torch.ones_like(den)), torch.zeros_like(den))


def deeplift(model, x, baseline, select, rule="rescale") -> torch.Tensor:
    """DeepLIFT contributions (N, *S) of x relative to the baseline to the selected output.

    select: (N, C) weights on the outputs (a one-hot target), or None for scalar outputs.
    rule: "rescale" (m = Δy/Δz) or "revealcancel" (positive and negative parts of Δz get
    separate multipliers, so that cancelling inputs are not both zeroed). Summation-to-delta
    Σ contributions = Δoutput holds exactly for both.
    """
    layers = sequential_layers(model)
    if rule not in ("rescale", "revealcancel"):
        raise ValueError(f"rule: expected 'rescale' or 'revealcancel', got {rule!r}")
    with torch.no_grad():
        acts, refs = _forward(layers, x), _forward(layers, baseline)
        out = acts[-1]
        m = torch.ones_like(out) if select is None else select.to(out.dtype).expand_as(out)
        m_pos = m_neg = m
        for k in reversed(range(len(layers))):
            layer, da = layers[k], acts[k] - refs[k]
            if isinstance(layer, nn.ReLU):
                m_y = m_pos
                if rule == "rescale":
                    mult = torch.where(da != 0, _ratio(acts[k + 1] - refs[k + 1], da), (refs[k] > 0).to(da.dtype))
                    m_pos = m_neg = m_y * mult
                    continue
                prev = layers[k - 1] if k > 0 else None
                if isinstance(prev, (*_AFFINE, nn.AvgPool2d)):
                    dzp, dzn = _split(prev, acts[k - 1] - refs[k - 1])
                else:
                    dzp, dzn = da.clamp_min(0), da.clamp_max(0)
                z0 = refs[k]
                dyp = 0.5 * (F.relu(z0 + dzp) - F.relu(z0)) + 0.5 * (F.relu(z0 + dzn + dzp) - F.relu(z0 + dzn))
                dyn = 0.5 * (F.relu(z0 + dzn) - F.relu(z0)) + 0.5 * (F.relu(z0 + dzp + dzn) - F.relu(z0 + dzp))
                m_pos, m_neg = m_y * _ratio(dyp, dzp), m_y * _ratio(dyn, dzn)
            elif isinstance(layer, (*_AFFINE, nn.AvgPool2d)):
                if rule == "rescale":
                    m_pos = m_neg = _vjp(_linear(layer, layer.weight) if isinstance(layer, _AFFINE) else layer, da, m_pos)
                else:
                    m_pos = m_neg = _back(layer, da, m_pos, m_neg)
            elif isinstance(layer, nn.Flatten):
                m_pos, m_neg = m_pos.reshape(da.shape), m_neg.reshape(da.shape)
        dx = x - baseline
        return torch.where(dx >= 0, m_pos, m_neg) * dx


def deep_taylor(model, x, select, lower, upper, eps=1e-9) -> torch.Tensor:
    """Deep Taylor relevance (N, *S): z+ rule in hidden layers, z^B rule (box [lower, upper]) at the input.

    The output relevance is the selected logit f(x) itself: Deep Taylor has no baseline, and
    biases absorb relevance, which the audit's P1 measurement exposes.
    """
    layers = sequential_layers(model)
    first = next((k for k, l in enumerate(layers) if isinstance(l, _AFFINE)), None)
    if first is None or any(not isinstance(l, (nn.Flatten, *_PASS)) for l in layers[:first]):
        raise TypeError("model: Deep Taylor's input rule needs the first non-trivial layer to be Linear or Conv2d")
    with torch.no_grad():
        acts = _forward(layers, x)
        out = acts[-1]
        R = out * (torch.ones_like(out) if select is None else select.to(out.dtype).expand_as(out))
        for k in reversed(range(len(layers))):
            layer, a = layers[k], acts[k]
            if isinstance(layer, nn.Flatten):
                R = R.reshape(a.shape)
            elif isinstance(layer, (*_AFFINE, nn.AvgPool2d)):
                lp, ln = _parts(layer)
                if k == first:
                    lo = torch.broadcast_to(torch.as_tensor(lower).to(a), a.shape)
                    hi = torch.broadcast_to(torch.as_tensor(upper).to(a), a.shape)
                    z = lp(a) + ln(a) - lp(lo) - ln(hi)
                    s = _ratio(R, z + eps * z.sign())
                    R = a * (_vjp(lp, a, s) + _vjp(ln, a, s)) - lo * _vjp(lp, a, s) - hi * _vjp(ln, a, s)
                else:
                    z = lp(a)
                    R = a * _vjp(lp, a, _ratio(R, z + eps * z.sign()))
        return R
