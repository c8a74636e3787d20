"""PyTorch side of `npm run bench` (reference only; not a flowseg runtime dependency).

  /usr/bin/python3 bench/pytorch/bench.py --case unet_train --threads 2 --seconds 5 --warmup 2

prints one JSON line {"case", "img_s", "rss_mb", "step_ms_median", "steps", "threads"}.
img_s = images per step / median step time; rss_mb = peak RSS of this process.

Threads: Debian's python3-torch 1.13 (OpenMP backend, oneDNN convs, no MKL) reports
get_num_threads() == 1 at start-up (OMP_NUM_THREADS unset), so the thread count must be
set explicitly -- and the same --threads value passed to both engines. Checked on this
2-core box: torch.set_num_threads(2) really uses 2 cores. A conv 8x32x128x128 (3x3, 32 ch)
takes 62 ms at 1 thread vs 32 ms at 2 (process CPU/wall 1.00 vs 1.99, 2 extra OS threads);
on a quiet machine unet_train steps 4975 ms (1 thread) vs 2545 ms (2), unet_forward 3356 ms
vs 1737 ms (~1.95x). When other jobs load the cores, 2 threads can come out *slower* than 1
(seen: 7.2 s vs 6.1 s per unet_train step with two compilers running) -- compare engines in
the same run, never against numbers from another time.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from models import ProbUNet, UNet, frozen_sampler  # noqa: E402

FILTERS = [32, 64, 128, 192]
H = W = 128


def case_unet_train():
    torch.manual_seed(0)
    unet, head = UNet(1, FILTERS), nn.Conv2d(FILTERS[0], 1, 1)
    params = list(unet.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=1e-4, weight_decay=1e-5)
    x = torch.rand(8, 1, H, W)
    y = (torch.rand(8, 1, H, W) > 0.5).float()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.binary_cross_entropy_with_logits(head(unet(x)), y)
        loss.backward()
        opt.step()

    return step, 8


def case_unet_forward():
    torch.manual_seed(0)
    unet = UNet(1, FILTERS)
    x = torch.rand(16, 1, H, W)

    def step():
        with torch.no_grad():
            unet(x)

    return step, 16


def case_probunet_planar2_train():
    torch.manual_seed(0)
    model = ProbUNet(1, FILTERS, latent=6, flow=("planar", 2))
    opt = torch.optim.Adam(model.parameters(), lr=1e-4, weight_decay=1e-5)
    x = torch.rand(8, 1, H, W)
    y = (torch.rand(8, 1, H, W) > 0.5).float()

    def step():
        opt.zero_grad(set_to_none=True)
        model.elbo(x, y)["loss"].backward()
        opt.step()

    return step, 8


def case_sample16():
    """16 samples of one image (the strong baseline): U-Net and prior once, the 16 through fcomb
    in one batched call (its first layer split into a per-image and a per-sample half, 1x1 convs
    as GEMMs on channels-last pixels), under torch.inference_mode (models.ProbUNet.sample)."""
    torch.manual_seed(0)
    model = ProbUNet(1, FILTERS, latent=6, flow=("planar", 2)).eval()
    x = torch.rand(1, 1, H, W)

    def step():
        model.sample(x, 16)

    return step, 16  # 16 samples of one image per step


def case_sample16_conv():
    """As sample16, with fcomb's 1x1 layers as convolutions on [16, F, H, W] (Fcomb.sample form="conv")."""
    torch.manual_seed(0)
    model = ProbUNet(1, FILTERS, latent=6, flow=("planar", 2)).eval()
    x = torch.rand(1, 1, H, W)

    def step():
        model.sample(x, 16, form="conv")

    return step, 16


def case_sample16_frozen():
    """As sample16_conv, traced, frozen and optimized for inference by TorchScript
    (models.frozen_sampler): PyTorch's own strongest CPU inference path."""
    torch.manual_seed(0)
    model = ProbUNet(1, FILTERS, latent=6, flow=("planar", 2)).eval()
    x = torch.rand(1, 1, H, W)
    frozen = frozen_sampler(model, x, torch.randn(1, 16, 6))

    def step():
        with torch.no_grad():
            frozen(x, torch.randn(1, 16, 6))

    return step, 16


def case_sample16_recompute():
    """What the public repos do: the whole U-Net again for every sample (a weak baseline)."""
    torch.manual_seed(0)
    model = ProbUNet(1, FILTERS, latent=6, flow=("planar", 2)).eval()
    x = torch.rand(1, 1, H, W)

    def step():
        model.sample_like_public_repos(x, 16)

    return step, 16


CASES = {
    "unet_train": case_unet_train,
    "unet_forward": case_unet_forward,
    "probunet_planar2_train": case_probunet_planar2_train,
    "sample16": case_sample16,
    "sample16_conv": case_sample16_conv,
    "sample16_frozen": case_sample16_frozen,
    "sample16_recompute": case_sample16_recompute,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", required=True, choices=sorted(CASES))
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=5.0, help="timed budget after warmup")
    ap.add_argument("--warmup", type=int, default=2, help="untimed warmup steps")
    ap.add_argument("--min-steps", type=int, default=3)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    step, images = CASES[args.case]()
    for _ in range(args.warmup):
        step()
    times = []
    start = time.perf_counter()
    while len(times) < args.min_steps or time.perf_counter() - start < args.seconds:
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB
    print(json.dumps({
        "case": args.case,
        "img_s": round(images / med, 3),
        "rss_mb": round(rss_mb, 1),
        "step_ms_median": round(med * 1000.0, 2),
        "steps": len(times),
        "threads": torch.get_num_threads(),
    }))


if __name__ == "__main__":
    main()
