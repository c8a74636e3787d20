import { bceWithLogits } from '../tensor/functional.js';
import type { Tensor } from '../tensor/tensor.js';

/** Kohl's reconstruction term: BCE with logits summed over pixels, averaged over the batch. logits, target [B, 1, H, W] → [] */
export function pixelSumBce(logits: Tensor, target: Tensor): Tensor {
  return bceWithLogits(logits, target, 'sum').div(logits.shape[0] as number);
}
