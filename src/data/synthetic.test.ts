import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readSynthetic, syntheticDataset } from './synthetic.js';

test('deterministic by seed; different seeds differ', () => {
  const a = syntheticDataset({ items: 8, seed: 3 }).get(5);
  const b = syntheticDataset({ items: 8, seed: 3 }).get(5);
  const c = syntheticDataset({ items: 8, seed: 4 }).get(5);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.image, c.image);
});

test('shape, value range, pseudo-patients of 4 items', () => {
  const ds = syntheticDataset({ items: 10, size: 32 });
  assert.deepEqual(ds.shape, { items: 10, patients: 3, channels: 1, raters: 4, height: 32, width: 32 });
  assert.equal(ds.patientIds[3], ds.patientIds[0]);
  assert.notEqual(ds.patientIds[4], ds.patientIds[3]);
  const it = ds.get(0);
  assert.equal(it.image.length, 32 * 32);
  assert.ok(it.image.every((v) => v >= 0 && v <= 1));
  assert.ok(it.masks.every((v) => v === 0 || v === 1));
});

test('every rater mask is one of the item modes; probabilities sum to 1', () => {
  const ds = syntheticDataset({ items: 20, size: 32, disagreement: 0.8 });
  const n = 32 * 32;
  for (let i = 0; i < 20; i++) {
    const modes = ds.modes(i);
    assert.ok(Math.abs(modes.reduce((s, m) => s + m.probability, 0) - 1) < 1e-9);
    const it = ds.get(i);
    for (let r = 0; r < it.raters; r++) {
      const m = it.masks.subarray(r * n, (r + 1) * n);
      assert.ok(
        modes.some((mode) => Buffer.from(mode.mask).equals(Buffer.from(m))),
        `item ${i} rater ${r}`,
      );
    }
  }
});

test('disagreement 0 → raters agree; higher disagreement → more disagreement', () => {
  const disagreeing = (d: number): number => {
    const ds = syntheticDataset({ items: 100, size: 24, disagreement: d });
    const n = 24 * 24;
    let count = 0;
    for (let i = 0; i < 100; i++) {
      const m = ds.get(i).masks;
      const first = Buffer.from(m.subarray(0, n));
      if ([1, 2, 3].some((r) => !first.equals(Buffer.from(m.subarray(r * n, (r + 1) * n))))) count++;
    }
    return count;
  };
  assert.equal(disagreeing(0), 0);
  assert.ok(disagreeing(0.9) > disagreeing(0.3));
});

test('readSynthetic streams the same items (prepare --format synthetic)', async () => {
  const ds = syntheticDataset({ items: 3, seed: 9, size: 16 });
  const got = [];
  for await (const it of readSynthetic('synthetic', { items: 3, seed: 9, size: 16 })) got.push(it);
  assert.deepEqual(
    got,
    [0, 1, 2].map((i) => ds.get(i)),
  );
});
