import { gedFromPairwise } from './ged.js';
import { hungarianIouFromPairwise } from './hungarian.js';
import { pairwiseIou, type PairwiseIou } from './pairwise.js';
import type { EmptyPairsOptions, Mask } from './types.js';

/** The per-image overlap metrics of one sample set, all derived from one {@link PairwiseIou}. */
export interface SampleSetMetrics {
  /** D²_GED, empty–empty pairs dropped (Kohl). */
  gedExcl: number;
  /** D²_GED, empty–empty pairs scored IoU = 1 (PHiSeg). */
  gedIncl: number;
  /** Hungarian-matched IoU (empty–empty = 1). */
  hmIou: number;
  /** Mean IoU over all sample–rater pairs (empty–empty = 1). */
  iou: number;
  /** Mean Dice over all sample–rater pairs (empty–empty = 1). */
  dice: number;
  pairwise: PairwiseIou;
}

/**
 * Mean over all sample–rater pairs of IoU or of Dice = 2·IoU / (1 + IoU) (the identity
 * D = 2J/(1+J) for the same pair); empty–empty pairs dropped or scored 1 as asked.
 */
export function meanSampleRaterOverlap(p: PairwiseIou, measure: 'iou' | 'dice', { emptyPairs = 'include' }: EmptyPairsOptions = {}): number {
  let sum = 0;
  let count = 0;
  for (const v of p.sy) {
    if (!Number.isNaN(v)) {
      sum += measure === 'iou' ? v : (2 * v) / (1 + v);
      count++;
    } else if (emptyPairs === 'include') {
      sum += 1;
      count++;
    }
  }
  return count === 0 ? Number.NaN : sum / count;
}

/** Everything evaluation needs per image from the masks, with one pass of pairwise intersections. */
export function sampleSetMetrics(samples: readonly Mask[], raters: readonly Mask[]): SampleSetMetrics {
  const pairwise = pairwiseIou(samples, raters);
  const include = { emptyPairs: 'include' } as const;
  return {
    gedExcl: gedFromPairwise(pairwise, { emptyPairs: 'exclude' }),
    gedIncl: gedFromPairwise(pairwise, include),
    hmIou: hungarianIouFromPairwise(pairwise),
    iou: meanSampleRaterOverlap(pairwise, 'iou', include),
    dice: meanSampleRaterOverlap(pairwise, 'dice', include),
    pairwise,
  };
}
