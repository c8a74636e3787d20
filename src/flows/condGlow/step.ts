import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../../nn/module.js';
import type { LayerOptions } from '../../nn/layers.js';
import type { FlowOutput, FlowStep } from '../flow.js';
import { CondActNorm } from './actNorm.js';
import { CondInvertible1x1 } from './invertible1x1.js';
import { CondAffineCoupling } from './affineCoupling.js';

/** Seed 001's conditional Glow step: cond ActNorm → cond invertible 1×1 → cond affine coupling. */
export class CondGlowStep extends Module implements FlowStep {
  private readonly parts: FlowStep[];
  constructor(latent: number, contextSize: number, opts: LayerOptions = {}) {
    super();
    this.parts = [
      this.child('actnorm', new CondActNorm(latent, contextSize, opts)),
      this.child('inv1x1', new CondInvertible1x1(latent, contextSize, opts)),
      this.child('coupling', new CondAffineCoupling(latent, contextSize, opts)),
    ];
  }
  forward(z: Tensor, ctx: Tensor): FlowOutput {
    let out: FlowOutput = { z, logDet: z.slice(1, 0, 1).squeeze(-1).mul(0) };
    for (const part of this.parts) {
      const next = part.forward(out.z, ctx);
      out = { z: next.z, logDet: out.logDet.add(next.logDet) };
    }
    return out;
  }
}
