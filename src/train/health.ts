import type { Tensor } from '../tensor/tensor.js';
import { LOG_SIGMA_BOUND } from '../models/constants.js';

/**
 * Training-health numbers logged every step (issue: a prior σ pinned at its bound made a
 * published LIDC result degenerate): mean log σ of prior and posterior, the share of latent
 * units within 1% of the bound, and the gradient norm.
 */
export interface LatentHealth {
  priorLogSigma: number;
  posteriorLogSigma: number;
  /** Share of prior and posterior log σ entries with |log σ| ≥ 0.99·bound. */
  atBound: number;
}

/** logSigma values ([B, L], read once) → (mean, number of entries at the bound, entry count). */
function stats(logSigma: Float32Array | Float64Array): { mean: number; atBound: number; count: number } {
  let sum = 0;
  let atBound = 0;
  for (const v of logSigma) {
    sum += v;
    if (Math.abs(v) >= 0.99 * LOG_SIGMA_BOUND) atBound++;
  }
  return { mean: sum / logSigma.length, atBound, count: logSigma.length };
}

/**
 * From the prior's and posterior's log σ [B, L] already in hand: one read of each (B·L numbers)
 * and the sums in JS, instead of 4 reductions and 4 `.item()` reads per step.
 */
export function latentHealth(prior: Tensor | undefined, posterior: Tensor | undefined): LatentHealth | null {
  if (!prior || !posterior) return null;
  const p = stats(prior.toFloat64Array());
  const q = stats(posterior.toFloat64Array());
  return { priorLogSigma: p.mean, posteriorLogSigma: q.mean, atBound: (p.atBound + q.atBound) / (p.count + q.count) };
}

/** A share of latent units at the bound above this is called saturation (warned once per run). */
export const SATURATION_SHARE = 0.25;

/**
 * Global L2 norm of the gradients; when `maxNorm` is given and exceeded, the gradients are
 * scaled in place to that norm (torch.nn.utils.clip_grad_norm_). Returns the norm before
 * clipping. One native call per step (gradClip 'auto' needs the norm of every step).
 */
export { clipGradNorm } from '../tensor/optimizer.js';
