import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveTensors, noGrad, scope, tensor, type Tensor } from '../tensor/index.js';
import { chain } from './chain.js';

test('chain: composes the steps in order and keeps at most input + 2 intermediates alive (eager freeing)', () => {
  const x = tensor(new Float64Array([1, 2, 3]));
  const base = liveTensors();
  let peak = 0;
  const step =
    (k: number) =>
    (t: Tensor): Tensor => {
      const y = t.mul(2).add(k); // one temporary + the output
      peak = Math.max(peak, liveTensors() - base);
      return y;
    };
  const y = noGrad(() => chain(x, [step(1), step(2), step(3), step(4), step(5)]));
  // ((((x·2+1)·2+2)·2+3)·2+4)·2+5
  assert.deepEqual(
    Array.from(y.toFloat64Array()),
    [1, 2, 3].map((v) => ((((v * 2 + 1) * 2 + 2) * 2 + 3) * 2 + 4) * 2 + 5),
  );
  assert.ok(peak <= 3, `peak intermediates ${peak}`); // previous output, temporary, new output
  assert.equal(liveTensors(), base + 1, 'only the result survives');
  assert.equal(x.isDisposed, false, 'the input belongs to the caller');
  y.dispose();
  x.dispose();
});

test('chain: gradients flow through every step; zero steps return the input', () => {
  scope(() => {
    const x = tensor(new Float64Array([0.5, -1])).setRequiresGrad(true);
    chain(x, [(t) => t.square(), (t) => t.mul(3)])
      .sum()
      .backward();
    assert.deepEqual(Array.from(x.grad?.toFloat64Array() ?? []), [3, -6]);
    assert.equal(chain(x, []), x);
  });
});
