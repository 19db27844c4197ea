"""How readable the image stays under the CAMViewer overlay, per (alpha, threshold).

    .venv/bin/python benchmarks/cam_readability.py [--images 40]

Trains tour 03's model (notebooks/03_taylor_cam.ipynb: Yield-or-Go, 40×40, seed 0, seconds on
CPU), takes its correctly classified positives, and composites each image with its Grad-CAM and
its Taylor-CAM strength map exactly as the viewer does (taylor_widgets/widgets/snapshots/cam.py is
the same arithmetic as js/src/lib/cam_overlay.js). Per setting it prints, averaged over images and
both maps:
- tinted: the fraction of the image's pixels the overlay covers;
- hue shift: the mean change of hue (degrees) on the red triangle's pixels (a red pixel under
  jet's blue low end turns purple: about 30°);
- object shift: the mean RGB distance (0..1) on the triangle's pixels, a measure of how much of
  the object the overlay hides;
- hot shift: the same on the hottest 5 % of the map, which must stay clearly visible.
Not a test: it prints figures.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import taylor_widgets as tw  # noqa: E402
from taylor_widgets.widgets.snapshots.cam import composite, upsample_bilinear  # noqa: E402

SETTINGS = [(a, t) for a in (0.5, 0.45, 0.4) for t in (0.0, 0.2, 0.3, 0.4)]


def hue(rgb: np.ndarray) -> np.ndarray:
    """Hue in degrees of (..., 3) RGB in [0, 1] (grey: 0)."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    mx, mn = rgb.max(-1), rgb.min(-1)
    c = np.where(mx - mn > 0, mx - mn, 1.0)
    h = np.where(mx == r, ((g - b) / c) % 6, np.where(mx == g, (b - r) / c + 2, (r - g) / c + 4))
    return np.where(mx - mn > 0, h * 60, 0.0)


def triangle_mask(img: np.ndarray, box) -> np.ndarray:
    """Pixels of the red triangle: inside its box and red ((H, W, 3) image in [0, 1])."""
    x0, y0, x1, y1 = (int(v) for v in box)
    m = np.zeros(img.shape[:2], dtype=bool)
    m[y0:y1 + 1, x0:x1 + 1] = True
    return m & (img[..., 0] > 0.6) & (img[..., 1] < 0.4) & (img[..., 2] < 0.4)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--images", type=int, default=40)
    args = p.parse_args()
    torch.set_num_threads(1)
    model, acc, _ = tw.train_yield_or_go(seed=0, n_train=1000, n_test=300, epochs=10, size=40)
    data = tw.yield_or_go(160, seed=20_000, size=40)  # tour 03's images
    x = torch.from_numpy(data.images)
    with torch.no_grad():
        pred = model(x).argmax(-1).numpy()
    keep = np.nonzero((data.labels == 1) & (pred == 1))[0][: args.images]
    res = tw.taylor_cam(model, x[keep], "features", target=1, top_k=5)
    h, w = res.grid
    maps = {"gradcam": res.grad_cam.cam.reshape(-1, h, w).detach().double().numpy(),
            "taylorcam": res.strength.reshape(-1, h, w).detach().double().numpy()}
    print(f"model test accuracy {acc:.2f}; {len(keep)} correctly classified positives, {h}×{w} grid")
    print(f"{'alpha':>6} {'threshold':>9} {'tinted':>8} {'hue shift':>10} {'object shift':>13} {'hot shift':>10}")
    for alpha, thr in SETTINGS:
        tinted, red, obj, hot = [], [], [], []
        for k, b in enumerate(keep):
            img = data.images[b].transpose(1, 2, 0).astype(np.float64)
            tri = triangle_mask(img, data.triangle_box[b])
            for m in maps.values():
                up = upsample_bilinear(m[k], *img.shape[:2])
                vmax = float(m[k].max())
                out = composite(img, up, vmax, "jet", alpha, thr) / 255
                shift = np.linalg.norm(out - img, axis=-1) / np.sqrt(3)
                tinted.append(float(((up > 0) & (up >= thr * vmax)).mean()) if vmax > 0 else 0.0)
                if tri.any():
                    dh = np.abs(hue(out[tri]) - hue(img[tri]))
                    red.append(float(np.minimum(dh, 360 - dh).mean()))
                    obj.append(float(shift[tri].mean()))
                hot.append(float(shift[up >= np.quantile(up, 0.95)].mean()))
        print(f"{alpha:>6.2f} {thr:>9.2f} {np.mean(tinted):>8.2f} {np.mean(red):>9.1f}° {np.mean(obj):>12.3f} {np.mean(hot):>10.3f}")


if __name__ == "__main__":
    main()
