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

/** logSigma [B, L] → (mean, number of entries at the bound, entry count). */
function stats(logSigma: Tensor): { mean: number; atBound: number; count: number } {
  const count = logSigma.size;
  return {
    mean: logSigma.mean().item(),
    atBound: logSigma
      .abs()
      .ge(0.99 * LOG_SIGMA_BOUND)
      .sum()
      .item(),
    count,
  };
}

export function latentHealth(prior: Tensor | undefined, posterior: Tensor | undefined): LatentHealth | null {
  if (!prior || !posterior) return null;
  const p = stats(prior);
  const q = stats(posterior);
  return { priorLogSigma: p.mean, posteriorLogSigma: q.mean, atBound: (p.atBound + q.atBound) / (p.count + q.count) };
}

/** A share of latent units at the bound above this is called saturation (warned once per run). */
export const SATURATION_SHARE = 0.25;

/**
 * Global L2 norm of the gradients; when `maxNorm` is given and exceeded, the gradients are
 * scaled in place to that norm (torch.nn.utils.clip_grad_norm_). Returns the norm before clipping.
 */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number | null): number {
  const grads = params.map((p) => p.grad).filter((g): g is Tensor => g !== null);
  let sumSq = 0;
  for (const g of grads) {
    const s = g.square().sum();
    sumSq += s.item();
    s.dispose();
  }
  const norm = Math.sqrt(sumSq);
  if (maxNorm !== null && Number.isFinite(norm) && norm > maxNorm) {
    const factor = maxNorm / (norm + 1e-6);
    for (const g of grads) {
      const scaled = g.mul(factor);
      g.copyFrom(scaled);
      scaled.dispose();
    }
  }
  for (const g of grads) g.dispose();
  return norm;
}
