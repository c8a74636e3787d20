import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scope, tensor } from '../tensor/index.js';
import { LOG_SIGMA_BOUND } from './constants.js';
import { boundLogSigma, fractionAtLogSigmaBound } from './logSigma.js';

const B = LOG_SIGMA_BOUND;

test('bounded log σ: B·tanh(raw/B) by hand, inside (−B, B) for any raw, ≈ raw near 0', () => {
  scope(() => {
    const raw = [-1e6, -30, -2, 0, 0.5, 25, 1e6];
    const y = Array.from(boundLogSigma(tensor(new Float64Array(raw))).toFloat64Array());
    raw.forEach((r, i) => {
      assert.ok(Math.abs((y[i] as number) - B * Math.tanh(r / B)) < 1e-12, `raw ${r}: ${y[i]}`);
      assert.ok(Math.abs(y[i] as number) <= B);
    });
    assert.ok(Math.abs((y[4] as number) - 0.5) < 0.5 ** 3 / (3 * B * B) + 1e-9, 'identity up to raw³/(3B²) near 0');
  });
});

test('bounded log σ: the gradient is alive everywhere and equals sech²(raw/B) (finite differences too)', () => {
  scope(() => {
    const raw = [-40, -26.5, -3, 0, 1.5, 26.5, 40];
    const x = tensor(new Float64Array(raw)).setRequiresGrad(true);
    boundLogSigma(x).sum().backward();
    const g = Array.from(x.grad?.toFloat64Array() ?? []);
    raw.forEach((r, i) => {
      const sech2 = 1 / Math.cosh(r / B) ** 2;
      const h = 1e-5;
      const fd = (B * Math.tanh((r + h) / B) - B * Math.tanh((r - h) / B)) / (2 * h);
      assert.ok(Math.abs((g[i] as number) - sech2) < 1e-12, `raw ${r}: grad ${g[i]} vs sech² ${sech2}`);
      assert.ok(Math.abs((g[i] as number) - fd) < 1e-8, `raw ${r}: grad ${g[i]} vs fd ${fd}`);
      assert.ok((g[i] as number) > 0, `raw ${r}: dead gradient`);
    });
  });
});

test('fractionAtLogSigmaBound counts |log σ| ≥ 0.99·B', () => {
  assert.equal(fractionAtLogSigmaBound([0, 9.9, -9.95, 9.89, -10]), 3 / 5);
  assert.equal(fractionAtLogSigmaBound(new Float32Array([1, -2])), 0);
  assert.equal(fractionAtLogSigmaBound([]), 0);
  assert.equal(fractionAtLogSigmaBound([4.6, -5], 0.9, 5), 2 / 2);
});
