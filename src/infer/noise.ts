import { Generator, randn } from '../tensor/create.js';
import { scope } from '../tensor/scope.js';

/**
 * The prior noise ε [n, L] for `seed`: drawn in one place so every engine (libtorch, ONNX,
 * the browser) turns the same seed into the same z.
 */
export function priorNoise(n: number, latent: number, seed: number): Float32Array {
  return scope(() => randn([n, latent], { generator: new Generator(seed) }).toFloat32Array());
}

