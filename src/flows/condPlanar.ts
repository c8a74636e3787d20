import type { Tensor } from '../tensor/tensor.js';
import { Module } from '../nn/module.js';
import { Mlp, type LayerOptions } from '../nn/layers.js';
import type { FlowOutput, FlowStep } from './flow.js';
import { planarTransform, splitPlanar } from './planar.js';

/** Seed 001's conditional planar step: (u, w, b) = MLP(context), 3 layers of 8 units. Params `mlp.{0,1,2}.*`. */
export class CondPlanarStep extends Module implements FlowStep {
  private readonly mlp: Mlp;
  constructor(
    private readonly latent: number,
    contextSize: number,
    opts: LayerOptions = {},
  ) {
    super();
    this.mlp = this.child('mlp', new Mlp(contextSize, 2 * latent + 1, 8, opts));
  }
  /** ctx [B, C] → raw [B, 2L+1] = [u | w | b] before the constraint. */
  rawParams(ctx: Tensor): Tensor {
    return this.mlp.forward(ctx);
  }
  forward(z: Tensor, ctx: Tensor): FlowOutput {
    const [u, w, b] = splitPlanar(this.rawParams(ctx), this.latent);
    return planarTransform(z, u, w, b);
  }
}
