// Every flow against the PyTorch reference (bench/pytorch/models.py) step by step, float64:
// golden files from scripts/golden/elbo_golden.py (keys: src/losses/golden/README.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { packageRoot } from '../util/paths.js';
import { loadSafetensors, scope, type Tensor } from '../tensor/index.js';
import { assertClose } from './flows.fixture.js';
import { createFlow, FLOW_KINDS, type FlowKind } from './registry.js';
import { PlanarStep, constrainU, planarTransform, splitPlanar } from './planar.js';
import { RadialStep } from './radial.js';
import { CondPlanarStep } from './condPlanar.js';
import { CondGlowStep } from './condGlow/step.js';

const TOL = 1e-10;
const PREFIX = 'flow.'; // the reference names are those inside the ProbUNet: flow.steps.{k}.…

function loadGolden(kind: FlowKind): { meta: Record<string, string>; get: (key: string) => Tensor; stateDict: Map<string, Tensor> } {
  const { metadata, tensors } = loadSafetensors(join(packageRoot(), 'src', 'flows', 'golden', `${kind}.safetensors`));
  const get = (key: string): Tensor => {
    const t = tensors.get(key);
    if (!t) throw new Error(`${kind}.safetensors: key ${key} missing`);
    return t;
  };
  const stateDict = new Map([...tensors].filter(([k]) => k.startsWith(PREFIX)).map(([k, v]) => [k.slice(PREFIX.length), v]));
  return { meta: metadata, get, stateDict };
}

const close = (actual: Tensor, expected: Tensor, what: string): void => {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  assertClose(actual.toFloat64Array(), expected.toFloat64Array(), TOL, what);
};

for (const kind of FLOW_KINDS) {
  test(`${kind}: K = 2 steps match the PyTorch reference step by step (1e-10, float64)`, () => {
    scope(() => {
      const g = loadGolden(kind);
      assert.equal(g.meta.flow, kind);
      const K = Number(g.meta.steps);
      const flow = createFlow(kind, K, Number(g.meta.latent), Number(g.meta.ctx_dim), { dtype: 'float64' });
      try {
        assert.deepEqual([...flow.namedParameters().keys()].sort(), [...g.stateDict.keys()].sort(), 'parameter names');
        flow.loadStateDict(g.stateDict, `${kind}.safetensors`);
        const ctx = g.get('input.ctx'); // [B, C]
        let z = g.get('input.z'); // [B, L]
        flow.steps.forEach((step, k) => {
          const pre = `step${k}`;
          close(z, g.get(`${pre}.z_in`), `${pre}.z_in`);
          if (step instanceof PlanarStep || step instanceof RadialStep || step instanceof CondPlanarStep)
            close(step.rawParams(ctx), g.get(`${pre}.raw`), `${pre}.raw`);
          if (step instanceof PlanarStep || step instanceof CondPlanarStep) {
            const [u, w] = splitPlanar(step.rawParams(ctx), Number(g.meta.latent));
            close(constrainU(u, w), g.get(`${pre}.u_hat`), `${pre}.u_hat`);
          }
          if (step instanceof CondGlowStep) {
            close(step.inv1x1.matrix(ctx), g.get(`${pre}.inv1x1.W`), `${pre}.inv1x1.W`);
            let zz = z;
            for (const [name, part] of [
              ['actnorm', step.actnorm],
              ['inv1x1', step.inv1x1],
              ['coupling', step.coupling],
            ] as const) {
              const o = part.forward(zz, ctx);
              close(o.z, g.get(`${pre}.${name}.z_out`), `${pre}.${name}.z_out`);
              close(o.logDet, g.get(`${pre}.${name}.logdet`), `${pre}.${name}.logdet`);
              zz = o.z;
            }
          }
          const out = step.forward(z, ctx);
          close(out.z, g.get(`${pre}.z_out`), `${pre}.z_out`);
          close(out.logDet, g.get(`${pre}.logdet`), `${pre}.logdet`);
          z = out.z;
        });
        const total = flow.forward(g.get('input.z'), ctx);
        close(total.z, g.get('expected.z'), 'expected.z');
        close(total.logDet, g.get('expected.logdet'), 'expected.logdet');
      } finally {
        flow.dispose();
      }
    });
  });
}

for (const kind of ['planar', 'cplanar'] as const) {
  test(`${kind}: planar step with the constraint active (wᵀu ≪ −1) matches the reference`, () => {
    scope(() => {
      const g = loadGolden(kind);
      const out = planarTransform(g.get('input.z'), g.get('direct.u'), g.get('direct.w'), g.get('direct.b'));
      close(out.z, g.get('direct.z_out'), 'direct.z_out');
      close(out.logDet, g.get('direct.logdet'), 'direct.logdet');
    });
  });
}
