import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mean, pearson, sampleStd } from './stats.js';

test('mean and sample std by hand', () => {
  assert.equal(mean([]), null);
  assert.equal(mean([1, 2, 6]), 3);
  assert.equal(sampleStd([4]), null);
  assert.equal(sampleStd([1, 2, 6]), Math.sqrt((4 + 1 + 9) / 2));
});

test('pearson: perfect, anti and undefined correlation; non-finite pairs dropped', () => {
  assert.deepEqual(
    pearson([
      [1, 2],
      [2, 4],
      [3, 6],
    ]),
    { r: 1, n: 3 },
  );
  assert.equal(
    pearson([
      [1, 3],
      [2, 2],
      [3, 1],
      [Number.NaN, 5],
    ]).r,
    -1,
  );
  assert.equal(
    pearson([
      [1, 3],
      [2, 2],
      [3, 1],
      [Number.NaN, 5],
    ]).n,
    3,
  );
  assert.equal(
    pearson([
      [1, 1],
      [1, 2],
    ]).r,
    null,
  );
  // x = 1..4, y = 1, 3, 2, 4: r = 0.8 by hand (Sxy = 4, Sxx = Syy = 5).
  assert.ok(
    Math.abs(
      (pearson([
        [1, 1],
        [2, 3],
        [3, 2],
        [4, 4],
      ]).r ?? 0) - 0.8,
    ) < 1e-12,
  );
});
