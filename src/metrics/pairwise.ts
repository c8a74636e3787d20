import { FlowsegInputError } from '../util/errors.js';
import { intersectionCount, packMask, type PackedMask } from './packed.js';
import { assertSameLength, type Mask } from './types.js';

/**
 * IoU of every ordered pair within and across one image's sample set S (m masks) and
 * rater set Y (n masks), row-major. Two empty masks give NaN (IoU = 0/0), so that
 * either empty-pair convention can be applied afterwards without recomputing.
 */
export interface PairwiseIou {
  readonly samples: number;
  readonly raters: number;
  /** [m, m] IoU(Sᵢ, Sᵢ'), diagonal included. */
  readonly ss: Float64Array;
  /** [m, n] IoU(Sᵢ, Yⱼ). */
  readonly sy: Float64Array;
  /** [n, n] IoU(Yⱼ, Yⱼ'), diagonal included. */
  readonly yy: Float64Array;
}

function packedIou(a: PackedMask, b: PackedMask): number {
  const inter = a === b ? a.count : intersectionCount(a, b);
  const union = a.count + b.count - inter;
  return union === 0 ? Number.NaN : inter / union;
}

/** Symmetric [k, k] IoU matrix of one set; each unordered pair is intersected once. */
function withinSet(set: readonly PackedMask[]): Float64Array {
  const k = set.length;
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      const v = packedIou(set[i], set[j]);
      out[i * k + j] = v;
      out[j * k + i] = v;
    }
  }
  return out;
}

/** Pairwise IoU matrices from already packed masks (see {@link packMask}). */
export function pairwiseIouPacked(samples: readonly PackedMask[], raters: readonly PackedMask[]): PairwiseIou {
  const m = samples.length;
  const n = raters.length;
  const sy = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) sy[i * n + j] = packedIou(samples[i], raters[j]);
  }
  return { samples: m, raters: n, ss: withinSet(samples), sy, yy: withinSet(raters) };
}

/** Pairwise IoU matrices of one image's samples and raters (all masks of equal length). */
export function pairwiseIou(samples: readonly Mask[], raters: readonly Mask[]): PairwiseIou {
  if (samples.length === 0 || raters.length === 0) {
    throw new FlowsegInputError(`pairwiseIou: need at least one sample and one rater mask, got ${samples.length} samples and ${raters.length} raters`);
  }
  assertSameLength('pairwiseIou (samples then raters)', [...samples, ...raters]);
  return pairwiseIouPacked(samples.map(packMask), raters.map(packMask));
}
