import { assertSameLength, type EmptyPairsOptions, type Mask } from './types.js';

/** Foreground counts of two masks: |a|, |b| and |a ∩ b|. */
function counts(what: string, a: Mask, b: Mask): { na: number; nb: number; inter: number } {
  assertSameLength(what, [a, b]);
  let na = 0;
  let nb = 0;
  let inter = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] !== 0 ? 1 : 0;
    const y = b[i] !== 0 ? 1 : 0;
    na += x;
    nb += y;
    inter += x & y;
  }
  return { na, nb, inter };
}

/**
 * Intersection over union |a ∩ b| / |a ∪ b| (Jaccard). Two empty masks give 1 with
 * `emptyPairs: 'include'` (the default) and NaN with `'exclude'` (see {@link EmptyPairs}).
 */
export function iou(a: Mask, b: Mask, { emptyPairs = 'include' }: EmptyPairsOptions = {}): number {
  const { na, nb, inter } = counts('iou', a, b);
  const union = na + nb - inter;
  if (union === 0) return emptyPairs === 'include' ? 1 : Number.NaN;
  return inter / union;
}

/** Dice coefficient 2|a ∩ b| / (|a| + |b|); empty pairs scored as in {@link iou}. */
export function dice(a: Mask, b: Mask, { emptyPairs = 'include' }: EmptyPairsOptions = {}): number {
  const { na, nb, inter } = counts('dice', a, b);
  if (na + nb === 0) return emptyPairs === 'include' ? 1 : Number.NaN;
  return (2 * inter) / (na + nb);
}
