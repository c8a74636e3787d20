import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scope, tensor } from '../tensor/index.js';
import { straightThroughClamp } from './gaussianEncoder.js';

test('log σ guard clamps values but keeps the gradient flowing outside the range', () => {
  scope(() => {
    const x = tensor(new Float64Array([-30, -2, 0.5, 25])).setRequiresGrad(true);
    const y = straightThroughClamp(x, 10);
    assert.deepEqual(Array.from(y.toFloat64Array()), [-10, -2, 0.5, 10]);
    y.mul(tensor(new Float64Array([1, 2, 3, 4]))).sum().backward();
    assert.deepEqual(Array.from(x.grad?.toFloat64Array() ?? []), [1, 2, 3, 4]);
  });
});
