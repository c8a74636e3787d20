import { pairwiseIou, type PairwiseIou } from './pairwise.js';
import type { EmptyPairs, EmptyPairsOptions, Mask } from './types.js';

export interface GedOptions extends EmptyPairsOptions {
  /** Use only the first k samples (GED-vs-number-of-samples curve); default: all. */
  sampleCount?: number;
}

/**
 * Mean of d = 1 − IoU over the leading [rows, cols] block of a row-major [·, stride] IoU matrix.
 * NaN entries are empty–empty pairs: dropped ('exclude', Kohl's nanmean; NaN if all are dropped)
 * or scored IoU = 1, d = 0 ('include', PHiSeg).
 */
function meanDistance(iouMatrix: Float64Array, rows: number, cols: number, stride: number, emptyPairs: EmptyPairs): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < rows; i++) {
    const row = i * stride;
    for (let j = 0; j < cols; j++) {
      const v = iouMatrix[row + j];
      if (!Number.isNaN(v)) {
        sum += 1 - v;
        count++;
      } else if (emptyPairs === 'include') {
        count++;
      }
    }
  }
  return count === 0 ? Number.NaN : sum / count;
}

/**
 * Squared generalised energy distance (Kohl et al. 2018, eq. 4; the tables' D²_GED, not rooted):
 * D²_GED = 2·E[d(S,Y)] − E[d(S,S')] − E[d(Y,Y')], d = 1 − IoU, every mean over all ordered
 * pairs including i = i' (PHiSeg `generalised_energy_distance`, Kohl `calc_energy_distances`).
 */
export function gedFromPairwise(p: PairwiseIou, { emptyPairs = 'exclude', sampleCount }: GedOptions = {}): number {
  const m = sampleCount === undefined ? p.samples : Math.min(Math.max(1, Math.floor(sampleCount)), p.samples);
  const n = p.raters;
  const dSY = meanDistance(p.sy, m, n, n, emptyPairs);
  const dSS = meanDistance(p.ss, m, m, p.samples, emptyPairs);
  const dYY = meanDistance(p.yy, n, n, n, emptyPairs);
  return 2 * dSY - dSS - dYY;
}

/** D²_GED of one image's samples against its rater masks (default `emptyPairs: 'exclude'`); see {@link gedFromPairwise}. */
export function ged(samples: readonly Mask[], raters: readonly Mask[], options: GedOptions = {}): number {
  return gedFromPairwise(pairwiseIou(samples, raters), options);
}
