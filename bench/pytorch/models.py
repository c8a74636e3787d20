"""PyTorch reference models for flowseg (benchmarks and golden tests only).

Faithful to ../shared/docs/MODEL.md (Kohl et al. 2018 architecture, Knegt's PyTorch port,
seed 000 = Valiuddin et al. 2021 amortized planar/radial flows, seed 001 = Selvan et al.
2020 conditional planar / conditional Glow). This file is NOT a runtime dependency of
flowseg; the TypeScript model mirrors it, and the state_dict names below are the contract
used to exchange weights in golden tests.

state_dict names
----------------
  unet.down.{i}.{j}.weight|bias      encoder block i (0 = full resolution), conv j (0..2)
  unet.up.{i}.{j}.weight|bias        decoder block i (0 = deepest), conv j (0..2)
  prior.down.{i}.{j}.*, prior.head.weight|bias          (head: 1x1 conv C -> 2L)
  posterior.down.{i}.{j}.*, posterior.head.weight|bias  (input channels in_ch + 1)
  fcomb.layers.{k}.weight|bias (k = 0..2, 1x1 convs), fcomb.last.weight|bias
  flow.steps.{k}.*  -- per flow type, see the flow classes:
    planar   flow.steps.{k}.params.weight [2L+1, C], .bias [2L+1]
             raw = params(h) split as [u (L) | w (L) | b (1)]
    radial   flow.steps.{k}.params.weight [L+2, C], .bias [L+2]
             raw = params(h) split as [z0ref (L) | alpha_raw (1) | beta_raw (1)]
    cplanar  flow.steps.{k}.mlp.{0,1,2}.weight|bias  Linear(C,8) ReLU Linear(8,8) ReLU
             Linear(8, 2L+1); raw split as [u (L) | w (L) | b (1)]
    cglow    flow.steps.{k}.actnorm.mlp.{0,1,2}.*  ctx -> 8 -> 8 -> 2L  = [log_s (L) | t (L)]
             flow.steps.{k}.inv1x1.weight0 [L, L]  (learned base matrix, random orthogonal init)
             flow.steps.{k}.inv1x1.mlp.{0,1,2}.*   ctx -> 8 -> 8 -> L*L (row-major delta)
             flow.steps.{k}.coupling.mlp.{0,1,2}.* [z_a, ctx] -> 8 -> 8 -> 2*(L - L//2)
                                                   = [s_raw (L-L//2) | t (L-L//2)]
  C (context / h) = filters[-1]: the posterior encoder's spatially averaged last features
  (the same tensor the posterior head sees). All flow MLPs use ReLU between layers (as in
  Pyro's DenseNN hypernets that the cFlow code builds on).

Init: every conv (3x3 and 1x1, incl. heads and fcomb) gets kaiming_normal_(fan_in, relu)
weights and N(0, 1e-3) biases (Knegt's init_weights; Kohl uses He-normal). Flow Linear
layers keep PyTorch's default nn.Linear init, except cglow: the last layer of each
conditioning MLP is zero-initialised so a fresh step is the identity map apart from
inv1x1.weight0 (Glow's zero-init of the coupling net output).
"""
from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

LOG_2PI = math.log(2.0 * math.pi)
# |log sigma| bound of the prior / posterior (src/models/constants.ts LOG_SIGMA_BOUND).
LOG_SIGMA_BOUND = 10.0


def bound_log_sigma(raw: torch.Tensor) -> torch.Tensor:
    """log sigma = B * tanh(raw / B): smooth, bounded, gradient alive everywhere (src/models/logSigma.ts)."""
    return LOG_SIGMA_BOUND * torch.tanh(raw / LOG_SIGMA_BOUND)


def init_conv(m: nn.Module) -> None:
    if isinstance(m, nn.Conv2d):
        nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
        nn.init.normal_(m.bias, mean=0.0, std=1e-3)


def conv_block(cin: int, cout: int, n: int) -> nn.Sequential:
    """n x (conv3x3 pad 1 + ReLU). Sequential indices are 0..n-1 (ReLU is functional)."""
    return nn.Sequential(*[nn.Conv2d(cin if j == 0 else cout, cout, 3, padding=1) for j in range(n)])


def run_block(block: nn.Sequential, x: torch.Tensor) -> torch.Tensor:
    # Without autograd (sampling under inference_mode) the ReLU runs in place on the conv's output.
    inplace = torch.is_inference_mode_enabled()
    for conv in block:
        x = F.relu(conv(x), inplace=inplace)
    return x


class DownPath(nn.Module):
    """Encoder: block 0 without pooling; blocks >= 1 start with a 2x2 average pool."""

    def __init__(self, in_ch: int, filters: list[int], convs_per_block: int = 3):
        super().__init__()
        self.down = nn.ModuleList(
            conv_block(in_ch if i == 0 else filters[i - 1], f, convs_per_block) for i, f in enumerate(filters)
        )

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        skips = []
        for i, block in enumerate(self.down):
            if i > 0:
                x = F.avg_pool2d(x, 2)
            x = run_block(block, x)
            skips.append(x)
        return skips  # [B, filters[i], H/2^i, W/2^i]


class UNet(nn.Module):
    """Kohl U-Net; output = last decoder features (filters[0] channels), no logits."""

    def __init__(self, in_ch: int, filters=(32, 64, 128, 192), convs_per_block: int = 3):
        super().__init__()
        filters = list(filters)
        enc = DownPath(in_ch, filters, convs_per_block)
        self.down = enc.down
        n = len(filters)
        # up.0 is the deepest decoder block: concat [upsampled deep, skip] -> filters[level]
        self.up = nn.ModuleList(
            conv_block(filters[lvl + 1] + filters[lvl], filters[lvl], convs_per_block)
            for lvl in range(n - 2, -1, -1)
        )
        self.apply(init_conv)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skips = []
        for i, block in enumerate(self.down):
            if i > 0:
                x = F.avg_pool2d(x, 2)
            x = run_block(block, x)
            skips.append(x)
        x = skips[-1]
        for i, block in enumerate(self.up):
            skip = skips[-2 - i]
            x = F.interpolate(x, size=skip.shape[-2:], mode="bilinear", align_corners=True)
            x = run_block(block, torch.cat([x, skip], dim=1))
        return x  # [B, filters[0], H, W]


class GaussianEncoder(nn.Module):
    """Prior / posterior net: down path -> spatial mean -> 1x1 conv -> (mu, bounded log_sigma)."""

    def __init__(self, in_ch: int, filters, latent: int, convs_per_block: int = 3):
        super().__init__()
        self.down = DownPath(in_ch, list(filters), convs_per_block).down
        self.head = nn.Conv2d(filters[-1], 2 * latent, 1)
        self.latent = latent
        self.apply(init_conv)

    def forward(self, x: torch.Tensor):
        for i, block in enumerate(self.down):
            if i > 0:
                x = F.avg_pool2d(x, 2)
            x = run_block(block, x)
        h = x.mean(dim=(2, 3), keepdim=True)  # [B, C, 1, 1]
        out = self.head(h).flatten(1)  # [B, 2L]
        mu, log_sigma = out[:, : self.latent], bound_log_sigma(out[:, self.latent :])
        return mu, log_sigma, h.flatten(1)  # h: [B, C] -- flow context


class Fcomb(nn.Module):
    def __init__(self, feat_ch: int, latent: int, n_layers: int = 3):
        super().__init__()
        self.layers = nn.ModuleList(
            nn.Conv2d(feat_ch + latent if k == 0 else feat_ch, feat_ch, 1) for k in range(n_layers)
        )
        self.last = nn.Conv2d(feat_ch, 1, 1)
        self.apply(init_conv)

    def forward(self, features: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        b, _, hh, ww = features.shape
        zt = z[:, :, None, None].expand(b, z.shape[1], hh, ww)  # tile z over H x W
        x = torch.cat([features, zt], dim=1)
        for conv in self.layers:
            x = F.relu(conv(x))
        return self.last(x)  # [B, 1, H, W] logits

    def sample(self, features: torch.Tensor, z: torch.Tensor, form: str = "linear") -> torch.Tensor:
        """features [B, F, H, W] once per image, z [B, n, L] -> logits [B, n, H, W]: the same
        function as forward on each (image, z), computed as an expert would for n samples. The
        first layer's weight splits as [W_f | W_z], so W [f; z] + b = (W_f f + b) + W_z z: the
        feature half runs once per image, only W_z z (L numbers) per sample; the 1x1 convs run as
        one batched GEMM over channels-last pixels of all samples (no tiled copy of the features,
        no concat, no per-sample loop). Call it without autograd (inference_mode).
        form="conv": the same split, but the 1x1 convs stay convolutions on [B*n, F, H, W] (oneDNN's
        kernels, which use AVX-512 where the BLAS behind F.linear may not); the faster form depends
        on the machine, so the bench measures both."""
        if form == "conv":
            return self._sample_conv(features, z)
        b, f, hh, ww = features.shape
        first = self.layers[0].weight.flatten(1)  # [F, F + L]
        pixels = features.flatten(2).transpose(1, 2)  # [B, HW, F]
        shared = F.linear(pixels, first[:, :f], self.layers[0].bias)  # [B, HW, F]
        per_sample = F.linear(z, first[:, f:])  # [B, n, F]
        x = (shared[:, None] + per_sample[:, :, None]).relu_()  # [B, n, HW, F]
        for conv in self.layers[1:]:
            x = F.linear(x, conv.weight.flatten(1), conv.bias).relu_()
        logits = F.linear(x, self.last.weight.flatten(1), self.last.bias)  # [B, n, HW, 1]
        return logits.view(b, z.shape[1], hh, ww)

    def _sample_conv(self, features: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        b, f, hh, ww = features.shape
        n = z.shape[1]
        first = self.layers[0].weight  # [F, F + L, 1, 1]
        shared = F.conv2d(features, first[:, :f], self.layers[0].bias)  # [B, F, H, W]
        per_sample = F.linear(z, first[:, f:].flatten(1))  # [B, n, F]
        x = (shared[:, None] + per_sample[..., None, None]).relu_().flatten(0, 1)  # [B*n, F, H, W]
        for conv in self.layers[1:]:
            x = F.conv2d(x, conv.weight, conv.bias).relu_()
        logits = F.conv2d(x, self.last.weight, self.last.bias)  # [B*n, 1, H, W]
        return logits.view(b, n, hh, ww)


# ----------------------------------------------------------------------------- flows
# Every flow step: forward(z [B, L], raw/ctx) -> (z' [B, L], logdet [B]).


def planar_transform(z, u, w, b):
    """Planar step with MODEL.md's invertibility constraint. u, w: [B, L]; b: [B, 1]."""
    wu = (w * u).sum(-1, keepdim=True)  # [B, 1]
    m = -1.0 + F.softplus(wu)
    u_hat = u + (m - wu) * w / (w * w).sum(-1, keepdim=True)
    a = (w * z).sum(-1, keepdim=True) + b  # [B, 1]
    t = torch.tanh(a)
    z_new = z + u_hat * t
    psi = (1.0 - t * t) * w  # [B, L]
    logdet = torch.log(torch.abs(1.0 + (psi * u_hat).sum(-1)))
    return z_new, logdet


def split_planar(raw, L):
    return raw[:, :L], raw[:, L : 2 * L], raw[:, 2 * L : 2 * L + 1]


def radial_transform(z, z0ref, alpha_raw, beta_raw):
    """Radial step; alpha = softplus(a~), beta_hat = -alpha + softplus(b~). alpha/beta_raw: [B, 1]."""
    L = z.shape[1]
    alpha = F.softplus(alpha_raw)
    beta = -alpha + F.softplus(beta_raw)
    diff = z - z0ref
    r = torch.sqrt((diff * diff).sum(-1, keepdim=True))  # [B, 1]
    h = 1.0 / (alpha + r)
    bh = beta * h
    z_new = z + bh * diff
    logdet = (L - 1) * torch.log1p(bh) + torch.log(1.0 + bh - beta * r / (alpha + r) ** 2)
    return z_new, logdet.squeeze(-1)


def split_radial(raw, L):
    return raw[:, :L], raw[:, L : L + 1], raw[:, L + 1 : L + 2]


class Planar(nn.Module):
    """Seed 000 amortized planar: one Linear from the posterior features h to (u, w, b)."""

    def __init__(self, latent: int, ctx_dim: int):
        super().__init__()
        self.latent = latent
        self.params = nn.Linear(ctx_dim, 2 * latent + 1)

    def forward(self, z, ctx):
        return planar_transform(z, *split_planar(self.params(ctx), self.latent))


class Radial(nn.Module):
    """Seed 000 amortized radial: one Linear from h to (z0ref, alpha~, beta~)."""

    def __init__(self, latent: int, ctx_dim: int):
        super().__init__()
        self.latent = latent
        self.params = nn.Linear(ctx_dim, latent + 2)

    def forward(self, z, ctx):
        return radial_transform(z, *split_radial(self.params(ctx), self.latent))


def mlp(cin: int, cout: int, hidden: int = 8) -> nn.Sequential:
    """3-layer MLP with `hidden` units and ReLU. Indices 0,1,2 are the Linear layers."""

    class _MLP(nn.Sequential):
        def forward(self, x):
            for k, lin in enumerate(self):
                x = lin(x)
                if k < len(self) - 1:
                    x = F.relu(x)
            return x

    return _MLP(nn.Linear(cin, hidden), nn.Linear(hidden, hidden), nn.Linear(hidden, cout))


class CondPlanar(nn.Module):
    """Seed 001 conditional planar: (u, w, b) = MLP(context)."""

    def __init__(self, latent: int, ctx_dim: int, hidden: int = 8):
        super().__init__()
        self.latent = latent
        self.mlp = mlp(ctx_dim, 2 * latent + 1, hidden)

    def forward(self, z, ctx):
        return planar_transform(z, *split_planar(self.mlp(ctx), self.latent))


class CondActNorm(nn.Module):
    """z' = z * exp(log_s) + t, (log_s, t) = MLP(ctx); logdet = sum(log_s)."""

    def __init__(self, latent, ctx_dim, hidden=8):
        super().__init__()
        self.latent = latent
        self.mlp = mlp(ctx_dim, 2 * latent, hidden)

    def forward(self, z, ctx):
        raw = self.mlp(ctx)
        log_s, t = raw[:, : self.latent], raw[:, self.latent :]
        return z * torch.exp(log_s) + t, log_s.sum(-1)


class CondInv1x1(nn.Module):
    """z' = W(ctx) z with W(ctx) = weight0 + reshape(MLP(ctx), [L, L]); logdet = log|det W|.

    weight0 (a learned base matrix, random orthogonal at init) keeps W well conditioned
    while the conditioning net output is small; for a 1-D latent the "1x1 convolution"
    is just this L x L matrix.
    """

    def __init__(self, latent, ctx_dim, hidden=8):
        super().__init__()
        self.latent = latent
        self.weight0 = nn.Parameter(torch.linalg.qr(torch.randn(latent, latent))[0])
        self.mlp = mlp(ctx_dim, latent * latent, hidden)

    def forward(self, z, ctx):
        L = self.latent
        W = self.weight0 + self.mlp(ctx).view(-1, L, L)  # [B, L, L]
        z_new = torch.matmul(W, z.unsqueeze(-1)).squeeze(-1)
        return z_new, torch.linalg.slogdet(W)[1]


class CondAffineCoupling(nn.Module):
    """z = [z_a | z_b] (z_a = first L//2); (s_raw, t) = MLP([z_a, ctx]);
    s = sigmoid(s_raw + 2) (Glow); z_b' = s * z_b + t; logdet = sum(log s)."""

    def __init__(self, latent, ctx_dim, hidden=8):
        super().__init__()
        self.na = latent // 2
        self.nb = latent - self.na
        self.mlp = mlp(self.na + ctx_dim, 2 * self.nb, hidden)

    def forward(self, z, ctx):
        za, zb = z[:, : self.na], z[:, self.na :]
        raw = self.mlp(torch.cat([za, ctx], dim=1))
        s_raw, t = raw[:, : self.nb], raw[:, self.nb :]
        log_s = F.logsigmoid(s_raw + 2.0)
        zb_new = zb * torch.exp(log_s) + t
        return torch.cat([za, zb_new], dim=1), log_s.sum(-1)


class CondGlowStep(nn.Module):
    """Seed 001 conditional Glow step: cond ActNorm -> cond invertible 1x1 -> cond coupling."""

    def __init__(self, latent, ctx_dim, hidden=8):
        super().__init__()
        self.actnorm = CondActNorm(latent, ctx_dim, hidden)
        self.inv1x1 = CondInv1x1(latent, ctx_dim, hidden)
        self.coupling = CondAffineCoupling(latent, ctx_dim, hidden)
        for sub in (self.actnorm, self.inv1x1, self.coupling):  # identity-ish start (Glow)
            nn.init.zeros_(sub.mlp[2].weight)
            nn.init.zeros_(sub.mlp[2].bias)

    def forward(self, z, ctx):
        z, ld1 = self.actnorm(z, ctx)
        z, ld2 = self.inv1x1(z, ctx)
        z, ld3 = self.coupling(z, ctx)
        return z, ld1 + ld2 + ld3


FLOW_TYPES = {"planar": Planar, "radial": Radial, "cplanar": CondPlanar, "cglow": CondGlowStep}


class Flow(nn.Module):
    def __init__(self, kind: str, steps: int, latent: int, ctx_dim: int):
        super().__init__()
        self.kind = kind
        self.steps = nn.ModuleList(FLOW_TYPES[kind](latent, ctx_dim) for _ in range(steps))

    def forward(self, z, ctx):
        logdet = torch.zeros(z.shape[0], dtype=z.dtype, device=z.device)
        for step in self.steps:
            z, ld = step(z, ctx)
            logdet = logdet + ld
        return z, logdet


# ----------------------------------------------------------------------------- PU-Net


def diag_normal_logpdf(z, mu, log_sigma):
    """log N(z; mu, diag(sigma^2)) summed over the latent dim -> [B]."""
    return (-0.5 * ((z - mu) / torch.exp(log_sigma)) ** 2 - log_sigma - 0.5 * LOG_2PI).sum(-1)


def kl_diag_normal(mu_q, ls_q, mu_p, ls_p):
    """Analytic KL(q || p) for diagonal Gaussians, summed over the latent dim -> [B]."""
    var_q, var_p = torch.exp(2 * ls_q), torch.exp(2 * ls_p)
    return (ls_p - ls_q + (var_q + (mu_q - mu_p) ** 2) / (2 * var_p) - 0.5).sum(-1)


class ProbUNet(nn.Module):
    def __init__(self, in_ch: int = 1, filters=(32, 64, 128, 192), latent: int = 6, flow=None,
                 beta: float = 1.0, convs_per_block: int = 3):
        super().__init__()
        filters = list(filters)
        self.latent, self.beta = latent, beta
        self.unet = UNet(in_ch, filters, convs_per_block)
        self.prior = GaussianEncoder(in_ch, filters, latent, convs_per_block)
        self.posterior = GaussianEncoder(in_ch + 1, filters, latent, convs_per_block)
        self.fcomb = Fcomb(filters[0], latent)
        self.flow = Flow(flow[0], flow[1], latent, filters[-1]) if flow else None

    def elbo(self, image, mask, eps=None):
        """One-sample ELBO (MODEL.md). mask: [B, 1, H, W] in {0,1}; eps: [B, L] or None.

        Returns dict ce, kl, logdet (each a batch mean), loss = ce + beta * kl, logits.
        kl is the analytic KL for the vanilla model, else the one-sample estimate
        log q0(z0) - sum log|det J| - log p(zK).
        """
        features = self.unet(image)  # [B, 32, H, W]
        mu_p, ls_p, _ = self.prior(image)
        mu_q, ls_q, h = self.posterior(torch.cat([image, mask - 0.5], dim=1))
        if eps is None:
            eps = torch.randn_like(mu_q)
        z0 = mu_q + torch.exp(ls_q) * eps
        if self.flow is None:
            zk, logdet = z0, torch.zeros_like(mu_q[:, 0])
            kl = kl_diag_normal(mu_q, ls_q, mu_p, ls_p)
        else:
            zk, logdet = self.flow(z0, h)
            kl = diag_normal_logpdf(z0, mu_q, ls_q) - logdet - diag_normal_logpdf(zk, mu_p, ls_p)
        logits = self.fcomb(features, zk)
        ce = F.binary_cross_entropy_with_logits(logits, mask, reduction="sum") / image.shape[0]
        kl, logdet = kl.mean(), logdet.mean()
        return {"ce": ce, "kl": kl, "logdet": logdet, "loss": ce + self.beta * kl, "logits": logits}

    @torch.inference_mode()
    def sample(self, image, n, eps=None, form="linear"):
        """The strong baseline: U-Net features and prior once per image, all n samples through
        fcomb in one batched call (Fcomb.sample), under inference_mode. eps [B, n, L] or None.
        -> probs [B, n, H, W]"""
        b = image.shape[0]
        features = self.unet(image)  # [B, F, H, W]
        mu_p, ls_p, _ = self.prior(image)
        if eps is None:
            eps = torch.randn(b, n, self.latent)
        z = mu_p[:, None] + torch.exp(ls_p)[:, None] * eps  # [B, n, L]
        return torch.sigmoid(self.fcomb.sample(features, z, form))

    @torch.no_grad()
    def sample_like_public_repos(self, image, n):
        """What the public repos do: recompute the whole U-Net for every sample."""
        outs = []
        for _ in range(n):
            features = self.unet(image)
            mu_p, ls_p, _ = self.prior(image)
            z = mu_p + torch.exp(ls_p) * torch.randn_like(mu_p)
            outs.append(torch.sigmoid(self.fcomb(features, z)))
        return torch.cat(outs, dim=0)


class _Sampler(nn.Module):
    """ProbUNet.sample(image, n, eps, form="conv") as a module, for TorchScript."""

    def __init__(self, model: "ProbUNet"):
        super().__init__()
        self.model = model

    def forward(self, image: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
        return self.model.sample(image, eps.shape[1], eps, form="conv")


def frozen_sampler(model: "ProbUNet", image: torch.Tensor, eps: torch.Tensor):
    """PyTorch's own strongest CPU inference path for the sampler: traced at image's and eps's
    shapes, frozen, and optimized for inference (torch.jit.optimize_for_inference: conv weights
    prepacked for oneDNN, conv + ReLU fused). Call under no_grad with the same shapes."""
    with torch.no_grad():
        traced = torch.jit.trace(_Sampler(model).eval(), (image, eps))
        return torch.jit.optimize_for_inference(torch.jit.freeze(traced))
