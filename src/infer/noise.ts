import { Rng } from '../util/rng.js';

/**
 * The prior noise ε [n, L] for `seed`, row k = sample k. Pure TypeScript (xoshiro128** +
 * Box–Muller from util/rng.ts, no engine, no Node API), so the libtorch and ONNX engines in
 * Node and the browser viewer all turn one seed into the same z = μ + σ·ε — and the same masks.
 * Rows are drawn in order, so the first k samples for a seed do not depend on n.
 * Math.log/sin/cos are V8's fdlibm ports in Node and Chromium; other browsers may differ in the
 * last bit of a double, which the float32 rounding almost always absorbs.
 */
export function priorNoise(n: number, latent: number, seed: number): Float32Array {
  return new PriorNoiseStream(seed).next(n, latent);
}

/**
 * ε for image after image from one seed (`flowseg evaluate`): each `next(n, L)` continues the
 * stream, so image k's rows follow image k−1's — the first image gets `priorNoise(n, L, seed)`,
 * and image k's noise depends on the images before it, never on how they are batched or on
 * the engine.
 */
export class PriorNoiseStream {
  private readonly rng: Rng;

  constructor(seed: number) {
    this.rng = new Rng(seed);
  }

  /** The next ε [n, L]. */
  next(n: number, latent: number): Float32Array {
    if (!Number.isInteger(n) || n < 0 || !Number.isInteger(latent) || latent < 0)
      throw new RangeError(`priorNoise: n (${n}) and latent (${latent}) must be non-negative integers`);
    const eps = new Float32Array(n * latent); // [n, L]
    for (let i = 0; i < eps.length; i++) eps[i] = this.rng.normal();
    return eps;
  }
}
