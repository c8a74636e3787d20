import { munkres } from 'munkres';
import { pairwiseIou, type PairwiseIou } from './pairwise.js';
import type { Mask } from './types.js';

/**
 * Hungarian-matched IoU (MODEL.md, seed 000): the n rater masks are tiled to the m samples
 * (column c ↦ rater c mod n; 4 raters × 4 = 16 for m = 16), samples are matched one-to-one to
 * the tiled raters by an optimal assignment on cost 1 − IoU (scipy `linear_sum_assignment`
 * equivalent), and the matched IoUs are averaged. Two empty masks score IoU = 1.
 * When n does not divide m, the first m mod n raters appear once more than the others.
 */
export function hungarianIouFromPairwise(p: PairwiseIou): number {
  const m = p.samples;
  const n = p.raters;
  const iouAt = (i: number, c: number): number => {
    const v = p.sy[i * n + (c % n)];
    return Number.isNaN(v) ? 1 : v;
  };
  const cost: Float64Array[] = [];
  for (let i = 0; i < m; i++) {
    const row = new Float64Array(m);
    for (let c = 0; c < m; c++) row[c] = 1 - iouAt(i, c);
    cost.push(row);
  }
  let total = 0;
  for (const [i, c] of munkres(cost)) total += iouAt(i, c);
  return total / m;
}

/** Hungarian-matched IoU of one image's samples against its raters; see {@link hungarianIouFromPairwise}. */
export function hungarianIou(samples: readonly Mask[], raters: readonly Mask[]): number {
  return hungarianIouFromPairwise(pairwiseIou(samples, raters));
}
