import { meanMap, stdMap } from '../metrics/maps.js';
import { toMask } from './threshold.js';
import type { ImageSamples } from './types.js';

/** One image's n sample probabilities `[n, H, W]` (flat) and prior → ImageSamples, the same for every engine. */
export function imageSamples(
  image: Float32Array,
  h: number,
  w: number,
  flatProbs: Float32Array,
  n: number,
  priorMu: ArrayLike<number>,
  priorSigma: ArrayLike<number>,
): ImageSamples {
  const probs = Array.from({ length: n }, (_, k) => flatProbs.slice(k * h * w, (k + 1) * h * w));
  return {
    height: h,
    width: w,
    image,
    probs,
    masks: probs.map(toMask),
    mean: meanMap(probs),
    std: stdMap(probs),
    priorMu: Array.from(priorMu),
    priorSigma: Array.from(priorSigma),
  };
}
