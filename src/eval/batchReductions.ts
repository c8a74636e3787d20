import { tensor } from '../tensor/create.js';
import { scope } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { SampleReductions } from './imageMetrics.js';

/** ε inside NCC's logs, as metrics/ncc.ts's default (PHiSeg's `pixel_wise_xent`). */
const NCC_EPS = 1e-8;

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
  const most = Math.max(1, ...raters.map((rs) => rs.length));
  const packed = new Uint8Array(b * most * hw); // [B, R, HW], zero rows past an image's raters
  raters.forEach((rs, i) => {
    rs.forEach((y, r) => {
      if (y.length !== hw) throw new Error(`batchReductions: rater mask of ${y.length} pixels for ${h}×${w} samples`);
      packed.set(y, (i * most + r) * hw);
    });
  });
  const [ll, l0, l1, pBar] = scope(() => {
    const x = logits.reshape([b, n, hw]).to('float64'); // [B, n, HW]
    const perSample = x
      .logSigmoid()
      .sum([2])
      .sub(x.sum([2])); // Σ ln σ(x) − Σ x  [B, n]
    const masks = tensor(packed, [b, most, hw]).ne(0).to('float64'); // [B, R, HW]
    const likelihoods = masks.matmul(x.transpose(1, 2)).add(perSample.unsqueeze(1)); // [B, R, HW] × [B, HW, n] + [B, 1, n] → [B, R, n]
    const p = probs.reshape([b, n, hw]).to('float64'); // [B, n, HW]
    return [
      likelihoods.toFloat64Array(),
      p.neg().add(1).add(NCC_EPS).log().mean([1]).toFloat64Array(), // mean ln((1 − p) + ε), in that order (1 + ε first would round ε)  [B, HW]
      p.add(NCC_EPS).log().mean([1]).toFloat64Array(), // mean ln(p + ε)  [B, HW]
      p.mean([1]).toFloat64Array(), // [B, HW]
    ];
  });
  return raters.map((rs, i) => ({
    logLikelihoods: ll.slice(i * most * n, (i * most + rs.length) * n),
    logMeans: { l0: l0.slice(i * hw, (i + 1) * hw), l1: l1.slice(i * hw, (i + 1) * hw), pBar: pBar.slice(i * hw, (i + 1) * hw) },
  }));
}
