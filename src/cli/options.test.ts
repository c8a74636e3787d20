import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from 'commander';
import { splitFractions } from './options.js';
import { trainConfigFromFlags } from './train.js';
import { FlowsegInputError } from '../util/errors.js';

test('splitFractions: percentages and fractions give the same shares; bad lists are refused with the expected form', () => {
  assert.deepEqual(splitFractions('60/20/20'), { train: 0.6, val: 0.2, test: 0.2 });
  assert.deepEqual(splitFractions('0.8/0/0.2'), { train: 0.8, val: 0, test: 0.2 });
  assert.deepEqual(splitFractions(' 70 / 10 / 20 '), { train: 0.7, val: 0.1, test: 0.2 });
  for (const bad of ['60/20', '60/20/10', '0/50/50', '80/20/0', '60/-20/60', 'a/b/c', '']) {
    assert.throws(
      () => splitFractions(bad),
      (e: Error) => e instanceof InvalidArgumentError && e.message.includes('like 60/20/20'),
      bad,
    );
  }
});

test('train flags: --split sets the fractions split, --fold the k-fold one; both together is an input error', () => {
  const base = { distTimeout: 60, data: 'synthetic', out: '/nonexistent/flowseg-options-test' };
  assert.deepEqual(trainConfigFromFlags({ ...base, split: { train: 0.7, val: 0.1, test: 0.2 } }).split, { kind: 'fractions', train: 0.7, val: 0.1, test: 0.2 });
  assert.deepEqual(trainConfigFromFlags({ ...base, fold: 3 }).split, { kind: 'kfold', fold: 3, folds: 10 });
  assert.throws(
    () => trainConfigFromFlags({ ...base, fold: 0, split: { train: 0.6, val: 0.2, test: 0.2 } }),
    (e: Error) => e instanceof FlowsegInputError && e.message.includes('--split'),
  );
});
