import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shardRange, shardWeight } from './shard.js';
import { chunk } from '../train/batches.js';
import { Rng } from '../util/rng.js';

test('shards of a global batch are disjoint, contiguous, cover it and differ by ≤ 1', () => {
  for (const [n, world] of [
    [8, 2],
    [5, 2],
    [1, 2],
    [7, 3],
    [0, 4],
  ] as const) {
    const ranges = Array.from({ length: world }, (_, r) => shardRange(n, r, world));
    assert.equal(ranges[0]?.start, 0);
    assert.equal(ranges[world - 1]?.end, n);
    ranges.slice(1).forEach((r, i) => {
      assert.equal(r.start, ranges[i]?.end);
    });
    const sizes = ranges.map((r) => r.end - r.start);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1);
    const w = Array.from({ length: world }, (_, r) => shardWeight(n, r, world));
    assert.ok(n === 0 || Math.abs(w.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  }
  assert.deepEqual(shardRange(5, 0, 2), { start: 0, end: 3 });
  assert.deepEqual(shardRange(5, 1, 2), { start: 3, end: 5 });
});

test('N ranks × batch b see, step by step, exactly the items of one process × batch N·b', () => {
  const order = new Rng(1).shuffle(Array.from({ length: 37 }, (_, i) => i));
  const world = 3;
  const b = 4;
  const single = chunk(order, world * b);
  single.forEach((global, step) => {
    const perRank = Array.from({ length: world }, (_, r) => {
      const { start, end } = shardRange(global.length, r, world);
      return global.slice(start, end);
    });
    assert.deepEqual(perRank.flat(), global, `step ${step}`);
    assert.equal(new Set(perRank.flat()).size, global.length);
  });
});
