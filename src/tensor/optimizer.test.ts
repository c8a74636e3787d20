import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scope, tensor, Optimizer, keep, type Tensor } from './index.js';

function param(values: number[]): Tensor {
  return keep(tensor(Float64Array.from(values)).setRequiresGrad(true));
}
function setGrad(p: Tensor, g: number[]): void {
  scope(() =>
    p
      .mul(tensor(Float64Array.from(g)))
      .sum()
      .backward(),
  );
}

test('Adam: hand-computed first two steps (PyTorch 1.13 rule, L2 weight decay)', () => {
  const p = param([1, -2]);
  const opt = new Optimizer('adam', [p], { lr: 0.1, weightDecay: 0.5 });
  setGrad(p, [0.3, 0.4]);
  opt.step();
  // g' = g + wd·p = [0.8, -0.6]; m̂ = g', v̂ = g'² → p −= lr·sign(g')·|g'|/(|g'|+eps)
  const p1 = p.toArray() as Float64Array;
  assert.ok(Math.abs((p1[0] as number) - (1 - (0.1 * 0.8) / (0.8 + 1e-8))) < 1e-12);
  assert.ok(Math.abs((p1[1] as number) - (-2 + (0.1 * 0.6) / (0.6 + 1e-8))) < 1e-12);
  // Second step by hand.
  opt.zeroGrad();
  setGrad(p, [0.3, 0.4]);
  opt.step();
  const g1 = [0.8, -0.6];
  const g2 = [0.3 + 0.5 * (p1[0] as number), 0.4 + 0.5 * (p1[1] as number)];
  const p2 = p.toArray() as Float64Array;
  for (let i = 0; i < 2; i++) {
    const m = 0.9 * 0.1 * (g1[i] as number) + 0.1 * (g2[i] as number);
    const v = 0.999 * 0.001 * (g1[i] as number) ** 2 + 0.001 * (g2[i] as number) ** 2;
    const expected = (p1[i] as number) - ((0.1 / (1 - 0.81)) * m) / (Math.sqrt(v) / Math.sqrt(1 - 0.999 ** 2) + 1e-8);
    assert.ok(Math.abs((p2[i] as number) - expected) < 1e-12, `p[${i}] ${p2[i]} vs ${expected}`);
  }
  p.dispose();
});

test('AdamW decays decoupled from the gradient; SGD with momentum matches the closed form', () => {
  const a = param([2]);
  const adamw = new Optimizer('adamw', [a], { lr: 0.1, weightDecay: 0.1 });
  setGrad(a, [1]);
  adamw.step();
  assert.ok(Math.abs(a.item() - (2 * (1 - 0.01) - (0.1 * 1) / (1 + 1e-8))) < 1e-12);
  const s = param([1]);
  const sgd = new Optimizer('sgd', [s], { lr: 0.5, momentum: 0.9 });
  setGrad(s, [2]);
  sgd.step(); // buf = 2, p = 1 − 1 = 0
  sgd.zeroGrad();
  setGrad(s, [2]);
  sgd.step(); // buf = 0.9·2 + 2 = 3.8, p = 0 − 1.9
  assert.ok(Math.abs(s.item() + 1.9) < 1e-12);
  a.dispose();
  s.dispose();
});

test('optimizer state round-trips: restored optimizer continues identically', () => {
  const run = (restoreAt: number | null): number[] => {
    const p = param([0.5, -1.5, 3]);
    let opt = new Optimizer('adam', [p], { lr: 0.05 });
    for (let i = 0; i < 6; i++) {
      if (i === restoreAt) {
        const state = opt.stateDict();
        const step = opt.stepCount;
        opt = new Optimizer('adam', [p], { lr: 0.05 });
        opt.loadStateDict(step, state);
        for (const t of state.values()) t.dispose();
      }
      opt.zeroGrad();
      scope(() => p.square().sum().backward());
      opt.step();
    }
    const out = Array.from(p.toArray() as Float64Array);
    p.dispose();
    return out;
  };
  assert.deepEqual(run(3), run(null));
});

test('lrScales: each param steps exactly as an optimizer at lr × its scale would (Adam, AdamW, SGD); bad scales are refused', () => {
  for (const kind of ['adam', 'adamw', 'sgd'] as const) {
    const [a, b, refA, refB] = [param([1, -2]), param([0.5, 3]), param([1, -2]), param([0.5, 3])];
    const options = { lr: 0.1, weightDecay: 0.2, momentum: 0.9 };
    const scaled = new Optimizer(kind, [a, b], { ...options, lrScales: [1, 5] });
    const plainA = new Optimizer(kind, [refA], options);
    const plainB = new Optimizer(kind, [refB], { ...options, lr: 0.5 });
    for (let step = 0; step < 3; step++) {
      for (const [p, g] of [
        [a, [0.3, -0.4]],
        [b, [0.1, 0.7]],
        [refA, [0.3, -0.4]],
        [refB, [0.1, 0.7]],
      ] as const)
        setGrad(p, [...g]);
      scaled.step();
      plainA.step();
      plainB.step();
      for (const o of [scaled, plainA, plainB]) o.zeroGrad();
    }
    assert.deepEqual(Array.from(a.toArray() as Float64Array), Array.from(refA.toArray() as Float64Array), kind);
    assert.deepEqual(Array.from(b.toArray() as Float64Array), Array.from(refB.toArray() as Float64Array), kind);
    assert.notDeepEqual(Array.from(a.toArray() as Float64Array), Array.from(b.toArray() as Float64Array));
    for (const p of [a, b, refA, refB]) p.dispose();
  }
  const p = param([1]);
  assert.throws(() => new Optimizer('adam', [p], { lr: 0.1, lrScales: [1, 2] }), /lrScales has 2 entries for 1 params/);
  assert.throws(() => new Optimizer('adam', [p], { lr: 0.1, lrScales: [0] }), /positive/);
  p.dispose();
});

test('Adam and AdamW on a float32 parameter of 100,003 values (one pass, split over threads) follow the float64 rule to float rounding over 5 steps', () => {
  const n = 100_003; // not a multiple of the kernel's 32,768-value chunks
  const start = Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 2);
  const grads = Array.from({ length: 5 }, (_, s) => Float64Array.from({ length: n }, (_, i) => Math.cos(i * (s + 1)) * 0.5));
  for (const kind of ['adam', 'adamw'] as const) {
    const lr = 0.01;
    const wd = 0.1;
    const p = keep(tensor(Float32Array.from(start)).setRequiresGrad(true));
    const opt = new Optimizer(kind, [p], { lr, weightDecay: wd });
    const ref = Float64Array.from(Float32Array.from(start));
    const m = new Float64Array(n);
    const v = new Float64Array(n);
    for (let s = 0; s < 5; s++) {
      opt.zeroGrad();
      const g32 = Float32Array.from(grads[s] as Float64Array);
      scope(() => p.mul(tensor(g32)).sum().backward());
      opt.step();
      const t = s + 1;
      for (let i = 0; i < n; i++) {
        let g = g32[i] as number;
        if (kind === 'adamw') ref[i] = (ref[i] as number) * (1 - lr * wd);
        else g += wd * (ref[i] as number);
        m[i] = 0.9 * (m[i] as number) + 0.1 * g;
        v[i] = 0.999 * (v[i] as number) + 0.001 * g * g;
        ref[i] = (ref[i] as number) - ((lr / (1 - 0.9 ** t)) * (m[i] as number)) / (Math.sqrt(v[i] as number) / Math.sqrt(1 - 0.999 ** t) + 1e-8);
      }
    }
    const got = p.toFloat64Array();
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs((got[i] as number) - (ref[i] as number)));
    assert.ok(worst < 2e-6, `${kind}: max |float32 − float64 rule| = ${worst}`);
    // every value moved: no chunk of the parameter was skipped
    assert.ok(
      got.every((x, i) => x !== Math.fround(start[i] as number)),
      `${kind}: some values did not move`,
    );
    p.dispose();
  }
});
