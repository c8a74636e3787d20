import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../../nn/module.js';
import { Mlp, type LayerOptions } from '../../nn/layers.js';
import type { FlowOutput, FlowStep } from '../flow.js';

/**
 * Conditional ActNorm (MODEL.md Flows, conditional Glow): z' = z·exp(log s) + t with
 * (log s, t) = MLP(ctx); log|det| = Σ log s. The last MLP layer starts at zero (identity, Glow).
 * Params `mlp.{0,1,2}.*`.
 */
export class CondActNorm extends Module implements FlowStep {
  private readonly mlp: Mlp;
  constructor(
    private readonly latent: number,
    contextSize: number,
    opts: LayerOptions = {},
  ) {
    super();
    this.mlp = this.child('mlp', new Mlp(contextSize, 2 * latent, 8, { ...opts, zeroLast: true }));
  }
  forward(z: Tensor, ctx: Tensor): FlowOutput {
    const raw = this.mlp.forward(ctx); // [B, 2L]
    const logS = raw.slice(1, 0, this.latent); // [B, L]
    const t = raw.slice(1, this.latent, 2 * this.latent); // [B, L]
    return { z: z.mul(logS.exp()).add(t), logDet: logS.sum([-1]) };
  }
}
