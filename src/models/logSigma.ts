import type { Tensor } from '../tensor/tensor.js';
import type { OnnxEmitter } from '../nn/onnx.js';
import { LOG_SIGMA_BOUND } from './constants.js';

/**
 * log σ = B·tanh(raw / B), B = LOG_SIGMA_BOUND: the encoders' raw head output mapped smoothly
 * into (−B, B). Why tanh rather than a clamp or a softplus σ:
 *  - bounded on both sides, so σ can neither collapse (KL's −log σ_q, 1/σ_p) nor explode;
 *  - the gradient is alive everywhere (B·tanh′ = sech² > 0), unlike a hard clamp;
 *  - no drift: the straight-through clamp passed a full gradient while the value stayed put,
 *    so the raw output could run off far past the limit and never return (a prior σ pinned
 *    at e^10 on LIDC); here the push on raw fades as log σ nears the bound, and any pull back
 *    acts at once;
 *  - ≈ identity near 0 (slope 1, log σ = raw − raw³/(3B²) + …), so freshly initialised
 *    models (raw ≈ 0) behave as before; a softplus σ with a floor would bound only one side
 *    and change the parameterization everywhere.
 * raw [B, L] → log σ [B, L]
 */
export function boundLogSigma(raw: Tensor): Tensor {
  return raw.div(LOG_SIGMA_BOUND).tanh().mul(LOG_SIGMA_BOUND);
}

/** ONNX twin of boundLogSigma. */
export function boundLogSigmaOnnx(g: OnnxEmitter, raw: string): string {
  return g.op('Mul', [g.op('Tanh', [g.op('Div', [raw, g.scalar(LOG_SIGMA_BOUND)])]), g.scalar(LOG_SIGMA_BOUND)]);
}

/**
 * Share of log σ entries at the bound, |log σ| ≥ margin·B (training health: a large share
 * means the encoder is saturating). Pure: pass `logSigma.toFloat32Array()`.
 */
export function fractionAtLogSigmaBound(logSigma: ArrayLike<number>, margin = 0.99, bound = LOG_SIGMA_BOUND): number {
  if (logSigma.length === 0) return 0;
  let n = 0;
  for (let i = 0; i < logSigma.length; i++) if (Math.abs(logSigma[i] as number) >= margin * bound) n++;
  return n / logSigma.length;
}
