import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Rng } from '../util/rng.js';
import { augmentItem, pickRaterMask } from './raters.js';
import { fractionSplit, kfoldSplit, loadSplit, saveSplit, splitDataset, splitIndices } from './splits.js';
import { syntheticDataset } from './synthetic.js';

// 200 items in 50 patients of 4 slices
const ds = syntheticDataset({ items: 200, size: 8 });
const patientOf = new Map(ds.ids.map((id, i) => [id, ds.patientIds[i]]));
const patients = (ids: string[]): Set<string> => new Set(ids.map((id) => patientOf.get(id) as string));

test('k-fold by patient: disjoint patients, folds partition the data, ~90/10', () => {
  const allTest: string[] = [];
  for (let fold = 0; fold < 10; fold++) {
    const s = kfoldSplit(ds, { fold, seed: 1 });
    const tr = patients(s.train);
    for (const p of patients(s.test)) assert.ok(!tr.has(p), `patient ${p} on both sides`);
    assert.equal(s.train.length + s.test.length, 200);
    assert.equal(s.test.length, 20); // 5 patients × 4
    allTest.push(...s.test);
  }
  assert.deepEqual([...allTest].sort(), [...ds.ids].sort());
  assert.deepEqual(kfoldSplit(ds, { fold: 2, seed: 1 }), kfoldSplit(ds, { fold: 2, seed: 1 }));
  assert.notDeepEqual(kfoldSplit(ds, { fold: 2, seed: 1 }).test, kfoldSplit(ds, { fold: 2, seed: 2 }).test);
});

test('fractions by patient: 60/20/20 with no patient overlap', () => {
  const s = fractionSplit(ds, { seed: 5 });
  assert.deepEqual([s.train.length, s.val.length, s.test.length], [120, 40, 40]);
  const [a, b, c] = [patients(s.train), patients(s.val), patients(s.test)];
  for (const p of b) assert.ok(!a.has(p) && !c.has(p));
  for (const p of c) assert.ok(!a.has(p));
});

test('splits save/load as JSON and resolve to indices', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowseg-split-'));
  try {
    const s = kfoldSplit(ds, { fold: 0, folds: 5, seed: 3 });
    saveSplit(join(dir, 'split.json'), s);
    const back = loadSplit(join(dir, 'split.json'));
    assert.deepEqual(back, s);
    const idx = splitIndices(back, ds);
    assert.deepEqual(
      idx.test.map((i) => ds.ids[i]),
      s.test,
    );
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('bad split options are input errors', () => {
  assert.throws(() => kfoldSplit(ds, { fold: 10 }), /--fold must be in 0…9/);
  assert.throws(() => fractionSplit(ds, { train: 0.5, val: 0.2, test: 0.2 }), /sum to 1/);
});

test('pickRaterMask: single → rater 0; all → every rater shows up', () => {
  const it = syntheticDataset({ items: 1, size: 8, disagreement: 1 }).get(0);
  const rng = new Rng(0);
  assert.equal(pickRaterMask(it, 'single', rng).byteOffset, it.masks.byteOffset);
  const seen = new Set<number>();
  for (let i = 0; i < 100; i++) seen.add((pickRaterMask(it, 'all', rng).byteOffset - it.masks.byteOffset) / 64);
  assert.deepEqual([...seen].sort(), [0, 1, 2, 3]);
});

test('augmentation is off by default and flips image and masks together', () => {
  const it = syntheticDataset({ items: 1, size: 8 }).get(0);
  assert.equal(augmentItem(it, {}, new Rng(0)), it);
  const rng = new Rng(0);
  let flipped = it;
  while (flipped === it) flipped = augmentItem(it, { flipHorizontal: true }, rng);
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      assert.equal(flipped.image[y * 8 + x], it.image[y * 8 + 7 - x]);
      assert.equal(flipped.masks[64 + y * 8 + x], it.masks[64 + y * 8 + 7 - x]);
    }
  }
});

test("splitDataset with an nnU-Net split file: the fold's val cases are the test set, validation is carved from its train cases", () => {
  const dir = mkdtempSync(join(tmpdir(), 'fs-splitfile-'));
  const file = join(dir, 'splits_final.json');
  const source = { ids: ['a/0', 'a/1', 'b/0', 'c/0', 'd/0', 'e/0'], patientIds: ['a', 'a', 'b', 'c', 'd', 'e'] };
  writeFileSync(
    file,
    JSON.stringify([
      { train: ['a', 'b', 'c', 'd'], val: ['e'] },
      { train: ['b', 'c', 'd', 'e'], val: ['a'] },
    ]),
  );
  const s = splitDataset(source, { split: { kind: 'file', file, fold: 1 }, seed: 3, valFraction: 0.25 });
  assert.deepEqual(s.test, [0, 1]);
  assert.equal(s.val.length, 1);
  assert.deepEqual([...s.train, ...s.val].sort(), [2, 3, 4, 5]);
  assert.equal(s.split.kind, 'file');
  assert.throws(() => splitDataset(source, { split: { kind: 'file', file, fold: 2 }, seed: 3, valFraction: 0.25 }), /fold/);
});
