import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from './rng.js';

test('same seed gives the same sequence, different seeds differ', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const c = new Rng(43);
  const sa = Array.from({ length: 5 }, () => a.next());
  assert.deepEqual(
    sa,
    Array.from({ length: 5 }, () => b.next()),
  );
  assert.notDeepEqual(
    sa,
    Array.from({ length: 5 }, () => c.next()),
  );
  for (const v of sa) assert.ok(v >= 0 && v < 1);
});

test('getState/setState resumes the exact sequence', () => {
  const a = new Rng(7);
  a.next();
  const state = a.getState();
  const expected = [a.next(), a.int(10), a.next()];
  const b = new Rng(0);
  b.setState(state);
  assert.deepEqual([b.next(), b.int(10), b.next()], expected);
});

test('moments of next() and normal() are plausible', () => {
  const r = new Rng(1);
  let s = 0;
  let s2 = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) {
    const z = r.normal();
    s += z;
    s2 += z * z;
  }
  assert.ok(Math.abs(s / n) < 0.03);
  assert.ok(Math.abs(s2 / n - 1) < 0.05);
  const counts = new Array(4).fill(0);
  for (let i = 0; i < 4000; i++) counts[r.int(4)]++;
  for (const c of counts) assert.ok(c > 850 && c < 1150);
});
