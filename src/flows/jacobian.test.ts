// The generic flow test (nflows style): for every kind and K, log|det J| returned by the flow
// equals log|det| of the central-difference Jacobian of z ↦ z_K, per sample (MODEL.md Flows).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, setNumThreads, randn, scope, tensor } from '../tensor/index.js';
import { assertClose, logAbsDet, numericJacobian, randomFlow } from './flows.fixture.js';
import { createFlow, FLOW_KINDS } from './registry.js';

setNumThreads(1); // tiny tensors: intra-op threads only add synchronisation (10× slower on a busy box)
const B = 16;
const L = 6;
const C = 5;
const SEEDS = [1, 2, 3];

for (const kind of FLOW_KINDS) {
  for (const K of [1, 2, 4]) {
    test(`${kind}, K = ${K}: logDet equals log|det| of the numerical Jacobian (B = ${B}, L = ${L}, ${SEEDS.length} seeds)`, () => {
      for (const seed of SEEDS) {
        manualSeed(seed);
        const flow = randomFlow(kind, K, L, C);
        try {
          scope(() => {
            const z = randn([B, L], { dtype: 'float64' }).mul(1.5).toFloat64Array();
            const ctx = randn([B, C], { dtype: 'float64' });
            const out = flow.forward(tensor(z, [B, L]), ctx);
            const logDet = out.logDet.toFloat64Array();
            assert.deepEqual(out.z.shape, [B, L]);
            assert.deepEqual(out.logDet.shape, [B]);
            const jac = numericJacobian((v) => flow.forward(v, ctx).z, z, B, L);
            assertClose(logDet, logAbsDet(jac, B, L), 1e-6, `${kind} K=${K} seed ${seed} logDet`);
          });
        } finally {
          flow.dispose();
        }
      }
    });
  }
}

test('K = 0 is the identity with zero logDet, and has no parameters', () => {
  for (const kind of FLOW_KINDS) {
    const flow = createFlow(kind, 0, L, C, { dtype: 'float64' });
    assert.equal(flow.namedParameters().size, 0);
    scope(() => {
      const z = randn([B, L], { dtype: 'float64' });
      const out = flow.forward(z, randn([B, C], { dtype: 'float64' }));
      assert.deepEqual(Array.from(out.z.toFloat64Array()), Array.from(z.toFloat64Array()));
      assert.deepEqual(Array.from(out.logDet.toFloat64Array()), new Array<number>(B).fill(0));
      assert.equal(out.logDet.dtype, 'float64');
    });
  }
});

test('a freshly initialised cglow step is near the identity map but for the orthogonal weight0 (|logDet| ≈ 0)', () => {
  manualSeed(7);
  const flow = createFlow('cglow', 2, L, C, { dtype: 'float64' });
  try {
    scope(() => {
      const z = randn([B, L], { dtype: 'float64' });
      const out = flow.forward(z, randn([B, C], { dtype: 'float64' }));
      // actnorm/coupling outputs are zero at init (log s = 0; coupling s = sigmoid(2)); W0 orthogonal
      const coupling = 2 * (L - Math.floor(L / 2)) * Math.log(1 / (1 + Math.exp(-2)));
      assertClose(out.logDet.toFloat64Array(), new Float64Array(B).fill(coupling), 1e-10, 'fresh cglow logDet');
      // an orthogonal map preserves norms; the coupling only shrinks z_b
      const zn = z.square().sum([-1]).toFloat64Array();
      const outN = out.z.square().sum([-1]).toFloat64Array();
      zn.forEach((n, i) => {
        assert.ok((outN[i] as number) <= n + 1e-9);
      });
    });
  } finally {
    flow.dispose();
  }
});

test('parameter names follow the reference state_dict (steps.{k}.…)', () => {
  const names = (kind: (typeof FLOW_KINDS)[number]): string[] => {
    const flow = createFlow(kind, 2, L, C, { dtype: 'float64' });
    const out = [...flow.namedParameters()].map(([k, p]) => `${k}:${p.shape.join('x')}`);
    flow.dispose();
    return out;
  };
  assert.deepEqual(names('planar'), ['steps.0.params.weight:13x5', 'steps.0.params.bias:13', 'steps.1.params.weight:13x5', 'steps.1.params.bias:13']);
  assert.deepEqual(names('radial').slice(0, 2), ['steps.0.params.weight:8x5', 'steps.0.params.bias:8']);
  assert.deepEqual(names('cplanar').slice(0, 6), [
    'steps.0.mlp.0.weight:8x5',
    'steps.0.mlp.0.bias:8',
    'steps.0.mlp.1.weight:8x8',
    'steps.0.mlp.1.bias:8',
    'steps.0.mlp.2.weight:13x8',
    'steps.0.mlp.2.bias:13',
  ]);
  const glow = names('cglow')
    .filter((n) => n.startsWith('steps.0.'))
    .map((n) => n.replace(/\.mlp\.[12]\./, '.mlp.k.'));
  assert.ok(glow.includes('steps.0.inv1x1.weight0:6x6'));
  assert.ok(glow.includes('steps.0.actnorm.mlp.0.weight:8x5'));
  assert.ok(glow.includes('steps.0.inv1x1.mlp.k.weight:36x8'));
  assert.ok(glow.includes('steps.0.coupling.mlp.0.weight:8x8')); // [z_a (3), ctx (5)] → 8
  assert.ok(glow.includes('steps.0.coupling.mlp.k.bias:6'));
});

test('createFlow rejects unknown kinds and bad step counts with actionable errors', () => {
  assert.throws(() => createFlow('maf' as never, 2, L, C), /unknown flow 'maf'.*planar, radial, cplanar, cglow/);
  assert.throws(() => createFlow('planar', -1, L, C), /integer ≥ 0/);
  assert.throws(() => createFlow('planar', 1.5, L, C), /integer ≥ 0/);
  assert.throws(() => createFlow('cglow', 1, 1, C), /latent size ≥ 2/);
});
