import { test } from 'node:test';
import assert from 'node:assert/strict';
import { budgetUsed } from './aggregate.js';
import type { RunRecord } from './record.js';

const record = (steps: { step: number; epoch: number; seconds: number }[], epochs: { step: number; partial?: boolean; seconds: number }[]): RunRecord =>
  ({
    kind: 'run',
    steps: steps.map((s) => ({ kind: 'step', loss: 1, ...s })),
    epochs: epochs.map((e, i) => ({ kind: 'epoch', epoch: i + 1, ...e })),
  }) as unknown as RunRecord;

test('budgetUsed: epochs = steps over the steps of one epoch, also when every validation was periodic (no full-epoch line)', () => {
  // 10 steps per epoch, 25 steps; rounds at 7, 14, 21, 25, none at an epoch end
  const steps = Array.from({ length: 25 }, (_, i) => ({ step: i + 1, epoch: Math.floor(i / 10) + 1, seconds: 2 * (i + 1) }));
  const periodic = [7, 14, 21, 25].map((step) => ({ step, partial: true, seconds: 2 * step + 1 }));
  assert.deepEqual(budgetUsed(record(steps, periodic)), { epochs: 2.5, steps: 25, minutes: 51 / 60 });
  // an older log: a full-epoch line after step 10 and no step lines of epoch 2 yet
  assert.deepEqual(budgetUsed(record(steps.slice(0, 10), [{ step: 10, seconds: 21 }])).epochs, 1);
  // less than one epoch: unknown
  assert.equal(budgetUsed(record(steps.slice(0, 6), [])).epochs, null);
});
