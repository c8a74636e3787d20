import type { BatchSampler, BatchShape, SampleBatch } from '../infer/sampler.js';
import { sampleReductions, type SampleReductions } from './imageMetrics.js';

/** A sampler that computes a batch's −CLL/NCC pixel sums on its own engine (libtorch: batchReductions.ts, faster than the JS loops). */
export interface EngineReductions {
  reductions(batch: SampleBatch, shape: BatchShape, n: number, raters: readonly (readonly Uint8Array[])[]): SampleReductions[];
}

const hasEngineReductions = (s: BatchSampler): s is BatchSampler & EngineReductions => typeof (s as Partial<EngineReductions>).reductions === 'function';

/**
 * Each image's {@link SampleReductions} (ln p(rater | sample), the samples' log means): on the
 * sampler's engine when it offers that, else in JS (imageMetrics' sampleReductions). The two
 * agree to ~1e-12 (float64 sums in another order). raters[i] = image i's rater masks.
 */
export function reductionsOf(
  sampler: BatchSampler,
  batch: SampleBatch,
  shape: BatchShape,
  n: number,
  raters: readonly (readonly Uint8Array[])[],
): SampleReductions[] {
  if (hasEngineReductions(sampler)) return sampler.reductions(batch, shape, n, raters);
  const hw = shape[2] * shape[3];
  const maps = (a: Float32Array, i: number): Float32Array[] => Array.from({ length: n }, (_, k) => a.subarray((i * n + k) * hw, (i * n + k + 1) * hw)); // n × [H·W]
  return raters.map((rs, i) => sampleReductions(maps(batch.probs, i), maps(batch.logits, i), rs));
}
