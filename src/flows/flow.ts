import { zeros } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from '../nn/module.js';
import { ModuleList } from '../nn/moduleList.js';

export interface FlowOutput {
  /** [B, L] */
  z: Tensor;
  /** log|det ∂z'/∂z| per batch element [B] */
  logDet: Tensor;
}

/** One flow step; parameters may depend on a context vector (the posterior's pooled features). */
export interface FlowStep extends Module {
  /** z [B, L], ctx [B, C] → z' [B, L], log|det J| [B] */
  forward(z: Tensor, ctx: Tensor): FlowOutput;
}

/** K ≥ 0 steps applied in order; log-determinants add up (MODEL.md: Σₖ log|det Jₖ|). Params `steps.{k}.…`. */
export class FlowChain extends Module {
  readonly steps: FlowStep[];
  constructor(steps: FlowStep[]) {
    super();
    this.steps = this.child('steps', new ModuleList(steps)).items;
  }
  forward(z: Tensor, ctx: Tensor): FlowOutput {
    let out: FlowOutput = { z, logDet: zeros([z.shape[0] as number], { dtype: z.dtype, device: z.device }) }; // K = 0: identity
    for (const step of this.steps) {
      const next = step.forward(out.z, ctx);
      out = { z: next.z, logDet: out.logDet.add(next.logDet) };
    }
    return out;
  }
}
