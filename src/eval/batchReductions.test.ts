import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, liveTensors } from '../tensor/index.js';
import { Rng } from '../util/rng.js';
import { batchReductions } from './batchReductions.js';
import { sampleReductions } from './imageMetrics.js';

function closeArrays(got: Float64Array, want: Float64Array, tol: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let k = 0; k < want.length; k++) {
    const scale = Math.max(1, Math.abs(want[k] as number));
    assert.ok(Math.abs((got[k] as number) - (want[k] as number)) <= tol * scale, `${what}[${k}]: ${got[k]} vs ${want[k]}`);
  }
}

test('batchReductions equals the per-image JS sums (log-likelihood table, NCC log means), rater counts differing per image', () => {
  const rng = new Rng(7);
  const rand = (): number => rng.next();
  const [b, n, h, w] = [3, 5, 6, 7];
  const hw = h * w;
  // logits up to ±30 so some probabilities are ≈ 0 or 1 (where ε in NCC's logs matters)
  const logits = Float32Array.from({ length: b * n * hw }, () => (rand() - 0.5) * 60);
  const probs = logits.map((x) => 1 / (1 + Math.exp(-x)));
  const raterCounts = [4, 1, 2];
  const raters = raterCounts.map((count) => Array.from({ length: count }, () => Uint8Array.from({ length: hw }, () => (rand() < 0.3 ? 1 : 0))));
  raters[1]?.[0]?.fill(0); // an empty rater mask
  const before = liveTensors();
  const lt = tensor(logits, [b, n, h, w]);
  const pt = tensor(probs, [b, n, h, w]);
  const got = batchReductions(lt, pt, raters);
  lt.dispose();
  pt.dispose();
  assert.equal(liveTensors(), before);
  assert.equal(got.length, b);
  for (let i = 0; i < b; i++) {
    const at = (arr: Float32Array, j: number): Float32Array => arr.subarray((i * n + j) * hw, (i * n + j + 1) * hw);
    const want = sampleReductions(
      Array.from({ length: n }, (_, j) => at(probs, j)),
      Array.from({ length: n }, (_, j) => at(logits, j)),
      raters[i] as Uint8Array[],
    );
    const g = got[i];
    assert.ok(g);
    assert.equal(g.logLikelihoods.length, (raterCounts[i] as number) * n);
    closeArrays(g.logLikelihoods, want.logLikelihoods, 1e-12, `image ${i} log-likelihoods`);
    closeArrays(g.logMeans.l0, want.logMeans.l0, 1e-12, `image ${i} l0`);
    closeArrays(g.logMeans.l1, want.logMeans.l1, 1e-12, `image ${i} l1`);
    closeArrays(g.logMeans.pBar, want.logMeans.pBar, 1e-12, `image ${i} pBar`);
  }
});

test('batchReductions: a hand-computed log-likelihood (one pixel, one sample)', () => {
  // x = 2, y = 1: ln σ(2); y = 0: ln σ(−2)
  const lt = tensor(Float32Array.from([2]), [1, 1, 1, 1]);
  const pt = lt.sigmoid();
  const [r] = batchReductions(lt, pt, [[Uint8Array.from([1]), Uint8Array.from([0])]]);
  lt.dispose();
  pt.dispose();
  assert.ok(r);
  assert.ok(Math.abs((r.logLikelihoods[0] as number) - -Math.log1p(Math.exp(-2))) < 1e-12);
  assert.ok(Math.abs((r.logLikelihoods[1] as number) - -Math.log1p(Math.exp(2))) < 1e-12);
  const p = 1 / (1 + Math.exp(-2));
  assert.ok(Math.abs((r.logMeans.l1[0] as number) - Math.log(p + 1e-8)) < 1e-7);
});
