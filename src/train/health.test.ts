import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conv2d, keep, rand, scope, tensor, type Tensor } from '../tensor/index.js';
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

test('clipGradNorm on conv gradients: the per-gradient sum of squares in double it replaced; params without a gradient skipped; clip scales every gradient alike', () => {
  const params = [rand([16, 8, 3, 3]), rand([16]), rand([4, 16, 3, 3]), rand([7])].map((p) => keep(p.setRequiresGrad()));
  try {
    scope(() => {
      const [w1, b1, w2] = params as [Tensor, Tensor, Tensor, Tensor];
      const h = conv2d(rand([2, 8, 12, 12]), w1, b1, { padding: 1 }).relu();
      conv2d(h, w2, null, { padding: 1 }).square().sum().backward(); // params[3] gets no gradient
      const grads = params.slice(0, 3).map((p) => p.grad?.toFloat64Array() ?? new Float64Array());
      assert.equal(params[3]?.grad, null);
      const want = Math.sqrt(grads.reduce((s, g) => s + g.reduce((t, v) => t + v * v, 0), 0));
      const norm = clipGradNorm(params, null);
      assert.ok(Math.abs(norm - want) / want < 1e-6, `${norm} vs ${want}`);
      assert.ok(Math.abs(clipGradNorm(params, want / 2) - want) / want < 1e-6, 'returns the norm before clipping');
      const factor = want / 2 / (norm + 1e-6);
      params.slice(0, 3).forEach((p, i) => {
        const after = p.grad?.toFloat64Array() ?? new Float64Array();
        for (const [j, v] of after.entries()) assert.ok(Math.abs(v - (grads[i]?.[j] ?? 0) * factor) <= 1e-6 * Math.abs(v) + 1e-7, `param ${i}[${j}]`);
      });
      assert.ok(Math.abs(clipGradNorm(params, null) - want / 2) / want < 1e-5, 'clipped to the limit');
    });
  } finally {
    for (const p of params) p.dispose();
  }
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
