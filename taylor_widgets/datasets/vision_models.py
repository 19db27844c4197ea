"""ResNet-18- and ViT-shaped networks built from `torch.nn` parts (torchvision does not import here).

Random seeded weights: they exist to test and time the CAM methods on the layer shapes of the
networks people use, not to classify anything.
- `resnet18_shaped`: He et al. (CVPR 2016, https://arxiv.org/abs/1512.03385) ResNet-18 topology:
  7×7 stem, max-pool, four stages of two BasicBlocks (BatchNorm, in-place ReLU, residual
  additions, 1×1 downsampling), average pool, linear head. At 224×224 its stages output 56×56,
  28×28, 14×14 and 7×7 cells; with width=64, 64 to 512 channels as in torchvision's resnet18.
  BatchNorm running statistics are drawn at random so eval-mode BN is not the identity.
- `tiny_vit`: Dosovitskiy et al. (ICLR 2021, https://arxiv.org/abs/2010.11929) layout: patch
  embedding, a CLS token, learned positions, a pre-norm `nn.TransformerEncoder` (its fused
  attention), the CLS token's LayerNorm and a linear head. Its layers output (B, 1 + h·w, dim):
  CAM methods read them with `grid=(h, w), cls_token=True`.
"""
from __future__ import annotations

import torch
from torch import nn


class BasicBlock(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += identity
        return self.relu(out)


class ResNet18Shaped(nn.Module):
    """(B, 3, H, W) → (B, classes). Stages `layer1`…`layer4`; `layer3` and `layer4` give 14×14 and 7×7 at 224."""

    def __init__(self, width: int = 64, classes: int = 10):
        super().__init__()
        w = width
        self.conv1 = nn.Conv2d(3, w, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(w)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        chans = [w, 2 * w, 4 * w, 8 * w]
        cin = w
        for i, c in enumerate(chans):
            setattr(self, f"layer{i + 1}", nn.Sequential(BasicBlock(cin, c, 1 if i == 0 else 2), BasicBlock(c, c, 1)))
            cin = c
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(8 * w, classes)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(self.avgpool(x).flatten(1))


def resnet18_shaped(width: int = 64, classes: int = 10, seed: int = 0) -> ResNet18Shaped:
    """A seeded ResNet-18-shaped network in eval mode, with random BatchNorm statistics."""
    torch.manual_seed(seed)
    net = ResNet18Shaped(width, classes)
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.normal_(0.0, 0.1)
            m.running_var.uniform_(0.5, 1.5)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.normal_(0.0, 0.1)
    return net.eval()


class TinyViT(nn.Module):
    """(B, 3, S, S) → (B, classes) from (S/patch)² patch tokens and a CLS token; `encoder.layers.i` are the blocks."""

    def __init__(self, image: int = 32, patch: int = 8, dim: int = 32, depth: int = 2, heads: int = 4,
                 classes: int = 10):
        super().__init__()
        self.patch = nn.Conv2d(3, dim, patch, patch)
        self.grid = (image // patch, image // patch)
        self.cls = nn.Parameter(0.02 * torch.randn(1, 1, dim))
        self.pos = nn.Parameter(0.02 * torch.randn(1, 1 + self.grid[0] * self.grid[1], dim))
        layer = nn.TransformerEncoderLayer(dim, heads, 2 * dim, dropout=0.0, activation="gelu", batch_first=True,
                                           norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        tokens = self.patch(x).flatten(2).transpose(1, 2)
        tokens = torch.cat([self.cls.expand(x.shape[0], -1, -1), tokens], 1) + self.pos
        return self.head(self.norm(self.encoder(tokens)[:, 0]))


def tiny_vit(seed: int = 0, **kw) -> TinyViT:
    """A seeded ViT-shaped network in eval mode (default: 32×32 images, a 4×4 grid of 8×8 patches)."""
    torch.manual_seed(seed)
    return TinyViT(**kw).eval()
