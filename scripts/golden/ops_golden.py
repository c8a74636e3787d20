"""Golden values for the engine's op tests: src/tensor/golden/ops.{safetensors,json}.

  /usr/bin/python3 scripts/golden/ops_golden.py          # from the repo root; deterministic

For every case the safetensors file holds `<case>.in0`, `<case>.in1`, ... (inputs; float64
unless the op needs int64 indices or a bool condition), `<case>.out` (and extra outputs,
e.g. `<case>.indices`, listed in the JSON) and, for differentiable cases, `<case>.gout`
(a random upstream gradient shaped like `.out`) plus `<case>.grad_in{i}` = d<sum(out*gout)>/d in{i}
for every float input. ops.json lists each case:
  {"name", "op", "args": {non-tensor arguments, PyTorch names}, "inputs": [keys],
   "outputs": [keys], "grads": [keys or null per input], "gout": key|null}
so a TS test can replay every case generically. `op` is the PyTorch function name
(torch.nn.functional.* or torch.*); `args` use PyTorch keyword names and values.
"""
from __future__ import annotations

import json
import os
import sys

import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import save_file  # noqa: E402

OUT_DIR = os.path.join(ROOT, "src", "tensor", "golden")
D = torch.float64

CASES: list[tuple] = []  # (name, op, fn, inputs, args, extra_output_names)


def rn(*shape):
    return torch.randn(*shape, dtype=D)


def pos(*shape):
    return torch.rand(*shape, dtype=D) + 0.5  # strictly positive, away from 0


def add(name, op, fn, inputs, args=None, extra=()):
    CASES.append((name, op, fn, inputs, args or {}, extra))


def build_cases():
    torch.manual_seed(0)
    # convolution / pooling / resampling
    add("conv2d_basic", "conv2d", F.conv2d, [rn(2, 3, 6, 6), rn(4, 3, 3, 3), rn(4)], {"stride": 1, "padding": 1, "groups": 1})
    add("conv2d_stride2_nopad", "conv2d", F.conv2d, [rn(1, 2, 7, 7), rn(3, 2, 3, 3), rn(3)], {"stride": 2, "padding": 0, "groups": 1})
    add("conv2d_groups2", "conv2d", F.conv2d, [rn(2, 4, 5, 5), rn(6, 2, 3, 3), rn(6)], {"stride": 1, "padding": 1, "groups": 2})
    add("conv2d_asym_nobias", "conv2d", F.conv2d, [rn(1, 2, 6, 5), rn(2, 2, 3, 2)], {"stride": [2, 1], "padding": [1, 0], "groups": 1})
    add("conv2d_1x1", "conv2d", F.conv2d, [rn(2, 5, 4, 4), rn(3, 5, 1, 1), rn(3)], {"stride": 1, "padding": 0, "groups": 1})
    add("avg_pool2d_2", "avg_pool2d", F.avg_pool2d, [rn(2, 3, 6, 6)], {"kernel_size": 2, "stride": 2, "padding": 0})
    add("avg_pool2d_3s2p1", "avg_pool2d", F.avg_pool2d, [rn(1, 2, 7, 7)], {"kernel_size": 3, "stride": 2, "padding": 1})

    def interp(x, size, align_corners):
        return F.interpolate(x, size=size, mode="bilinear", align_corners=align_corners)

    add("interp_up2_ac_true", "interpolate_bilinear", interp, [rn(2, 2, 4, 5)], {"size": [8, 10], "align_corners": True})
    add("interp_up2_ac_false", "interpolate_bilinear", interp, [rn(2, 2, 4, 5)], {"size": [8, 10], "align_corners": False})
    add("interp_odd_ac_true", "interpolate_bilinear", interp, [rn(1, 1, 3, 3)], {"size": [7, 5], "align_corners": True})
    add("interp_down_ac_false", "interpolate_bilinear", interp, [rn(1, 2, 6, 6)], {"size": [4, 3], "align_corners": False})
    # shape ops
    add("cat_dim1", "cat", lambda *xs, dim: torch.cat(xs, dim), [rn(2, 3, 2), rn(2, 1, 2), rn(2, 2, 2)], {"dim": 1})
    add("cat_dim_neg1", "cat", lambda *xs, dim: torch.cat(xs, dim), [rn(2, 3), rn(2, 4)], {"dim": -1})
    add("stack_dim0", "stack", lambda *xs, dim: torch.stack(xs, dim), [rn(2, 3), rn(2, 3), rn(2, 3)], {"dim": 0})
    add("stack_dim2", "stack", lambda *xs, dim: torch.stack(xs, dim), [rn(2, 3), rn(2, 3)], {"dim": 2})
    add("permute_0312", "permute", lambda x, dims: x.permute(*dims), [rn(2, 3, 4, 5)], {"dims": [0, 3, 1, 2]})
    add("expand", "expand", lambda x, sizes: x.expand(*sizes), [rn(3, 1, 2)], {"sizes": [2, 3, 4, 2]})
    add("repeat", "repeat", lambda x, repeats: x.repeat(*repeats), [rn(2, 3)], {"repeats": [2, 1, 3]})
    add("reshape", "reshape", lambda x, shape: x.reshape(*shape), [rn(2, 3, 4)], {"shape": [4, -1]})
    add("index_select_dim1", "index_select", lambda x, i, dim: torch.index_select(x, dim, i),
        [rn(3, 5, 2), torch.tensor([4, 0, 0, 2], dtype=torch.int64)], {"dim": 1})
    add("slice_dim1", "slice", lambda x, dim, start, end, step: x[:, start:end:step], [rn(2, 7)],
        {"dim": 1, "start": 1, "end": 6, "step": 2})
    # elementwise
    add("add_broadcast", "add", torch.add, [rn(2, 3, 4), rn(3, 1)])
    add("sub_broadcast", "sub", torch.sub, [rn(2, 3), rn(3)])
    add("mul_broadcast", "mul", torch.mul, [rn(2, 1, 4), rn(3, 4)])
    add("div_broadcast", "div", torch.div, [rn(2, 3), pos(2, 1)])
    add("neg", "neg", torch.neg, [rn(3, 4)])
    add("abs", "abs", torch.abs, [rn(3, 4)])
    add("exp", "exp", torch.exp, [rn(3, 4)])
    add("log", "log", torch.log, [pos(3, 4)])
    add("pow_scalar", "pow", lambda x, exponent: torch.pow(x, exponent), [pos(3, 4)], {"exponent": 2.5})
    add("pow_int", "pow", lambda x, exponent: torch.pow(x, exponent), [rn(3, 4)], {"exponent": 3})
    add("pow_tensor", "pow", torch.pow, [pos(3, 4), rn(3, 4)])
    add("sqrt", "sqrt", torch.sqrt, [pos(3, 4)])
    add("relu", "relu", F.relu, [rn(3, 4)])
    add("sigmoid", "sigmoid", torch.sigmoid, [rn(3, 4) * 3])
    add("tanh", "tanh", torch.tanh, [rn(3, 4) * 2])
    add("softplus", "softplus", F.softplus, [rn(3, 4) * 5])
    add("softplus_beta2_thr5", "softplus", F.softplus, [rn(3, 4) * 5], {"beta": 2.0, "threshold": 5.0})
    add("log_sigmoid", "logsigmoid", F.logsigmoid, [rn(3, 4) * 10])
    add("logsumexp_dim1", "logsumexp", lambda x, dim, keepdim: torch.logsumexp(x, dim, keepdim), [rn(3, 5) * 20], {"dim": 1, "keepdim": False})
    add("logsumexp_dims_keep", "logsumexp", lambda x, dim, keepdim: torch.logsumexp(x, dim, keepdim), [rn(2, 3, 4)], {"dim": [0, 2], "keepdim": True})
    add("clamp_minmax", "clamp", lambda x, min, max: torch.clamp(x, min, max), [rn(4, 5) * 2], {"min": -1.0, "max": 0.5})
    add("clamp_min", "clamp", lambda x, min: torch.clamp(x, min=min), [rn(4, 5)], {"min": -0.25})
    add("where", "where", torch.where, [rn(3, 4) > 0, rn(3, 4), rn(1, 4)])
    add("gt", "gt", torch.gt, [rn(3, 4), rn(4)])
    # linear algebra
    add("matmul_2d", "matmul", torch.matmul, [rn(3, 4), rn(4, 2)])
    add("matmul_batched_broadcast", "matmul", torch.matmul, [rn(2, 3, 4), rn(4, 5)])
    add("matmul_mat_vec", "matmul", torch.matmul, [rn(3, 4), rn(4)])
    add("linear_bias", "linear", F.linear, [rn(5, 3), rn(4, 3), rn(4)])
    add("linear_nobias", "linear", F.linear, [rn(2, 3, 3), rn(2, 3)])
    a = rn(3, 4, 4) + 2 * torch.eye(4, dtype=D)
    a[1, 0] = -a[1, 0]  # flip one row: matrix 1 has a negative determinant
    add("slogdet_batched", "slogdet", lambda x: tuple(reversed(torch.linalg.slogdet(x))), [a], {}, ("sign",))
    add("inverse_batched", "inverse", torch.linalg.inv, [rn(2, 3, 3) + 2 * torch.eye(3, dtype=D)])
    # reductions
    add("sum_all", "sum", lambda x: x.sum(), [rn(3, 4)])
    add("sum_dim1", "sum", lambda x, dim, keepdim: x.sum(dim, keepdim), [rn(2, 3, 4)], {"dim": [1], "keepdim": False})
    add("sum_dims_keep", "sum", lambda x, dim, keepdim: x.sum(dim, keepdim), [rn(2, 3, 4)], {"dim": [0, 2], "keepdim": True})
    add("mean_all", "mean", lambda x: x.mean(), [rn(3, 4)])
    add("mean_dims", "mean", lambda x, dim, keepdim: x.mean(dim, keepdim), [rn(2, 3, 4, 5)], {"dim": [2, 3], "keepdim": False})
    add("mean_dim_keep", "mean", lambda x, dim, keepdim: x.mean(dim, keepdim), [rn(2, 3, 4)], {"dim": [-1], "keepdim": True})
    add("max_all", "max", lambda x: x.max(), [rn(3, 4)])
    add("max_dim1", "max", lambda x, dim, keepdim: tuple(torch.max(x, dim, keepdim)), [rn(3, 5)], {"dim": 1, "keepdim": False}, ("indices",))
    add("max_dim0_keep", "max", lambda x, dim, keepdim: tuple(torch.max(x, dim, keepdim)), [rn(3, 4, 2)], {"dim": 0, "keepdim": True}, ("indices",))
    # loss
    bce = F.binary_cross_entropy_with_logits
    tgt = (torch.rand(2, 1, 4, 4) > 0.5).to(D)
    for red in ("none", "sum", "mean"):
        add(f"bce_logits_{red}", "binary_cross_entropy_with_logits",
            lambda x, t, reduction: bce(x, t, reduction=reduction), [rn(2, 1, 4, 4) * 4, tgt.clone()], {"reduction": red})


def run_case(name, op, fn, inputs, args, extra, tensors, meta):
    inputs = [x.clone().requires_grad_(x.dtype == D) for x in inputs]
    out = fn(*inputs, **args)
    outs = list(out) if isinstance(out, tuple) else [out]
    out_keys = [f"{name}.out"] + [f"{name}.{e}" for e in extra]
    for k, v in zip(out_keys, outs):
        tensors[k] = v.detach()
    in_keys = [f"{name}.in{i}" for i in range(len(inputs))]
    for k, v in zip(in_keys, inputs):
        tensors[k] = v.detach()
    grads_keys: list = [None] * len(inputs)
    gout_key = None
    main = outs[0]
    if main.dtype == D and main.requires_grad:
        gout = torch.randn(main.shape, dtype=D)
        diff_inputs = [x for x in inputs if x.requires_grad]
        grads = torch.autograd.grad(main, diff_inputs, gout, allow_unused=True)
        gout_key = f"{name}.gout"
        tensors[gout_key] = gout
        gi = iter(grads)
        for i, x in enumerate(inputs):
            if x.requires_grad:
                g = next(gi)
                if g is not None:
                    grads_keys[i] = f"{name}.grad_in{i}"
                    tensors[grads_keys[i]] = g
    meta.append({"name": name, "op": op, "args": args, "inputs": in_keys, "outputs": out_keys,
                 "grads": grads_keys, "gout": gout_key})


def main():
    torch.set_num_threads(1)
    build_cases()
    torch.manual_seed(1)  # for the upstream gradients
    tensors, meta = {}, []
    for c in CASES:
        run_case(*c, tensors, meta)
    os.makedirs(OUT_DIR, exist_ok=True)
    save_file(tensors, os.path.join(OUT_DIR, "ops.safetensors"), metadata={"torch": torch.__version__})
    doc = {
        "generator": "scripts/golden/ops_golden.py",
        "torch": torch.__version__,
        "dtype": "F64 unless stated by the tensor (index inputs I64, where-condition BOOL)",
        "notes": {
            "interpolate_bilinear": "F.interpolate(x, size, mode='bilinear', align_corners)",
            "slogdet": "out = logabsdet, sign = sign (torch.linalg.slogdet)",
            "max": "with dim: out = values, indices = argmax (int64); the gradient flows to the argmax",
            "slice": "x.narrow-like slice along dim: start:end:step",
            "cat/stack": "inputs are the list of tensors to join",
            "pow": "args.exponent for a scalar exponent, else in1 is the exponent tensor",
            "clamp": "args min/max; a missing key means unbounded on that side",
            "where": "in0 = condition (BOOL), in1 = x, in2 = y; broadcasting",
        },
        "cases": meta,
    }
    with open(os.path.join(OUT_DIR, "ops.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    size = os.path.getsize(os.path.join(OUT_DIR, "ops.safetensors"))
    print(f"{len(meta)} cases, ops.safetensors {size / 1024:.1f} KiB")


if __name__ == "__main__":
    main()
