"""Taylor-CAM times on a ResNet-18-shaped network at 224×224: the 7×7×512 and 14×14×256 stages.

    .venv/bin/python benchmarks/taylor_cam_resnet.py
    .venv/bin/python benchmarks/taylor_cam_resnet.py --repeats 3 --threads 2

Model: `tw.resnet18_shaped(width=64)` (torchvision's resnet18 layout, random weights and BatchNorm
statistics, eval mode), smoothed with `tw.smooth_relu(β=10)` (a ReLU network's Hessian is zero),
one 224×224 image, float32, target class 1. Layers: `layer4.0` (the first block of the last
stage, 7×7 cells of 512 channels; after `layer4` itself come only an average pool and a linear
layer, so Taylor-CAM there is exactly zero) and `layer3` (14×14 cells of 256 channels). Taylor-CAM
costs one HVP per cell through the rest of the network: 49 and 196. Reported: median wall time
over --repeats after one warm-up call on a small image, the process CPU time of the same calls,
and the load average, since this machine is shared. Grad-CAM (one backward) is the anchor.
(Lerman et al., ICCV 2021, https://arxiv.org/abs/2103.11803; He et al., CVPR 2016.)
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import taylor_widgets as tw  # noqa: E402

LAYERS = (("layer4.0", "7x7x512"), ("layer3", "14x14x256"))


def timed(fn, repeats: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    model = tw.smooth_relu(tw.resnet18_shaped(width=64), beta=10.0)
    x = torch.rand(1, 3, 224, 224, generator=torch.Generator().manual_seed(0))
    tw.taylor_cam(model, x[:, :, :64, :64], "layer4.0", target=1)  # warm-up: torch.func's first call loads its rules
    print(f"torch {torch.__version__}, threads={torch.get_num_threads()}, float32, 1 image 224x224, "
          f"load average before: {os.getloadavg()[0]:.1f}")
    wall, cpu = timed(lambda: tw.grad_cam(model, x, "layer3", target=1), args.repeats)
    print(f"{'Grad-CAM, layer3':<34} wall {wall:7.2f} s   cpu {cpu:7.2f} s")
    for layer, shape in LAYERS:
        wall, cpu = timed(lambda: tw.taylor_cam(model, x, layer, target=1), args.repeats)
        print(f"{'Taylor-CAM, ' + layer + ' (' + shape + ')':<34} wall {wall:7.2f} s   cpu {cpu:7.2f} s   "
              f"load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
