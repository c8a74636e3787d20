import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlowsegInputError } from '../util/errors.js';
import { maskLogLikelihood, maskLogLikelihoodFromLogits, maskLogLikelihoodTable, negCll } from './cll.js';

const close = (a: number, b: number, tol = 1e-12): void => assert.ok(Math.abs(a - b) < tol, `${a} ≉ ${b}`);

test('negCll by hand: one sample → −ℓ; two samples → −ln((e^ℓ₁ + e^ℓ₂)/2)', () => {
  close(negCll([-3.5]), 3.5);
  close(negCll([Math.log(0.2), Math.log(0.6)]), -Math.log(0.4));
});

test('negCll is stable for very negative log-likelihoods (no underflow to −∞)', () => {
  close(negCll([-10000, -10000]), 10000);
  close(negCll([-10000, -10000 + Math.log(3)]), 10000 - Math.log(2), 1e-9);
  assert.equal(negCll([Number.NEGATIVE_INFINITY]), Number.POSITIVE_INFINITY);
  assert.throws(() => negCll([]), FlowsegInputError);
});

test('maskLogLikelihood by hand and with clamping', () => {
  close(maskLogLikelihood(Float32Array.from([0.75, 0.25]), Uint8Array.from([1, 0])), 2 * Math.log(0.75));
  close(maskLogLikelihood(Float64Array.from([1, 0]), Uint8Array.from([0, 1]), { eps: 1e-7 }), 2 * Math.log(1e-7), 1e-9);
  assert.ok(Number.isFinite(maskLogLikelihood(Uint8Array.from([0]), Uint8Array.from([1]))));
});

test('maskLogLikelihoodFromLogits matches the probability form and is exact for large logits', () => {
  const logits = Float64Array.from([0, 2, -1.5]);
  const mask = Uint8Array.from([1, 0, 0]);
  const probs = logits.map((x) => 1 / (1 + Math.exp(-x)));
  close(maskLogLikelihoodFromLogits(logits, mask), maskLogLikelihood(probs, mask, { eps: 1e-15 }));
  close(maskLogLikelihoodFromLogits(Float32Array.from([100, -100]), Uint8Array.from([0, 1])), -200, 1e-9);
});

test('maskLogLikelihoodTable equals maskLogLikelihoodFromLogits for every (mask, sample) pair', () => {
  let seed = 7;
  const rnd = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const size = 300;
  const logits = Array.from({ length: 5 }, (_, j) => Float32Array.from({ length: size }, () => (rnd() - 0.5) * (j === 4 ? 200 : 8)));
  const masks = [new Uint8Array(size), new Uint8Array(size).fill(1), Uint8Array.from({ length: size }, () => (rnd() > 0.7 ? 1 : 0))];
  const table = maskLogLikelihoodTable(logits, masks);
  assert.equal(table.length, 15);
  masks.forEach((y, r) => {
    logits.forEach((x, j) => {
      const direct = maskLogLikelihoodFromLogits(x, y);
      close(table[r * 5 + j] as number, direct, 1e-9 * (1 + Math.abs(direct)));
    });
  });
  assert.throws(() => maskLogLikelihoodTable([new Float32Array(3)], [new Uint8Array(4)]), FlowsegInputError);
});
