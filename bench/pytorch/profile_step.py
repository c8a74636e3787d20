"""Per-op CPU time of one of PyTorch's bench training steps (default the PU-Net + 2-planar step,
batch 8, 128^2, Adam), the twin of flowseg's `node dist/bench/profileStep.js` (libtorch's profiler
on the same step).

  /usr/bin/python3 bench/pytorch/profile_step.py --threads 2 --steps 1 [--case unet_train] [--memory] [--shapes] [--json]

Warm-up steps run first (unprofiled); then `--steps` steps under torch.profiler (CPU; Debian's
torch has no Kineto, so it falls back to the legacy autograd profiler flowseg's addon also uses).
Prints key_averages() sorted by self CPU time, or with --json one JSON object per op
{name, calls, self_us, total_us, self_bytes} (summed over the profiled steps).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import torch
from torch.profiler import ProfilerActivity, profile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import CASES  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", default="probunet_planar2_train", choices=["probunet_planar2_train", "unet_train"])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=1)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--memory", action="store_true")
    ap.add_argument("--shapes", action="store_true", help="one row per op and input shapes")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    step, _images = CASES[args.case]()  # the bench's own step: same model, data and optimizer

    for _ in range(args.warmup):
        step()
    with profile(activities=[ProfilerActivity.CPU], profile_memory=args.memory, record_shapes=args.shapes) as prof:
        t0 = time.perf_counter()
        for _ in range(args.steps):
            step()
        wall = (time.perf_counter() - t0) * 1000.0 / args.steps
    rows = prof.key_averages(group_by_input_shape=args.shapes)
    if args.json:
        for r in sorted(rows, key=lambda r: -r.self_cpu_time_total):
            print(json.dumps({
                "name": f"{r.key} {json.dumps(r.input_shapes, separators=(',', ':'))}" if args.shapes else r.key,
                "calls": r.count,
                "self_us": r.self_cpu_time_total,
                "total_us": r.cpu_time_total,
                "self_bytes": r.self_cpu_memory_usage,
            }))
        print(json.dumps({"step_ms": wall, "threads": torch.get_num_threads(), "steps": args.steps}))
    else:
        print(rows.table(sort_by="self_cpu_time_total", row_limit=args.top))
        print(f"step wall time (profiled) {wall:.1f} ms, {torch.get_num_threads()} threads, {args.steps} step(s)")


if __name__ == "__main__":
    main()
