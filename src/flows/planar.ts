import type { Tensor } from '../tensor/tensor.js';
import { Module } from '../nn/module.js';
import { Linear, type LayerOptions } from '../nn/layers.js';
import type { FlowOutput, FlowStep } from './flow.js';

/**
 * Planar step z' = z + û·tanh(wᵀz + b) (Rezende & Mohamed 2015; MODEL.md). û enforces
 * wᵀû ≥ −1 so the map is invertible: û = u + (m(wᵀu) − wᵀu)·w/‖w‖², m(x) = −1 + softplus(x).
 * u, w [B, L], b [B, 1].
 */
export function planarTransform(z: Tensor, u: Tensor, w: Tensor, b: Tensor): FlowOutput {
  const wu = w.mul(u).sum([-1], true); // [B, 1]
  const m = wu.softplus().sub(1);
  const uHat = u.add(m.sub(wu).mul(w).div(w.square().sum([-1], true))); // [B, L]
  const t = w.mul(z).sum([-1], true).add(b).tanh(); // [B, 1]
  const psi = t.square().neg().add(1).mul(w); // [B, L]
  const logDet = psi.mul(uHat).sum([-1]).add(1).abs().log(); // [B]
  return { z: z.add(uHat.mul(t)), logDet };
}

/** Splits raw flow parameters [B, 2L+1] into u [B, L], w [B, L], b [B, 1]. */
export function splitPlanar(raw: Tensor, latent: number): [Tensor, Tensor, Tensor] {
  return [raw.slice(1, 0, latent), raw.slice(1, latent, 2 * latent), raw.slice(1, 2 * latent, 2 * latent + 1)];
}

/** Seed 000's amortized planar step: one linear layer from the posterior features h to (u, w, b). Params `params.*`. */
export class PlanarStep extends Module implements FlowStep {
  private readonly params: Linear;
  constructor(
    private readonly latent: number,
    contextSize: number,
    opts: LayerOptions = {},
  ) {
    super();
    this.params = this.child('params', new Linear(contextSize, 2 * latent + 1, opts));
  }
  forward(z: Tensor, ctx: Tensor): FlowOutput {
    const [u, w, b] = splitPlanar(this.params.forward(ctx), this.latent);
    return planarTransform(z, u, w, b);
  }
}
