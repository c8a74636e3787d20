import { cat } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../../nn/module.js';
import { Mlp, type LayerOptions } from '../../nn/layers.js';
import type { FlowOutput, FlowStep } from '../flow.js';

/** Glow's coupling scale s = sigmoid(s̃ + 2) ∈ (0, 1), returned as log s (finite for any s̃). */
export function couplingLogScale(sRaw: Tensor): Tensor {
  return sRaw.add(2).logSigmoid();
}

/**
 * Conditional affine coupling (MODEL.md Flows, conditional Glow): z = [z_a | z_b] (z_a the first ⌊L/2⌋),
 * (s̃, t) = MLP([z_a, ctx]), z_b' = s·z_b + t with s = sigmoid(s̃ + 2) > 0; log|det| = Σ log s.
 * The last MLP layer starts at zero. Params `mlp.{0,1,2}.*`.
 */
export class CondAffineCoupling extends Module implements FlowStep {
  private readonly mlp: Mlp;
  private readonly na: number;
  private readonly nb: number;
  constructor(latent: number, contextSize: number, opts: LayerOptions = {}) {
    super();
    this.na = Math.floor(latent / 2);
    this.nb = latent - this.na;
    this.mlp = this.child('mlp', new Mlp(this.na + contextSize, 2 * this.nb, 8, { ...opts, zeroLast: true }));
  }
  forward(z: Tensor, ctx: Tensor): FlowOutput {
    const za = z.slice(1, 0, this.na); // [B, La]
    const zb = z.slice(1, this.na, this.na + this.nb); // [B, Lb]
    const raw = this.mlp.forward(cat([za, ctx], 1)); // [B, 2·Lb]
    const logS = couplingLogScale(raw.slice(1, 0, this.nb)); // [B, Lb]
    const t = raw.slice(1, this.nb, 2 * this.nb); // [B, Lb]
    return { z: cat([za, zb.mul(logS.exp()).add(t)], 1), logDet: logS.sum([-1]) };
  }
}
