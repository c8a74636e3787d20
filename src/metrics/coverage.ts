import type { PairwiseIou } from './pairwise.js';
import type { EmptyPairsOptions } from './types.js';

/**
 * Per-rater coverage: is each rater's mask reproduced by at least one of the n samples? For
 * rater j, the best IoU any sample reaches against Yⱼ, max over i of IoU(Sᵢ, Yⱼ).
 *
 * Empty masks follow the pair conventions of GED (types.ts `EmptyPairs`):
 * - `'include'` (default, PHiSeg): IoU(∅, ∅) = 1, so an empty rater mask is covered (1) when some
 *   sample is empty too, and scores 0 when every sample draws foreground;
 * - `'exclude'` (Kohl): ∅∅ pairs are dropped from the max, so an empty rater scores 0 when some
 *   sample draws foreground, and NaN (left out of every mean) when every sample is empty.
 */
export function bestIouPerRater(p: PairwiseIou, { emptyPairs = 'include' }: EmptyPairsOptions = {}): Float64Array {
  const n = p.raters;
  const out = new Float64Array(n).fill(Number.NaN);
  for (let j = 0; j < n; j++) {
    let best = Number.NaN;
    for (let i = 0; i < p.samples; i++) {
      let v = p.sy[i * n + j] as number;
      if (Number.isNaN(v)) {
        if (emptyPairs === 'exclude') continue;
        v = 1;
      }
      if (!(v <= best)) best = v; // NaN-safe max
    }
    out[j] = best;
  }
  return out;
}

/** The default IoU at which a sample counts as matching a rater. */
export const COVERAGE_IOU = 0.5;

export interface RaterCoverage {
  /** Raters with a defined best IoU. */
  raters: number;
  /** Mean over those raters of the best IoU. */
  meanBestIou: number;
  /** Share of those raters that some sample matches at IoU ≥ `threshold`. */
  matchedShare: number;
}

/** Summary of best IoUs (one per rater, of one or many images); NaN entries are left out; NaN means when none is left. */
export function raterCoverage(bestIou: ArrayLike<number>, threshold: number = COVERAGE_IOU): RaterCoverage {
  let raters = 0;
  let sum = 0;
  let matched = 0;
  for (let j = 0; j < bestIou.length; j++) {
    const v = bestIou[j] as number;
    if (!Number.isFinite(v)) continue;
    raters++;
    sum += v;
    if (v >= threshold) matched++;
  }
  return { raters, meanBestIou: raters ? sum / raters : Number.NaN, matchedShare: raters ? matched / raters : Number.NaN };
}
