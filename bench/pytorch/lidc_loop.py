"""PyTorch side of `npm run bench` case lidc_learning (reference only; not a flowseg runtime dependency).

A plain PyTorch training loop of the same model (bench/pytorch/models.py, flowseg's parameter
names) and optimizer (Adam, L2 1e-5, batch 8, and flowseg's recipe: the learning-rate schedule,
constant or cosine with warm-up annealed over the time budget; the gradient clip, none, a number or
auto; the output-bias init, random or foreground) on a flowseg-prepared dataset, for a wall-clock
budget, with no validation: the "plain loop" flowseg's own training is compared with.

  /usr/bin/python3 bench/pytorch/lidc_loop.py --data PREPARED --split split.json \
      --minutes 10 --threads 1 --out weights.safetensors [--flow planar --flow-steps 2] \
    [--lr 1e-4 --lr-schedule constant|cosine --warmup-steps N --grad-clip none|auto|X --output-bias random|foreground]

Trains on the split's train + val items (a plain loop needs no validation), draws a random
rater mask per item and step (all-raters training, as flowseg), and writes the weights with
flowseg's names plus {"steps": N} on stdout.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts", "golden"))
from models import ProbUNet  # noqa: E402
from safetensors_io import save_file  # noqa: E402


def open_prepared(folder: str):
    index = json.load(open(os.path.join(folder, "index.json")))
    shape = index["shape"]
    n, c, r, h, w = shape["items"], shape["channels"], shape["raters"], shape["height"], shape["width"]
    images = np.memmap(os.path.join(folder, index["files"]["images"]), dtype="<f4", mode="r", shape=(n, c, h, w))
    masks = np.memmap(os.path.join(folder, index["files"]["masks"]), dtype="u1", mode="r", shape=(n, r, h, w))
    return index["ids"], images, masks


def learning_rate(a, step: int, fraction: float) -> float:
    """flowseg's src/train/lrSchedule.ts: warm-up, then half a cosine to 2% of the peak."""
    if a.lr_schedule == "constant":
        return a.lr
    warm = min(1.0, (step + 1) / a.warmup_steps) if a.warmup_steps > 0 else 1.0
    f = min(1.0, max(0.0, fraction))
    return a.lr * warm * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * f)))


class GradClip:
    """flowseg's src/train/gradClipPolicy.ts: a fixed limit, or auto = 4 x the median of the last 100 norms (from 20 on)."""

    def __init__(self, setting: str):
        self.setting = setting
        self.norms: list[float] = []

    def limit(self) -> float | None:
        if self.setting == "none":
            return None
        if self.setting != "auto":
            return float(self.setting)
        return 4 * float(np.median(self.norms)) if len(self.norms) >= 20 else None

    def observe(self, norm: float) -> None:
        if self.setting == "auto" and math.isfinite(norm):
            self.norms = (self.norms + [norm])[-100:]


def foreground_rate(masks, items) -> float:
    """flowseg's src/train/outputPrior.ts: the mean of every rater mask over <= 2000 evenly spread items."""
    stride = max(1, math.ceil(len(items) / 2000))
    picked = np.sort(np.asarray(items)[::stride])
    return float(masks[picked].mean(dtype=np.float64))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--split", required=True)
    ap.add_argument("--minutes", type=float, required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--flow", default="planar")
    ap.add_argument("--flow-steps", type=int, default=2)
    ap.add_argument("--filters", default="32,64,128,192")
    ap.add_argument("--latent", type=int, default=6)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--lr-schedule", choices=["constant", "cosine"], default="constant")
    ap.add_argument("--warmup-steps", type=int, default=0)
    ap.add_argument("--grad-clip", default="none")
    ap.add_argument("--output-bias", choices=["random", "foreground"], default="random")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    ids, images, masks = open_prepared(a.data)
    split = json.load(open(a.split))
    pos = {k: i for i, k in enumerate(ids)}
    train = np.array([pos[k] for k in split["train"] + split["val"]])
    flow = (a.flow, a.flow_steps) if a.flow != "none" and a.flow_steps > 0 else None
    model = ProbUNet(images.shape[1], [int(f) for f in a.filters.split(",")], a.latent, flow)
    if a.output_bias == "foreground":
        p = min(1 - 1e-4, max(1e-4, foreground_rate(masks, [pos[k] for k in split["train"]])))
        with torch.no_grad():
            model.fcomb.last.bias.fill_(math.log(p / (1 - p)))
    clip = GradClip(a.grad_clip)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr, weight_decay=1e-5)
    started = time.perf_counter()
    deadline = started + a.minutes * 60
    steps = 0
    while time.perf_counter() < deadline:
        order = rng.permutation(train)
        for start in range(0, len(order), a.batch_size):
            if time.perf_counter() >= deadline:
                break
            idx = np.sort(order[start:start + a.batch_size])
            x = torch.from_numpy(np.ascontiguousarray(images[idx]))
            raters = rng.integers(0, masks.shape[1], size=len(idx))
            y = torch.from_numpy(np.stack([masks[i, r] for i, r in zip(idx, raters)]).astype(np.float32))[:, None]
            for group in opt.param_groups:
                group["lr"] = learning_rate(a, steps, (time.perf_counter() - started) / (a.minutes * 60))
            opt.zero_grad(set_to_none=True)
            model.elbo(x, y)["loss"].backward()
            limit = clip.limit()
            norm = torch.nn.utils.clip_grad_norm_(model.parameters(), limit if limit is not None else float("inf"))
            clip.observe(float(norm))
            opt.step()
            steps += 1
    save_file({k: v.detach().contiguous() for k, v in model.state_dict().items()}, a.out)
    print(json.dumps({"steps": steps}))


if __name__ == "__main__":
    main()
