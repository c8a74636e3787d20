import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatP } from './pairedTables.js';

test('formatP: three decimals, exponent below 0.001, a p that underflowed to 0 is not shown as 0, undefined is a dash', () => {
  assert.equal(formatP(0.0361), '0.036');
  assert.equal(formatP(4.12e-5), '4.1e-5');
  assert.equal(formatP(0), '< 1e-300');
  assert.equal(formatP(null), '—');
  assert.equal(formatP(Number.NaN), '—');
});
