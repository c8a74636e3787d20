import type { Tensor } from '../tensor/tensor.js';
import { Module } from '../nn/module.js';
import { Linear, type LayerOptions } from '../nn/layers.js';
import type { FlowOutput, FlowStep } from './flow.js';

/** MODEL.md radial invertibility: α = softplus(α̃) > 0, β̂ = −α + softplus(β̃) ≥ −α. [B, 1] each. */
export function radialCoefficients(alphaRaw: Tensor, betaRaw: Tensor): { alpha: Tensor; beta: Tensor } {
  const alpha = alphaRaw.softplus(); // [B, 1]
  return { alpha, beta: betaRaw.softplus().sub(alpha) }; // [B, 1]
}

/**
 * Radial step z' = z + β̂·h(α, r)·(z − z_ref), r = ‖z − z_ref‖, h = 1/(α + r) (MODEL.md Flows, radial),
 * log|det J| = (L−1)·log(1 + β̂h) + log(1 + β̂h − β̂r/(α+r)²). z, zRef [B, L]; alphaRaw, betaRaw [B, 1].
 */
export function radialTransform(z: Tensor, zRef: Tensor, alphaRaw: Tensor, betaRaw: Tensor): FlowOutput {
  const L = z.shape[1] as number;
  const { alpha, beta } = radialCoefficients(alphaRaw, betaRaw);
  const diff = z.sub(zRef); // [B, L]
  const r = diff.square().sum([-1], true).sqrt(); // [B, 1]
  const h = alpha.add(r).reciprocal(); // [B, 1]
  const bh = beta.mul(h); // [B, 1]
  const logDet = bh
    .log1p()
    .mul(L - 1)
    .add(
      bh
        .add(1)
        .sub(beta.mul(r).div(alpha.add(r).square()))
        .log(),
    ); // [B, 1]
  return { z: z.add(bh.mul(diff)), logDet: logDet.squeeze(-1) };
}

/** Splits raw parameters [B, L+2] into z_ref [B, L], α̃ [B, 1], β̃ [B, 1]. */
export function splitRadial(raw: Tensor, latent: number): [Tensor, Tensor, Tensor] {
  return [raw.slice(1, 0, latent), raw.slice(1, latent, latent + 1), raw.slice(1, latent + 1, latent + 2)];
}

/** Seed 000's amortized radial step: one linear layer from h to (z_ref, α̃, β̃). Params `params.*`. */
export class RadialStep extends Module implements FlowStep {
  private readonly params: Linear;
  constructor(
    private readonly latent: number,
    contextSize: number,
    opts: LayerOptions = {},
  ) {
    super();
    this.params = this.child('params', new Linear(contextSize, latent + 2, opts));
  }
  /** ctx [B, C] → raw [B, L+2] = [z_ref | α̃ | β̃]. */
  rawParams(ctx: Tensor): Tensor {
    return this.params.forward(ctx);
  }
  forward(z: Tensor, ctx: Tensor): FlowOutput {
    const [zRef, a, b] = splitRadial(this.rawParams(ctx), this.latent);
    return radialTransform(z, zRef, a, b);
  }
}
