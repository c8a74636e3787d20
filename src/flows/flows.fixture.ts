// Shared helpers for the flow tests (float64 throughout): random parameters, a batched
// central-difference Jacobian, and closeness checks.
import assert from 'node:assert/strict';
import { noGrad, randn, scope, slogdet, tensor, type Tensor } from '../tensor/index.js';
import type { Module } from '../nn/module.js';
import { createFlow, type FlowKind } from './registry.js';
import type { FlowChain } from './flow.js';
import { randomOrthogonal } from './condGlow/invertible1x1.js';

/** Same spread as scripts/golden/elbo_golden.py: every term non-trivial, cglow's zero-init undone. */
const PARAM_STD: Record<FlowKind, number> = { planar: 0.5, radial: 0.5, cplanar: 0.5, cglow: 0.2 };

/** Redraws every parameter N(0, std²); cglow's `inv1x1.weight0` becomes random orthogonal + N(0, 0.1²). */
export function randomizeParams(module: Module, kind: FlowKind, scale = 1): void {
  scope(() =>
    noGrad(() => {
      for (const [name, p] of module.namedParameters()) {
        const noise = randn(p.shape, { dtype: 'float64' });
        if (name.endsWith('weight0')) p.copyFrom(randomOrthogonal(p.shape[0] as number, 'float64').add(noise.mul(0.1 * scale)));
        else p.copyFrom(noise.mul(PARAM_STD[kind] * scale));
      }
    }),
  );
}

/** A float64 flow of `steps` steps with randomized parameters. */
export function randomFlow(kind: FlowKind, steps: number, latent: number, contextSize: number): FlowChain {
  const flow = createFlow(kind, steps, latent, contextSize, { dtype: 'float64' });
  randomizeParams(flow, kind);
  return flow;
}

/**
 * Central-difference Jacobians J[b, i, j] = ∂z'ᵢ/∂zⱼ of a per-sample map on z [B, L]. Samples are
 * independent, so perturbing column j of every row at once yields column j of every Jacobian.
 */
export function numericJacobian(map: (z: Tensor) => Tensor, z: Float64Array, batch: number, latent: number, h = 1e-6): Float64Array {
  const jac = new Float64Array(batch * latent * latent);
  const evalAt = (zs: Float64Array): Float64Array => scope(() => noGrad(() => map(tensor(zs, [batch, latent])).toFloat64Array()));
  for (let j = 0; j < latent; j++) {
    const up = Float64Array.from(z);
    const down = Float64Array.from(z);
    for (let b = 0; b < batch; b++) {
      up[b * latent + j] = (z[b * latent + j] as number) + h;
      down[b * latent + j] = (z[b * latent + j] as number) - h;
    }
    const fu = evalAt(up);
    const fd = evalAt(down);
    for (let b = 0; b < batch; b++)
      for (let i = 0; i < latent; i++) jac[(b * latent + i) * latent + j] = ((fu[b * latent + i] as number) - (fd[b * latent + i] as number)) / (2 * h);
  }
  return jac;
}

/** log|det| of B stacked L×L matrices (row-major), via the engine's slogdet. */
export function logAbsDet(mats: Float64Array, batch: number, latent: number): Float64Array {
  return scope(() => slogdet(tensor(mats, [batch, latent, latent]))[1].toFloat64Array());
}

/** |a − e| ≤ tol·(1 + |e|) elementwise. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const e = expected[i] as number;
    const a = actual[i] as number;
    assert.ok(Math.abs(a - e) <= tol * (1 + Math.abs(e)), `${what}[${i}]: ${a} vs ${e} (|Δ| = ${Math.abs(a - e)})`);
  }
}
