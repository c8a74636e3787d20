"""Checks that ProbUNet.sample (features once, fcomb's batched decomposed form, inference_mode)
gives the same probabilities as the literal Kohl path it replaced in the bench: the features
tiled over the n samples, concat with z, fcomb's 1x1 convs (Fcomb.forward), for the same noise.

  /usr/bin/python3 bench/pytorch/check_sample.py
"""
from __future__ import annotations

import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from models import ProbUNet, frozen_sampler  # noqa: E402


@torch.no_grad()
def literal_sample(model: ProbUNet, image: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
    """The bench's previous baseline: tile features, concat z, NCHW 1x1 convs. -> [B, n, H, W]"""
    b, n = eps.shape[:2]
    features = model.unet(image)  # [B, F, H, W]
    mu_p, ls_p, _ = model.prior(image)
    z = mu_p[:, None] + torch.exp(ls_p)[:, None] * eps  # [B, n, L]
    tiled = features[:, None].expand(b, n, *features.shape[1:]).reshape(b * n, *features.shape[1:])
    logits = model.fcomb(tiled, z.reshape(b * n, -1))  # [B*n, 1, H, W]
    return torch.sigmoid(logits).view(b, n, *features.shape[2:])


def main() -> None:
    torch.manual_seed(0)
    model = ProbUNet(1, [32, 64, 128, 192], latent=6, flow=("planar", 2)).eval()
    worst = 0.0
    for b, n, size in [(1, 16, 128), (2, 3, 64)]:
        image = torch.rand(b, 1, size, size)
        eps = torch.randn(b, n, 6)
        old = literal_sample(model, image, eps)
        for form in ("linear", "conv", "frozen"):
            if form == "frozen":
                with torch.no_grad():
                    new = frozen_sampler(model, image, eps)(image, eps)
            else:
                new = model.sample(image, n, eps, form=form)
            assert new.shape == old.shape == (b, n, size, size), (form, new.shape, old.shape)
            diff = (new - old).abs().max().item()
            worst = max(worst, diff)
            assert diff < 1e-5, f"{form}: B={b} n={n} {size}^2: max |delta p| = {diff}"
            # the logits must differ between samples, or the check would pass on a constant
            assert (new[:, 0] - new[:, -1]).abs().max().item() > 1e-4
    print(f"sample (all three forms) == literal tiled fcomb for the same noise: max |delta p| = {worst:.2e}")


if __name__ == "__main__":
    main()
