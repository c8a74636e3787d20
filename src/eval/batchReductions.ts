import { tensor } from '../tensor/create.js';
import { scope } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { NCC_EPS } from '../metrics/index.js';
import type { SampleReductions } from './imageMetrics.js';

/**
 * {@link SampleReductions} of a whole batch on the engine: the same sums as
 * `sampleReductions` (imageMetrics.ts), in float64, vectorized and threaded instead of one JS
 * loop per pixel. In evaluate these loops took more time than the prior net (16 samples of a
 * 128² image: 2 × 16 × 16,384 logs for NCC, 16 × 16,384 log-sigmoids for −CLL).
 *
 * ln p(y | sample j) = Σₖ ln σ(xₖ) − Σₖ xₖ + Σ_{k: yₖ≠0} xₖ (ln σ(−x) = ln σ(x) − x), the last sum
 * for every (rater, sample) pair as one batched matmul of the rater masks with the logits.
 *
 * logits, probs [B, n, H, W]; raters[i] = image i's rater masks (H·W each, any count).
 */
export function batchReductions(logits: Tensor, probs: Tensor, raters: readonly (readonly Uint8Array[])[]): SampleReductions[] {
  const [b, n, h, w] = logits.shape as [number, number, number, number];
  const hw = h * w;
  if (raters.length !== b) throw new Error(`batchReductions: ${raters.length} rater lists for a batch of ${b}`);
  // One image at a time: its float64 copies (2 MB for 16 samples of 128²) stay below glibc's mmap
  // threshold and reuse heap pages; a whole batch's (33 MB each) were mapped and faulted in afresh.
  return raters.map((rs, i) =>
    scope(() => {
      const packed = new Uint8Array(rs.length * hw); // [R, HW]
      rs.forEach((y, r) => {
        if (y.length !== hw) throw new Error(`batchReductions: rater mask of ${y.length} pixels for ${h}×${w} samples`);
        packed.set(y, r * hw);
      });
      const x = logits
        .slice(0, i, i + 1)
        .reshape([n, hw])
        .to('float64'); // [n, HW]
      const perSample = x
        .logSigmoid()
        .sum([1])
        .sub(x.sum([1])); // Σ ln σ(x) − Σ x  [n]
      const masks = tensor(packed, [rs.length, hw]).ne(0).to('float64'); // [R, HW]
      const likelihoods = masks.matmul(x.transpose(0, 1)).add(perSample.unsqueeze(0)); // [R, HW] × [HW, n] + [1, n] → [R, n]
      const p = probs
        .slice(0, i, i + 1)
        .reshape([n, hw])
        .to('float64'); // [n, HW]
      return {
        logLikelihoods: likelihoods.toFloat64Array(),
        logMeans: {
          l0: p.neg().add(1).add(NCC_EPS).log().mean([0]).toFloat64Array(), // mean ln((1 − p) + ε), in that order (1 + ε first would round ε)  [HW]
          l1: p.add(NCC_EPS).log().mean([0]).toFloat64Array(), // mean ln(p + ε)  [HW]
          pBar: p.mean([0]).toFloat64Array(), // [HW]
        },
      };
    }),
  );
}
