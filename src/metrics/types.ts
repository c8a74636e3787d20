import { FlowsegInputError } from '../util/errors.js';

/** A binary segmentation mask, flattened row-major; any nonzero byte counts as foreground. */
export type Mask = Uint8Array;

/**
 * A per-pixel foreground probability map (sigmoid output), flattened like {@link Mask}.
 * A binary mask is accepted too and read as probabilities 0/1.
 */
export type ProbabilityMap = Float32Array | Float64Array | Uint8Array;

/**
 * How to score two empty masks, whose IoU is 0/0:
 * - `'exclude'`: undefined (NaN); the pair is dropped from any mean (Kohl et al. 2018 evaluation code);
 * - `'include'`: IoU = 1, i.e. distance 0 (PHiSeg, Baumgartner et al. 2019, `utils.py`).
 */
export type EmptyPairs = 'exclude' | 'include';

export interface EmptyPairsOptions {
  /** Default: `'include'` for iou/dice and mean overlaps, `'exclude'` for GED (Kohl's D²_GED); see docs/metrics.md. */
  emptyPairs?: EmptyPairs;
}

/** Throws unless every array has the same length as the first; `what` names them in the message. */
export function assertSameLength(what: string, arrays: ReadonlyArray<ArrayLike<unknown>>): number {
  if (arrays.length === 0) throw new FlowsegInputError(`${what}: expected at least one mask, got none`);
  const n = arrays[0].length;
  for (let k = 1; k < arrays.length; k++) {
    if (arrays[k].length !== n) {
      throw new FlowsegInputError(`${what}: masks must have equal length (pixel count), but #0 has ${n} and #${k} has ${arrays[k].length}`);
    }
  }
  return n;
}
