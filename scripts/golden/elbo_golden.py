"""Golden values for the ELBO (src/losses/golden) and the flows (src/flows/golden).

  /usr/bin/python3 scripts/golden/elbo_golden.py        # from the repo root; deterministic

Reference model: bench/pytorch/models.py (PyTorch is used only to produce these files).
See src/losses/golden/README.md for what each file holds.
"""
from __future__ import annotations

import json
import os
import sys

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench", "pytorch"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from models import FLOW_TYPES, ProbUNet, planar_transform, split_planar  # noqa: E402
from safetensors_io import load_file, save_file  # noqa: E402

LOSS_DIR = os.path.join(ROOT, "src", "losses", "golden")
FLOW_DIR = os.path.join(ROOT, "src", "flows", "golden")

# name -> flow spec; K = 2 for every flow model
MODELS = {"vanilla": None, "planar2": ("planar", 2), "radial2": ("radial", 2),
          "cplanar2": ("cplanar", 2), "cglow2": ("cglow", 2)}
IN_CH, FILTERS, LATENT, HW, BATCH, BETA = 1, [4, 8], 2, 16, 2, 1.0
# Flow params are re-drawn so every term is non-trivial (cglow's zero-init last layers would
# make it nearly the identity): N(0, 0.5^2) for planar/radial/cplanar, N(0, 0.2^2) for cglow's
# MLPs (larger values saturate the coupling's sigmoid), and cglow's orthogonal inv1x1.weight0
# gets N(0, 0.1^2) added.
FLOW_PARAM_STD = {"planar": 0.5, "radial": 0.5, "cplanar": 0.5, "cglow": 0.2}


def randomize_flow(module: torch.nn.Module, kind: str) -> None:
    with torch.no_grad():
        for name, p in module.named_parameters():
            if name.endswith("weight0"):
                p.add_(0.1 * torch.randn_like(p))
            else:
                p.normal_(0.0, FLOW_PARAM_STD[kind])


def make_elbo_golden(name: str, flow) -> dict:
    torch.manual_seed(0)
    model = ProbUNet(IN_CH, FILTERS, LATENT, flow=flow, beta=BETA).double()
    if model.flow is not None:
        randomize_flow(model.flow, flow[0])
    image = torch.rand(BATCH, IN_CH, HW, HW, dtype=torch.float64)
    mask = (torch.rand(BATCH, 1, HW, HW, dtype=torch.float64) > 0.6).double()
    eps = torch.randn(BATCH, LATENT, dtype=torch.float64)

    out = model.elbo(image, mask, eps=eps)
    model.zero_grad()
    out["loss"].backward()

    # intermediates, recomputed the same way elbo() does, to localise a mismatch in TS
    with torch.no_grad():
        mu_p, ls_p, _ = model.prior(image)
        mu_q, ls_q, h = model.posterior(torch.cat([image, mask - 0.5], dim=1))
        z0 = mu_q + torch.exp(ls_q) * eps
        zk = model.flow(z0, h)[0] if model.flow is not None else z0
        features = model.unet(image)

    tensors = {k: v.detach().clone() for k, v in model.state_dict().items()}
    tensors.update({f"grad.{k}": p.grad.detach().clone() for k, p in model.named_parameters()})
    tensors.update({"input.image": image, "input.mask": mask, "input.eps": eps})
    for k in ("ce", "kl", "logdet", "loss", "logits"):
        tensors[f"expected.{k}"] = out[k].detach()
    tensors.update({
        "expected.features": features, "expected.prior_mu": mu_p, "expected.prior_logsigma": ls_p,
        "expected.post_mu": mu_q, "expected.post_logsigma": ls_q, "expected.context": h,
        "expected.z0": z0, "expected.zk": zk,
    })
    meta = {
        "model": name, "flow": flow[0] if flow else "none", "flow_steps": flow[1] if flow else 0,
        "in_ch": IN_CH, "filters": json.dumps(FILTERS), "latent": LATENT, "beta": BETA,
        "kl": "analytic" if flow is None else "one-sample: log q0(z0) - sum logdet - log p(zK)",
        "torch": torch.__version__,
    }
    path = os.path.join(LOSS_DIR, f"{name}.safetensors")
    save_file(tensors, path, metadata=meta)
    return {k: float(out[k]) for k in ("ce", "kl", "logdet", "loss")}


# ---------------------------------------------------------------- flows, layer by layer
FLOW_B, FLOW_L, FLOW_C, FLOW_K = 5, 6, 8, 2


def record_step(kind: str, step, z, ctx, pre: str, t: dict):
    t[f"{pre}.z_in"] = z
    if kind in ("planar", "radial"):
        t[f"{pre}.raw"] = step.params(ctx)  # raw amortized parameters [B, P]
    elif kind == "cplanar":
        t[f"{pre}.raw"] = step.mlp(ctx)
    if kind in ("planar", "cplanar"):
        u, w, _ = split_planar(t[f"{pre}.raw"], FLOW_L)
        wu = (w * u).sum(-1, keepdim=True)
        t[f"{pre}.u_hat"] = u + (-1.0 + torch.nn.functional.softplus(wu) - wu) * w / (w * w).sum(-1, keepdim=True)
    if kind == "cglow":
        zz = z
        for sub in ("actnorm", "inv1x1", "coupling"):
            t[f"{pre}.{sub}.raw"] = getattr(step, sub).mlp(
                torch.cat([zz[:, : step.coupling.na], ctx], 1) if sub == "coupling" else ctx)
            zz, ld = getattr(step, sub)(zz, ctx)
            t[f"{pre}.{sub}.z_out"], t[f"{pre}.{sub}.logdet"] = zz, ld
        t[f"{pre}.inv1x1.W"] = step.inv1x1.weight0 + t[f"{pre}.inv1x1.raw"].view(-1, FLOW_L, FLOW_L)
    z_out, logdet = step(z, ctx)
    t[f"{pre}.z_out"], t[f"{pre}.logdet"] = z_out, logdet
    return z_out, logdet


def make_flow_golden(kind: str) -> None:
    torch.manual_seed(1)
    steps = torch.nn.ModuleList(FLOW_TYPES[kind](FLOW_L, FLOW_C) for _ in range(FLOW_K)).double()
    randomize_flow(steps, kind)
    z = torch.randn(FLOW_B, FLOW_L, dtype=torch.float64)
    ctx = torch.randn(FLOW_B, FLOW_C, dtype=torch.float64)
    t = {f"flow.steps.{k}": v for k, v in steps.state_dict().items()}  # flow.steps.{k}.<param>
    t.update({"input.z": z, "input.ctx": ctx})
    with torch.no_grad():
        zz, total = z, torch.zeros(FLOW_B, dtype=torch.float64)
        for k, step in enumerate(steps):
            zz, ld = record_step(kind, step, zz, ctx, f"step{k}", t)
            total = total + ld
        # numerical check of the recorded logdet against the autograd Jacobian
        for b in range(FLOW_B):
            def f(v, b=b):
                for step in steps:
                    v = step(v[None], ctx[b : b + 1])[0][0]
                return v
            jac = torch.autograd.functional.jacobian(f, z[b])
            err = abs(float(torch.linalg.slogdet(jac)[1] - total[b]))
            assert err < 1e-9 * torch.linalg.cond(jac), (kind, b, err, float(total[b]))
    if kind in ("planar", "cplanar"):
        # a directly parametrised planar case too (raw u, w, b given): constraint must bite
        u = torch.randn(FLOW_B, FLOW_L, dtype=torch.float64) * 2
        w = -u + 0.1 * torch.randn(FLOW_B, FLOW_L, dtype=torch.float64)  # w.u << -1
        b = torch.randn(FLOW_B, 1, dtype=torch.float64)
        zo, ld = planar_transform(z, u, w, b)
        t.update({"direct.u": u, "direct.w": w, "direct.b": b, "direct.z_out": zo, "direct.logdet": ld})
    t.update({"expected.z": zz, "expected.logdet": total})
    meta = {"flow": kind, "steps": FLOW_K, "latent": FLOW_L, "ctx_dim": FLOW_C, "batch": FLOW_B,
            "torch": torch.__version__}
    save_file({k: v.detach().clone() for k, v in t.items()}, os.path.join(FLOW_DIR, f"{kind}.safetensors"), meta)


def main():
    torch.set_num_threads(1)
    os.makedirs(LOSS_DIR, exist_ok=True)
    os.makedirs(FLOW_DIR, exist_ok=True)
    for name, flow in MODELS.items():
        parts = make_elbo_golden(name, flow)
        print(name, json.dumps({k: round(v, 6) for k, v in parts.items()}))
    for kind in FLOW_TYPES:
        make_flow_golden(kind)
        print("flow", kind, "ok")
    # round-trip sanity check of one file through the reader
    back = load_file(os.path.join(LOSS_DIR, "planar2.safetensors"))
    assert back["expected.logits"].shape == (BATCH, 1, HW, HW)


if __name__ == "__main__":
    main()
