"""Does Taylor-CAM's top pair land on the two objects a label depends on, more often than Grad-CAM?

    .venv/bin/python benchmarks/taylor_cam_hits.py                      # Yield-or-Go, 100 images
    .venv/bin/python benchmarks/taylor_cam_hits.py --task clevr --margin 1 --sep 1   # Sort-of-CLEVR closest/furthest
    .venv/bin/python benchmarks/taylor_cam_hits.py --images 200 --margin 0 --sep 3

Claim under test (Lerman et al., ICCV 2021, https://arxiv.org/abs/2103.11803): Taylor-CAM's
strongest pairs link the objects that interact in the decision, which first-order maps cannot show.

Definitions, on the explained layer's h×w grid (cells are pixel rectangles of the image):
- a cell *touches* an object if its rectangle overlaps the object's box grown by --margin px;
- a pair (i, j) *hits* if one cell touches object A and the other touches object B;
- Yield-or-Go: A = red triangle, B = car, on correctly classified positives, target = class 1;
- Sort-of-CLEVR: A = the colour-c object, B = the closest/furthest object, on correctly answered
  relational closest/furthest questions, target = the answer.
Compared pairs: Taylor-CAM's top pair (the paper's uniform shift, and shift="activation"); its best pair whose cells are ≥ --sep cells apart
(max-norm); Grad-CAM's two highest peaks ≥ --sep apart (greedy non-maximum suppression, the best
a first-order map offers); the same peaks of the Taylor-CAM strength map Σ_j TC(i, j); and chance
(the fraction of all pairs, or of all ≥ --sep pairs, that hit).

Measured 2026-12-02 (1 thread; tables in benchmarks/results/taylor_cam_hits_*.txt):
- clevr (--margin 1 --sep 1; the shipped RelationNet, relational accuracy 0.953): top pair 0.54,
  shift="activation" 0.57, Grad-CAM two peaks 0.07, chance 0.059: the claim holds;
- yield_or_go (test accuracy 0.894): top pair 0.06 (0.48 with both cells on one object), best
  pair ≥ 2 apart 0.52, Grad-CAM two peaks 0.47, chance 0.04: the strongest pair is a within-object
  one, though the objects are found.
The clevr task loads the RelationNet shipped with the package (tw.load_relation_net); --retrain
trains it again (tw.train_relation_net, about 6 min on one thread) and --save overwrites the
shipped float16 weights with the accuracies measured on them.
"""
from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import taylor_widgets as tw  # noqa: E402
from taylor_widgets.datasets.relation_net import (  # noqa: E402
    WEIGHTS, evaluate_relation_net, load_relation_net, predictions, round_to_half, save_relation_net,
)


def score_batch(res, act, boxes_a, boxes_b, margin, sep, counts):
    """Add each image's hits (tw.relational_hits) to `counts`; `act` is the same call with shift="activation"."""
    for k, v in tw.relational_hits(res, boxes_a, boxes_b, margin=margin, sep=sep, other=act).items():
        counts.setdefault(k, []).extend(v.tolist())


def yield_or_go_run(args, counts):
    t0 = time.perf_counter()
    model, acc, info = _load_or_train(args, tw.YieldOrGoCNN, tw.train_yield_or_go)
    print(f"model: YieldOrGoCNN, seed {args.seed}, test accuracy {acc:.3f} "
          f"({info['n_train']} train / {info['n_test']} test images, {info['epochs']} epochs, {info['train_seconds']:.0f} s)")
    data = tw.yield_or_go(4 * args.images + 200, seed=args.seed + 20_000)
    x = torch.from_numpy(data.images)
    with torch.no_grad():
        pred = model(x).argmax(-1).numpy()
    keep = np.nonzero((data.labels == 1) & (pred == 1))[0][: args.images]
    print(f"explaining {len(keep)} correctly classified positives at layer 'features' "
          f"(grid {tuple(model.features(x[:1]).shape[-2:])}); data seed {args.seed + 20_000}")
    t1 = time.perf_counter()
    for s in range(0, len(keep), 16):
        idx = keep[s : s + 16]
        res = tw.taylor_cam(model, x[idx], "features", target=1, top_k=5)
        act = tw.taylor_cam(model, x[idx], "features", target=1, top_k=5, shift="activation")
        score_batch(res, act, data.triangle_box[idx], data.car_box[idx], args.margin, args.sep, counts)
    return t1 - t0, time.perf_counter() - t1


def clevr_run(args, counts):
    """Sort-of-CLEVR: the shipped RelationNet (or --retrain), correctly answered closest/furthest questions."""
    t0 = time.perf_counter()
    if args.retrain:
        model, acc, info = tw.train_relation_net(seed=args.seed, threads=args.threads)
        if args.save:  # store float16 weights; measure the accuracies of exactly what is stored
            round_to_half(model)
            test = tw.sort_of_clevr(info["n_test"], info["questions_per_image"], seed=args.seed + 10_000,
                                    size=info["size"], half=info["half"])
            acc, info["per_subtype"] = evaluate_relation_net(model, test)
            info.update(accuracy=acc, command=" ".join(sys.argv), date=datetime.date.today().isoformat(),
                        load_average=round(os.getloadavg()[0], 1))
            save_relation_net(model, info["config"], info)
            print(f"saved float16 weights to {WEIGHTS}")
    else:
        model, info = load_relation_net()
        acc = info["accuracy"]
        print(f"loaded {WEIGHTS.name}, written on {info['date']} by: {info['command']}")
    print(f"model: RelationNet at {info['size']}×{info['size']} px, test accuracy relational {acc['relational']:.3f}, "
          f"non-relational {acc['non_relational']:.3f}; per subtype "
          + ", ".join(f"{k} {v:.3f}" for k, v in info["per_subtype"].items())
          + f" ({info['n_images']} images × {info['questions_per_image']} questions, {info['epochs']} epochs, "
          f"{info['train_seconds']:.0f} s of training on {info['threads']} thread(s))")
    data = tw.sort_of_clevr(args.images * 2 + 100, 10, seed=args.seed + 20_000, size=info["size"], half=info["half"])
    rel2 = np.nonzero(data.relational & (data.subtype < 2))[0]
    imgs, qs = torch.from_numpy(data.images), torch.from_numpy(data.questions)
    pred = predictions(model, data)
    keep = rel2[pred[rel2] == data.answers[rel2]][: args.images]
    print(f"explaining {len(keep)} correctly answered closest/furthest questions (of {len(rel2)}; accuracy "
          f"{float((pred[rel2] == data.answers[rel2]).mean()):.3f}) at layer 'features' "
          f"(grid {info['grid']}×{info['grid']})")
    t1 = time.perf_counter()
    for q in keep:
        b = data.image_index[q]
        model.set_question(qs[q : q + 1])
        try:
            res = tw.taylor_cam(model, imgs[b : b + 1], "features", target=int(data.answers[q]), top_k=5)
            act = tw.taylor_cam(model, imgs[b : b + 1], "features", target=int(data.answers[q]), top_k=5,
                                shift="activation")
        finally:
            model.set_question(None)
        oa, ob = data.objects[q]
        score_batch(res, act, data.boxes[b, oa][None], data.boxes[b, ob][None], args.margin, args.sep, counts)
    return t1 - t0, time.perf_counter() - t1


def _load_or_train(args, cls, train):
    """Train with the task's seeded trainer, or reuse --checkpoint (written by an earlier run)."""
    ckpt = Path(args.checkpoint) if args.checkpoint else None
    if ckpt is not None and ckpt.exists():
        saved = torch.load(ckpt)
        model = cls()
        model.load_state_dict(saved["state"])
        print(f"loaded {ckpt} (trained in an earlier run with the settings below)")
        return model.eval(), saved["acc"], saved["info"]
    model, acc, info = train(seed=args.seed, threads=args.threads)
    if ckpt is not None:
        torch.save({"state": model.state_dict(), "acc": acc, "info": info}, ckpt)
    return model, acc, info


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--task", choices=["yield_or_go", "clevr"], default="yield_or_go")
    ap.add_argument("--images", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--margin", type=float, default=2.0, help="pixels added around each object box")
    ap.add_argument("--sep", type=int, default=2, help="min max-norm distance, in cells, between the two peaks")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--checkpoint", default=None, help="Yield-or-Go: reuse (or write) the trained model here")
    ap.add_argument("--retrain", action="store_true", help="clevr: train the RelationNet instead of loading the shipped one")
    ap.add_argument("--save", action="store_true", help="clevr, with --retrain: overwrite the shipped weights")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    counts: dict[str, list] = {}
    train_s, explain_s = (yield_or_go_run if args.task == "yield_or_go" else clevr_run)(args, counts)
    print(f"settings: task={args.task} images={args.images} seed={args.seed} margin={args.margin}px sep={args.sep} cells "
          f"threads={args.threads}; train {train_s:.0f} s, explain {explain_s:.0f} s")
    n = len(counts["taylor_cam top pair"])
    print(f"fraction of {n} images whose pair hits both objects:")
    for k, v in counts.items():
        print(f"  {k:<44s} {float(np.mean(v)):.3f}")


if __name__ == "__main__":
    main()
