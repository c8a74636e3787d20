import type { Dataset } from '../data/types.js';
import type { SegmentationModel } from '../models/segmentationModel.js';
import { full } from '../tensor/create.js';

/**
 * `initOutputBias` (the cpu profile's choice): before the first step the output layer's bias is
 * set to logit(π), π = the training masks' foreground rate (Lin et al. 2017's "prior
 * probability" init). A fresh U-Net predicts p ≈ 0.5 on every pixel; with a pixel-summed CE
 * and lesions of ~1% of the image, its first gradients are 10–40× the later ones (LIDC: norm
 * ~40k over the first 50 steps, ~3k after), and Adam's second moment (β₂ = 0.999, a ~1000-step
 * memory) keeps them: the effective step size stays well below the nominal lr for most of a
 * short CPU run. Starting at π skips that phase.
 */

/** Up to this many training items are read to estimate π (evenly spread; all raters). */
export const FOREGROUND_SAMPLE_ITEMS = 2000;
/** π is clamped to [ε, 1 − ε] so the logit stays finite on all-empty or all-full masks. */
export const FOREGROUND_RATE_EPS = 1e-4;

/** Mean of the rater masks over the training items `indices` (every rater, every pixel). */
export function foregroundRate(dataset: Dataset, indices: readonly number[]): number {
  if (indices.length === 0) return 0.5;
  const stride = Math.max(1, Math.ceil(indices.length / FOREGROUND_SAMPLE_ITEMS));
  let on = 0;
  let total = 0;
  for (let k = 0; k < indices.length; k += stride) {
    const masks = dataset.get(indices[k] as number).masks; // [R, H, W] 0/1
    for (let i = 0; i < masks.length; i++) on += masks[i] as number;
    total += masks.length;
  }
  return on / total;
}

/** Sets the output bias to logit(π) (π clamped, see FOREGROUND_RATE_EPS); returns the logit. */
export function initOutputBias(model: SegmentationModel, rate: number): number {
  const p = Math.min(1 - FOREGROUND_RATE_EPS, Math.max(FOREGROUND_RATE_EPS, rate));
  const logit = Math.log(p / (1 - p));
  const bias = model.outputBias();
  const value = full(bias.shape as number[], logit, { dtype: bias.dtype });
  bias.copyFrom(value);
  value.dispose();
  return logit;
}
