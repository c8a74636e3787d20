import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FlowsegInputError } from '../../util/errors.js';
import { syntheticDataset } from '../synthetic.js';
import type { DataItem, ItemStream } from '../types.js';
import { openPrepared, preparedSummary, readPreparedIndex } from './open.js';
import { writePrepared } from './write.js';

async function* items(list: DataItem[], failAt = -1): ItemStream {
  for (let i = 0; i < list.length; i++) {
    if (i === failAt) throw new FlowsegInputError('reader failed on purpose');
    yield list[i];
  }
}

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowseg-prep-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const ds = syntheticDataset({ items: 9, size: 16, seed: 2 });
const list = ds.ids.map((_, i) => ds.get(i));
const source = { format: 'synthetic', input: 'synthetic' };

test(
  'write → open round-trips every item byte for byte, with random access',
  withDir(async (dir) => {
    const out = join(dir, 'prep');
    const summary = await writePrepared(items(list), { out, source });
    assert.equal(summary.items, 9);
    const p = openPrepared(out);
    try {
      assert.deepEqual(p.shape, ds.shape);
      assert.deepEqual(p.ids, ds.ids);
      for (const i of [8, 0, 4]) assert.deepEqual(p.get(i), list[i]);
      assert.deepEqual(preparedSummary(p.index), summary);
    } finally {
      p.close?.();
    }
    assert.deepEqual(readdirSync(dir), ['prep']); // no temp folder left
  }),
);

test(
  'an error mid-stream leaves nothing in --out and no temp folder',
  withDir(async (dir) => {
    const out = join(dir, 'prep');
    await assert.rejects(writePrepared(items(list, 5), { out, source }), /on purpose/);
    assert.deepEqual(readdirSync(dir), []);
  }),
);

test(
  'empty dataset is an input error',
  withDir(async (dir) => {
    await assert.rejects(writePrepared(items([]), { out: join(dir, 'p'), source }), /no items found \(empty dataset\)/);
    assert.deepEqual(readdirSync(dir), []);
  }),
);

test(
  'items of different sizes are refused, naming the item',
  withDir(async (dir) => {
    const other = syntheticDataset({ items: 1, size: 8 }).get(0);
    await assert.rejects(
      writePrepared(items([list[0], { ...other, id: 'odd-one' }]), { out: join(dir, 'p'), source }),
      /item odd-one is 1×8×8, expected 1×16×16/,
    );
  }),
);

test(
  'a non-empty --out is refused; --overwrite replaces a prepared set',
  withDir(async (dir) => {
    const out = join(dir, 'prep');
    mkdirSync(out);
    writeFileSync(join(out, 'precious.txt'), 'x');
    await assert.rejects(writePrepared(items(list), { out, source }), /exists and was not written by flowseg/);
    assert.ok(existsSync(join(out, 'precious.txt')));
    const out2 = join(dir, 'prep2');
    await writePrepared(items(list.slice(0, 2)), { out: out2, source });
    await assert.rejects(writePrepared(items(list), { out: out2, source }), /already holds a prepared dataset; .*--overwrite/);
    await writePrepared(items(list), { out: out2, source, overwrite: true });
    assert.equal(readPreparedIndex(out2).shape.items, 9);
  }),
);

test(
  'a damaged prepared folder is reported, not misread',
  withDir(async (dir) => {
    const out = join(dir, 'prep');
    await writePrepared(items(list), { out, source });
    writeFileSync(join(out, 'masks.u8'), Buffer.alloc(10));
    assert.throws(() => openPrepared(out), /masks\.u8 has 10 bytes/);
    assert.throws(() => openPrepared(dir), /not a prepared dataset/);
  }),
);
