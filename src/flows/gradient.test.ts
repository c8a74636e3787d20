// Autograd through one step of each flow vs central finite differences (float64):
// d(Σ z_K + Σ logDet)/d(every parameter) and d/dz.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, setNumThreads, noGrad, randn, scope, tensor, type Tensor } from '../tensor/index.js';
import { FLOW_KINDS } from './registry.js';
import { randomFlow } from './flows.fixture.js';
import type { FlowChain } from './flow.js';

setNumThreads(1); // tiny tensors: intra-op threads only add synchronisation (10× slower on a busy box)
const B = 4;
const L = 6;
const C = 3;
const H = 1e-6;

const objective = (flow: FlowChain, z: Tensor, ctx: Tensor): Tensor => {
  const out = flow.forward(z, ctx);
  return out.z.sum().add(out.logDet.sum()); // []
};

/** Checks the gradient of `objective` w.r.t. `target` (a parameter or z) element by element. */
function checkGradient(target: Tensor, analytic: Float64Array, value: () => number, what: string): void {
  const base = target.toFloat64Array();
  const set = (values: Float64Array): void => scope(() => noGrad(() => target.copyFrom(tensor(values, target.shape))));
  for (let k = 0; k < base.length; k++) {
    const x = Float64Array.from(base);
    x[k] = (base[k] as number) + H;
    set(x);
    const up = value();
    x[k] = (base[k] as number) - H;
    set(x);
    const down = value();
    const fd = (up - down) / (2 * H);
    const a = analytic[k] as number;
    assert.ok(Math.abs(fd - a) <= 1e-5 * (1 + Math.abs(fd)), `${what}[${k}]: finite difference ${fd} vs autograd ${a}`);
  }
  set(base);
}

for (const kind of FLOW_KINDS) {
  test(`${kind}: gradients of Σ z_K + Σ logDet w.r.t. parameters and z match finite differences (one step)`, () => {
    manualSeed(21);
    const flow = randomFlow(kind, 1, L, C);
    try {
      scope(() => {
        const z = randn([B, L], { dtype: 'float64' }).setRequiresGrad(true);
        const ctx = randn([B, C], { dtype: 'float64' });
        objective(flow, z, ctx).backward();
        const value = (): number => scope(() => noGrad(() => objective(flow, z, ctx).item()));
        const params = [...flow.namedParameters()];
        assert.ok(params.length > 0);
        const grads = params.map(([name, p]) => {
          const g = p.grad;
          assert.ok(g, `${name}: no gradient`);
          return g.toFloat64Array();
        });
        params.forEach(([name, p], i) => {
          checkGradient(p, grads[i] as Float64Array, value, `${kind} ${name}`);
        });
        checkGradient(z, (z.grad as Tensor).toFloat64Array(), value, `${kind} z`);
      });
    } finally {
      flow.dispose();
    }
  });
}
