import type { Tensor } from '../tensor/tensor.js';
import { Module } from '../nn/module.js';
import { Conv2d, type LayerOptions } from '../nn/layers.js';
import { DownPath } from './blocks.js';

export interface GaussianParams {
  /** [B, L] */
  mu: Tensor;
  /** [B, L] */
  logSigma: Tensor;
  /** [B, C] spatially averaged last encoder features: the flows' context h. */
  context: Tensor;
}

// Keeps σ = exp(log σ) finite and positive; the public repos' users mostly report KL blow-ups.
const LOG_SIGMA_LIMIT = 10;

/**
 * Values clamped to [−limit, limit], gradient passed straight through: a hard clamp would zero
 * the gradient outside the range and a collapsed σ could never recover (seen as a KL plateau).
 */
export function straightThroughClamp(x: Tensor, limit: number): Tensor {
  return x.add(x.clamp(-limit, limit).sub(x).detach());
}

/** Prior / posterior net: down path → spatial mean → 1×1 conv → (μ, log σ). Params `down.*`, `head.*`. */
export class GaussianEncoder extends Module {
  private readonly down: DownPath;
  private readonly head: Conv2d;
  readonly latent: number;

  constructor(inChannels: number, filters: readonly number[], latent: number, convs: number, opts: LayerOptions = {}) {
    super();
    this.down = this.child('down', new DownPath(inChannels, filters, convs, opts));
    this.head = this.child('head', new Conv2d(filters[filters.length - 1] as number, 2 * latent, 1, opts));
    this.latent = latent;
  }

  /** x [B, Cin, H, W] → μ, log σ [B, L], context [B, C] */
  forward(x: Tensor): GaussianParams {
    const levels = this.down.forward(x);
    const h = (levels[levels.length - 1] as Tensor).mean([2, 3], true); // [B, C, 1, 1]
    for (const level of levels) level.dispose(); // only the pooled features are needed from here
    const out = this.head.forward(h).flatten(1); // [B, 2L]
    const L = this.latent;
    return {
      mu: out.slice(1, 0, L),
      logSigma: straightThroughClamp(out.slice(1, L, 2 * L), LOG_SIGMA_LIMIT),
      context: h.flatten(1),
    };
  }
}
