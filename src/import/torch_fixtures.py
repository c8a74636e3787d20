"""Writes the torch.save files the src/import tests read (run by the tests with /usr/bin/python3).

usage: torch_fixtures.py <kind> <out.pth> [args…]
  reader   <out>              small state dicts exercising the container formats (see below)
  model    <out> <json>       bench/pytorch/models.py ProbUNet from a JSON spec, its state_dict,
                              and beside it <out>.golden.json: input image, prior eps, logits
  knegt    <out> <json>       the same weights in Knegt's Probabilistic-Unet-Pytorch module tree (KnegtLike),
                              golden logits from that tree's own forward pass
Never a runtime dependency of flowseg.
"""
import collections
import json
import math
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bench", "pytorch"))


def reader(out: str) -> None:
    """Zip and legacy files with a strided view, float64/half tensors, a nested dict, numpy scalars."""
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    sd = collections.OrderedDict()
    sd["a.weight"] = base  # contiguous
    sd["a.t"] = base.t()  # strided view of the same storage: [4, 3], stride (1, 4)
    sd["b.bias"] = torch.tensor([0.5, -1.25], dtype=torch.float64)
    sd["c.half"] = torch.tensor([1.5, -2.0, 0.099975586], dtype=torch.float16)
    sd["d.slice"] = torch.arange(10, dtype=torch.float32)[3:7]  # storage offset 3
    sd["steps"] = torch.tensor(7, dtype=torch.int64)  # 0-d
    torch.save(sd, out + ".plain.pth")
    torch.save({"epoch": 3, "best": np.float64(0.25), "state_dict": sd}, out + ".nested.pth")
    torch.save({"module." + k: v for k, v in sd.items()}, out + ".dataparallel.pth")
    torch.save(sd, out + ".legacy.pth", _use_new_zipfile_serialization=False)
    torch.save(torch.nn.Conv2d(1, 1, 1), out + ".module.pth")  # a whole module: refused


def build(spec: dict):
    from models import ProbUNet

    torch.manual_seed(spec.get("seed", 0))
    flow = (spec["flow"], spec["flowSteps"]) if spec.get("flow", "none") != "none" else None
    model = ProbUNet(in_ch=spec["inChannels"], filters=spec["filters"], latent=spec["latent"], flow=flow).float()
    # biases drawn larger than init so a mix-up of any two tensors shows in the logits
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("bias"):
                p.normal_(0.0, 0.1)
    model.eval()
    gen = torch.Generator().manual_seed(1)
    b, n, size, L = 2, 3, spec["size"], spec["latent"]
    image = torch.rand(b, spec["inChannels"], size, size, generator=gen)
    eps = torch.randn(b, n, L, generator=gen)
    with torch.no_grad():
        feats = model.unet(image)
        mu, ls, _ = model.prior(image)
        z = (mu[:, None, :] + torch.exp(ls)[:, None, :] * eps).reshape(b * n, L)
        tiled = feats[:, None].expand(b, n, *feats.shape[1:]).reshape(b * n, *feats.shape[1:])
        logits = model.fcomb(tiled, z).reshape(b, n, size, size)
        mask = (torch.rand(b, 1, size, size, generator=gen) > 0.5).float()
        q_mu, _, _ = model.posterior(torch.cat([image, mask - 0.5], 1))
    golden = {
        "image": image.flatten().tolist(),
        "imageShape": list(image.shape),
        "eps": eps.flatten().tolist(),
        "logits": logits.flatten().tolist(),
        "mask": mask.flatten().tolist(),
        "posteriorMu": q_mu.flatten().tolist(),
    }
    return model, golden


def knegt_names(model, convs: int = 3) -> "collections.OrderedDict[str, torch.Tensor]":
    """flowseg/bench names → stefanknegt/Probabilistic-Unet-Pytorch names (the inverse of src/import/knegt.ts).

    The posterior's first conv gets b - 0.5·ΣW_mask: Knegt feeds the mask unshifted."""
    out = collections.OrderedDict()
    n_levels = len(model.unet.down)
    for name, t in model.state_dict().items():
        parts = name.split(".")
        if parts[0] == "unet" and parts[1] == "down":
            i, j = int(parts[2]), int(parts[3])
            k = 2 * j + (0 if i == 0 else 1)  # AvgPool first in blocks ≥ 1
            key = f"unet.contracting_path.{i}.layers.{k}.{parts[4]}"
        elif parts[0] == "unet" and parts[1] == "up":
            key = f"unet.upsampling_path.{parts[2]}.conv_block.layers.{2 * int(parts[3])}.{parts[4]}"
        elif parts[0] in ("prior", "posterior") and parts[1] == "down":
            i, j = int(parts[2]), int(parts[3])
            k = 2 * j if i == 0 else 2 * convs + (i - 1) * (2 * convs + 1) + 1 + 2 * j
            key = f"{parts[0]}.encoder.layers.{k}.{parts[4]}"
            if parts[0] == "posterior" and i == 0 and j == 0 and parts[4] == "bias":
                w = model.state_dict()["posterior.down.0.0.weight"]
                t = t - 0.5 * w[:, -1].sum(dim=(1, 2))
        elif parts[0] in ("prior", "posterior") and parts[1] == "head":
            key = f"{parts[0]}.conv_layer.{parts[2]}"
        elif parts[0] == "fcomb" and parts[1] == "layers":
            key = f"fcomb.layers.{2 * int(parts[2])}.{parts[3]}"
        elif parts[0] == "fcomb" and parts[1] == "last":
            key = f"fcomb.last_layer.{parts[2]}"
        else:
            raise SystemExit(f"no Knegt name for {name}")
        out[key] = t.clone()
    assert n_levels >= 1
    return out


class _KnegtBlock(torch.nn.Module):
    """Knegt's DownConvBlock module tree: layers = [AvgPool2d(ceil_mode)?] + 3 × (Conv3x3, ReLU)."""

    def __init__(self, cin, cout, pool):
        super().__init__()
        nn = torch.nn
        mods = [nn.AvgPool2d(2, 2, 0, ceil_mode=True)] if pool else []
        for j in range(3):
            mods += [nn.Conv2d(cin if j == 0 else cout, cout, 3, padding=1), nn.ReLU()]
        self.layers = nn.Sequential(*mods)


class _KnegtUp(torch.nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv_block = _KnegtBlock(cin, cout, pool=False)

    def forward(self, x, bridge):
        up = torch.nn.functional.interpolate(x, mode="bilinear", scale_factor=2, align_corners=True)
        return self.conv_block.layers(torch.cat([up, bridge], 1))


class _KnegtGaussian(torch.nn.Module):
    """AxisAlignedConvGaussian: encoder.layers is ONE Sequential over all blocks, then conv_layer."""

    def __init__(self, cin, filters, latent):
        super().__init__()
        nn = torch.nn
        self.encoder = nn.Module()
        mods = []
        for i, f in enumerate(filters):
            if i:
                mods.append(nn.AvgPool2d(2, 2, 0, ceil_mode=True))
            for j in range(3):
                mods += [nn.Conv2d((cin if i == 0 else filters[i - 1]) if j == 0 else f, f, 3, padding=1), nn.ReLU()]
        self.encoder.layers = nn.Sequential(*mods)
        self.conv_layer = nn.Conv2d(filters[-1], 2 * latent, 1)
        self.latent = latent

    def forward(self, x, segm=None):
        if segm is not None:
            x = torch.cat((x, segm), 1)  # Knegt: the mask as it is, no shift
        h = self.encoder.layers(x).mean(dim=(2, 3), keepdim=True)
        out = self.conv_layer(h)[:, :, 0, 0]
        return out[:, : self.latent], out[:, self.latent :]


class KnegtLike(torch.nn.Module):
    """The module tree (state_dict names) and forward pass of Knegt's ProbabilisticUnet
    (stefanknegt/Probabilistic-Unet-Pytorch, no_convs_fcomb=4), written from its structure."""

    def __init__(self, cin, filters, latent):
        super().__init__()
        nn = torch.nn
        self.unet = nn.Module()
        self.unet.contracting_path = nn.ModuleList(_KnegtBlock(cin if i == 0 else filters[i - 1], f, i > 0) for i, f in enumerate(filters))
        self.unet.upsampling_path = nn.ModuleList(_KnegtUp(filters[i + 1] + filters[i], filters[i]) for i in range(len(filters) - 2, -1, -1))
        self.prior = _KnegtGaussian(cin, filters, latent)
        self.posterior = _KnegtGaussian(cin + 1, filters, latent)
        self.fcomb = nn.Module()
        f0 = filters[0]
        self.fcomb.layers = nn.Sequential(nn.Conv2d(f0 + latent, f0, 1), nn.ReLU(), nn.Conv2d(f0, f0, 1), nn.ReLU(), nn.Conv2d(f0, f0, 1), nn.ReLU())
        self.fcomb.last_layer = nn.Conv2d(f0, 1, 1)

    def features(self, x):
        blocks = []
        for i, down in enumerate(self.unet.contracting_path):
            x = down.layers(x)
            if i != len(self.unet.contracting_path) - 1:
                blocks.append(x)
        for i, up in enumerate(self.unet.upsampling_path):
            x = up(x, blocks[-i - 1])
        return x

    def decode(self, feats, z):
        zt = z[:, :, None, None].expand(z.shape[0], z.shape[1], feats.shape[2], feats.shape[3])
        return self.fcomb.last_layer(self.fcomb.layers(torch.cat((feats, zt), 1)))


def knegt_golden(model, golden, spec):
    """Weights of `model` loaded (strict) into the Knegt module tree; logits from Knegt's forward."""
    k = KnegtLike(spec["inChannels"], spec["filters"], spec["latent"])
    k.load_state_dict(knegt_names(model), strict=True)  # proves the names are Knegt's exactly
    image = torch.tensor(golden["image"]).reshape(golden["imageShape"])
    b, L = image.shape[0], spec["latent"]
    eps = torch.tensor(golden["eps"]).reshape(b, -1, L)
    n = eps.shape[1]
    from models import bound_log_sigma

    with torch.no_grad():
        feats = k.features(image)
        mu, ls = k.prior(image)
        tiled = feats[:, None].expand(b, n, *feats.shape[1:]).reshape(b * n, *feats.shape[1:])
        for key, log_sigma in (("logits", ls), ("logitsBounded", bound_log_sigma(ls))):
            # Knegt: log σ = raw head output; flowseg bounds it, B·tanh(raw/B) — the one thing no renaming can carry over
            z = (mu[:, None] + torch.exp(log_sigma)[:, None] * eps).reshape(b * n, L)
            golden[key] = k.decode(tiled, z).reshape(b, n, *image.shape[2:]).flatten().tolist()
    return k.state_dict()


def main() -> None:
    kind, out = sys.argv[1], sys.argv[2]
    if kind == "reader":
        reader(out)
        return
    spec = json.loads(sys.argv[3])
    model, golden = build(spec)
    sd = model.state_dict() if kind == "model" else knegt_golden(model, golden, spec)
    for key in spec.get("drop", []):  # broken files for the error tests
        del sd[key]
    for key in spec.get("extra", []):
        sd[key] = torch.zeros(2)
    torch.save(sd, out)
    with open(out + ".golden.json", "w") as f:
        json.dump(golden, f)
    assert all(math.isfinite(v) for v in golden["logits"])


if __name__ == "__main__":
    main()
