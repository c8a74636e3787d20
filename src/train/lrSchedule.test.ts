import assert from 'node:assert/strict';
import { test } from 'node:test';
import { budgetFraction, COSINE_FLOOR, learningRate } from './lrSchedule.js';

test('constant: the peak rate at every step', () => {
  for (const [step, f] of [
    [0, 0],
    [50, 0.3],
    [999, 1],
  ] as const)
    assert.equal(learningRate('constant', 1e-4, 100, step, f), 1e-4);
});

test('cosine: linear warm-up, then half a cosine to the floor (hand-computed points)', () => {
  // Warm-up of 4 steps: steps 0..3 use 1/4, 2/4, 3/4, 4/4 of the annealed rate (fraction 0 → factor 1).
  assert.equal(learningRate('cosine', 4e-4, 4, 0, 0), 1e-4);
  assert.equal(learningRate('cosine', 4e-4, 4, 1, 0), 2e-4);
  assert.equal(learningRate('cosine', 4e-4, 4, 3, 0), 4e-4);
  // Half way: cos(π/2) = 0 → floor + (1 − floor)/2 = 0.51 of the peak.
  assert.ok(Math.abs(learningRate('cosine', 1, 0, 500, 0.5) - (COSINE_FLOOR + (1 - COSINE_FLOOR) / 2)) < 1e-12);
  // A quarter: 0.02 + 0.98 · (1 + √½)/2.
  assert.ok(Math.abs(learningRate('cosine', 1, 0, 250, 0.25) - (0.02 + (0.98 * (1 + Math.SQRT1_2)) / 2)) < 1e-12);
  // The end of the budget, and past it: the floor.
  assert.ok(Math.abs(learningRate('cosine', 1, 0, 1000, 1) - COSINE_FLOOR) < 1e-12);
  assert.ok(Math.abs(learningRate('cosine', 1, 0, 1000, 1.7) - COSINE_FLOOR) < 1e-12);
});

test('budget fraction: the further along of steps and time, clamped to [0, 1]', () => {
  assert.equal(budgetFraction(25, 100, 0, null), 0.25);
  assert.equal(budgetFraction(25, 100, 30, 60), 0.5); // time is further along
  assert.equal(budgetFraction(80, 100, 30, 60), 0.8); // steps are further along
  assert.equal(budgetFraction(10, Number.POSITIVE_INFINITY, 15, 60), 0.25); // no step budget
  assert.equal(budgetFraction(10, Number.POSITIVE_INFINITY, 0, null), 0); // no budget at all: never anneals
  assert.equal(budgetFraction(10, 100, 120, 60), 1);
});
