import { assertSameLength, type ProbabilityMap } from './types.js';

/** Foreground probability of pixel k; a Uint8Array is a binary mask (nonzero = 1). */
export function probabilityAt(map: ProbabilityMap, k: number): number {
  return map instanceof Uint8Array ? (map[k] !== 0 ? 1 : 0) : map[k];
}

/** Per-pixel mean p̄ = (1/m) Σᵢ pᵢ over m sample probability maps (or binary masks). */
export function meanMap(samples: readonly ProbabilityMap[]): Float32Array {
  const size = assertSameLength('meanMap', samples);
  const sum = new Float64Array(size);
  for (const s of samples) for (let k = 0; k < size; k++) sum[k] += probabilityAt(s, k);
  const out = new Float32Array(size);
  for (let k = 0; k < size; k++) out[k] = sum[k] / samples.length;
  return out;
}

/** Per-pixel population standard deviation √((1/m) Σᵢ (pᵢ − p̄)²) (numpy `std`, ddof = 0). */
export function stdMap(samples: readonly ProbabilityMap[]): Float32Array {
  const size = assertSameLength('stdMap', samples);
  const m = samples.length;
  const mean = new Float64Array(size);
  for (const s of samples) for (let k = 0; k < size; k++) mean[k] += probabilityAt(s, k) / m;
  const sq = new Float64Array(size);
  for (const s of samples) {
    for (let k = 0; k < size; k++) {
      const d = probabilityAt(s, k) - mean[k];
      sq[k] += d * d;
    }
  }
  const out = new Float32Array(size);
  for (let k = 0; k < size; k++) out[k] = Math.sqrt(sq[k] / m);
  return out;
}

/**
 * Per-pixel predictive entropy of the sample mean, H(p̄) = −p̄ ln p̄ − (1 − p̄) ln(1 − p̄)
 * in nats (0 ln 0 = 0): the total uncertainty of the Monte-Carlo predictive distribution.
 */
export function entropyMap(samples: readonly ProbabilityMap[]): Float32Array {
  const mean = meanMap(samples);
  const out = new Float32Array(mean.length);
  for (let k = 0; k < mean.length; k++) {
    const p = mean[k];
    let h = 0;
    if (p > 0) h -= p * Math.log(p);
    if (p < 1) h -= (1 - p) * Math.log(1 - p);
    out[k] = h;
  }
  return out;
}
