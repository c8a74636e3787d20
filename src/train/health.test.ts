import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scope, tensor } from '../tensor/index.js';
import { LOG_SIGMA_BOUND } from '../models/constants.js';
import { clipGradNorm, latentHealth } from './health.js';

test('clipGradNorm: global L2 norm by hand (3-4-12 → 13), scaled to the limit keeping direction; no clip below it', () => {
  scope(() => {
    const a = tensor(new Float32Array([1, 1]), [2]).setRequiresGrad();
    const b = tensor(new Float32Array([1]), [1]).setRequiresGrad();
    a.mul(tensor(new Float32Array([3, 4]), [2]))
      .sum()
      .add(b.mul(12).sum())
      .backward(); // grads [3, 4], [12]
    assert.ok(Math.abs(clipGradNorm([a, b], null) - 13) < 1e-6);
    assert.ok(Math.abs(clipGradNorm([a, b], 26) - 13) < 1e-6);
    assert.deepEqual(Array.from(a.grad?.toFloat32Array() ?? []), [3, 4]);
    clipGradNorm([a, b], 6.5);
    const ga = Array.from(a.grad?.toFloat32Array() ?? []);
    const gb = Array.from(b.grad?.toFloat32Array() ?? []);
    for (const [i, want] of [1.5, 2, 6].entries()) assert.ok(Math.abs(([...ga, ...gb][i] as number) - want) < 1e-5, `${i}: ${[...ga, ...gb]}`);
  });
});

test('latentHealth: means and the share at the bound, by hand', () => {
  scope(() => {
    const B = LOG_SIGMA_BOUND;
    const prior = tensor(new Float32Array([-B, 0, 1, 3]), [2, 2]);
    const posterior = tensor(new Float32Array([B, -1, 0, 0]), [2, 2]);
    const h = latentHealth(prior, posterior);
    assert.ok(h);
    assert.ok(Math.abs(h.priorLogSigma - (1 + 3 - B) / 4) < 1e-6);
    assert.ok(Math.abs(h.posteriorLogSigma - (B - 1) / 4) < 1e-6);
    assert.equal(h.atBound, 2 / 8);
    assert.equal(latentHealth(undefined, posterior), null);
  });
});
