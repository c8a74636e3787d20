import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../../nn/module.js';
import type { LayerOptions } from '../../nn/layers.js';
import type { FlowOutput, FlowStep } from '../flow.js';
import { CondActNorm } from './actNorm.js';
import { CondInvertible1x1 } from './invertible1x1.js';
import { CondAffineCoupling } from './affineCoupling.js';

/**
 * Seed 001's conditional Glow step (MODEL.md Flows): cond ActNorm → cond invertible 1×1 → cond affine
 * coupling; log-determinants add. Params `actnorm.mlp.*`, `inv1x1.{weight0,mlp.*}`, `coupling.mlp.*`.
 */
export class CondGlowStep extends Module implements FlowStep {
  readonly actnorm: CondActNorm;
  readonly inv1x1: CondInvertible1x1;
  readonly coupling: CondAffineCoupling;
  constructor(latent: number, contextSize: number, opts: LayerOptions = {}) {
    super();
    this.actnorm = this.child('actnorm', new CondActNorm(latent, contextSize, opts));
    this.inv1x1 = this.child('inv1x1', new CondInvertible1x1(latent, contextSize, opts));
    this.coupling = this.child('coupling', new CondAffineCoupling(latent, contextSize, opts));
  }
  forward(z: Tensor, ctx: Tensor): FlowOutput {
    const a = this.actnorm.forward(z, ctx); // z [B, L], logDet [B]
    const b = this.inv1x1.forward(a.z, ctx);
    const c = this.coupling.forward(b.z, ctx);
    return { z: c.z, logDet: a.logDet.add(b.logDet).add(c.logDet) }; // [B]
  }
}
