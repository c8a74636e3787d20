// Invertibility constraints of MODEL.md hold for random raw parameters, including extreme ones,
// and log|det J| stays finite there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, randn, scope, type Tensor } from '../tensor/index.js';
import { constrainU, planarTransform } from './planar.js';
import { radialCoefficients, radialTransform } from './radial.js';
import { couplingLogScale } from './condGlow/affineCoupling.js';
import { randomFlow, randomizeParams } from './flows.fixture.js';

const B = 256;
const L = 6;
const SCALES = [0.01, 1, 10, 1e3]; // raw-parameter magnitudes, up to "extreme"
const draw = (shape: number[], scale: number): Tensor => randn(shape, { dtype: 'float64' }).mul(scale);
const allFinite = (t: Tensor): boolean => t.toFloat64Array().every(Number.isFinite);

test('planar: wᵀû ≥ −1 for random raw u, w, so 1 + ψᵀû ≥ tanh² ≥ 0 and logDet is finite', () => {
  manualSeed(11);
  for (const scale of SCALES) {
    scope(() => {
      const u = draw([B, L], scale);
      // half the rows have w ≈ −u (wᵀu ≪ −1: the constraint must bite)
      const w = draw([B, L], scale)
        .mul(0.5)
        .sub(u.mul(draw([B, 1], 1).gt(0).to('float64')));
      const wu = w.mul(constrainU(u, w)).sum([-1]).toFloat64Array(); // [B]
      const tol = 1e-12 * Math.max(1, scale * scale);
      wu.forEach((v, i) => {
        assert.ok(v >= -1 - tol, `scale ${scale} row ${i}: wᵀû = ${v}`);
      });
      const out = planarTransform(draw([B, L], 1), u, w, draw([B, 1], scale));
      assert.ok(allFinite(out.logDet), `scale ${scale}: planar logDet not finite`);
      assert.ok(allFinite(out.z), `scale ${scale}: planar z not finite`);
    });
  }
});

test('radial: α > 0 and β̂ ≥ −α for random raw α̃, β̃, so both log terms are finite', () => {
  manualSeed(12);
  for (const scale of SCALES) {
    scope(() => {
      const { alpha, beta } = radialCoefficients(draw([B, 1], scale), draw([B, 1], scale));
      const a = alpha.toFloat64Array();
      const b = beta.toFloat64Array();
      a.forEach((v, i) => {
        assert.ok(v >= 0, `scale ${scale} row ${i}: α = ${v}`);
        assert.ok((b[i] as number) >= -v - 1e-12 * Math.max(1, v), `scale ${scale} row ${i}: β̂ = ${b[i]} < −α = ${-v}`);
      });
      const out = radialTransform(draw([B, L], 1), draw([B, L], Math.min(scale, 10)), draw([B, 1], scale), draw([B, 1], scale));
      assert.ok(allFinite(out.logDet), `scale ${scale}: radial logDet not finite`);
      assert.ok(allFinite(out.z), `scale ${scale}: radial z not finite`);
    });
  }
});

test('cglow coupling: scale s = sigmoid(s̃ + 2) lies in (0, 1) and log s is finite for any s̃', () => {
  manualSeed(13);
  for (const scale of SCALES) {
    scope(() => {
      const logS = couplingLogScale(draw([B, L], scale));
      assert.ok(allFinite(logS), `scale ${scale}: log s not finite`);
      logS.toFloat64Array().forEach((v) => {
        assert.ok(v <= 0);
      });
      if (scale <= 10)
        logS
          .exp()
          .toFloat64Array()
          .forEach((s) => {
            assert.ok(s > 0 && s < 1, `s = ${s}`);
          });
    });
  }
});

// cglow is left out on purpose: its ActNorm scale exp(log s) is unbounded in the reference too,
// so huge conditioning outputs overflow z (its coupling scale is checked above).
test('planar, radial and cplanar keep a finite logDet with large-magnitude parameters and contexts', () => {
  for (const kind of ['planar', 'radial', 'cplanar'] as const) {
    manualSeed(14);
    const flow = randomFlow(kind, 2, L, 5);
    try {
      for (const scale of [1, 10, 100]) {
        randomizeParams(flow, kind, scale);
        scope(() => {
          const out = flow.forward(draw([B, L], 1), draw([B, 5], scale));
          const ld = out.logDet.toFloat64Array();
          ld.forEach((v, i) => {
            assert.ok(Number.isFinite(v), `${kind} scale ${scale} row ${i}: logDet ${v}`);
          });
        });
      }
    } finally {
      flow.dispose();
    }
  }
});
