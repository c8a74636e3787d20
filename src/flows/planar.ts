import type { Tensor } from '../tensor/tensor.js';
import { Module } from '../nn/module.js';
import { Linear, type LayerOptions } from '../nn/layers.js';
import type { FlowOutput, FlowStep } from './flow.js';

/**
 * MODEL.md planar invertibility: û = u + (m(wᵀu) − wᵀu)·w/‖w‖², m(x) = −1 + softplus(x), so that
 * wᵀû = m(wᵀu) > −1. No ε on ‖w‖² (the reference has none; an ε would only trade the w = 0 NaN for
 * a 1/ε gradient). u, w [B, L] → û [B, L].
 */
export function constrainU(u: Tensor, w: Tensor): Tensor {
  const wu = w.mul(u).sum([-1], true); // [B, 1]
  const m = wu.softplus().sub(1); // [B, 1]
  return u.add(
    m
      .sub(wu)
      .mul(w)
      .div(w.square().sum([-1], true)),
  ); // [B, L]
}

/**
 * Planar step z' = z + û·tanh(wᵀz + b) (Rezende & Mohamed 2015; MODEL.md Flows, planar), with
 * log|det J| = log|1 + ψᵀû|, ψ = (1 − tanh²(wᵀz + b))·w. z, u, w [B, L]; b [B, 1].
 */
export function planarTransform(z: Tensor, u: Tensor, w: Tensor, b: Tensor): FlowOutput {
  const uHat = constrainU(u, w); // [B, L]
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
  /** ctx [B, C] → raw [B, 2L+1] = [u | w | b] before the constraint. */
  rawParams(ctx: Tensor): Tensor {
    return this.params.forward(ctx);
  }
  forward(z: Tensor, ctx: Tensor): FlowOutput {
    const [u, w, b] = splitPlanar(this.rawParams(ctx), this.latent);
    return planarTransform(z, u, w, b);
  }
}
