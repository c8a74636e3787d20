import assert from 'node:assert/strict';
import { rmSync, writeFileSync, mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FlowsegInputError } from '../util/errors.js';
import { sharedDataDir } from '../util/paths.js';
import { grayPng, tarOf, tinyImageValue, tinyMaskOn, tinyTreeFiles, writeTree } from './lidcPngTree.fixture.js';
import { readLidcPng } from './lidcPngTree.js';
import { nonEmptyRaterCount } from './summary.js';
import type { DataItem } from './types.js';

async function collect(input: string, size?: number): Promise<DataItem[]> {
  const out: DataItem[] = [];
  for await (const it of readLidcPng(input, { size })) out.push(it);
  return out;
}

function checkTiny(items: DataItem[]): void {
  assert.equal(items.length, 2 * 2 * 3);
  assert.deepEqual(
    items.slice(0, 4).map((i) => i.id),
    ['P-0/nodule-0/slice-0', 'P-0/nodule-0/slice-1', 'P-0/nodule-0/slice-2', 'P-0/nodule-1/slice-0'],
  );
  const it = items[4]; // P-0 nodule-1 slice-1
  assert.equal(it.patientId, 'P-0');
  assert.deepEqual([it.channels, it.height, it.width, it.raters], [1, 8, 8, 4]);
  assert.equal(it.image[2 * 8 + 5], Math.fround(tinyImageValue(0, 1, 1, 2, 5) / 255));
  for (let r = 0; r < 4; r++) {
    for (let i = 0; i < 64; i++) assert.equal(it.masks[r * 64 + i], tinyMaskOn(r, 4, 1, Math.floor(i / 8), i % 8) ? 1 : 0);
  }
  assert.equal(nonEmptyRaterCount(it), 3);
}

/** Expects readLidcPng on `input` to fail with a FlowsegInputError matching all patterns. */
async function expectInputError(input: string, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(collect(input), (err: unknown) => {
    assert.ok(err instanceof FlowsegInputError, String(err));
    for (const p of patterns) assert.match(err.message, p);
    return true;
  });
}

test('reads a loose tree in numeric order with values and masks', async () => {
  const files = tinyTreeFiles();
  // slice-10 must sort after slice-2 (numeric, not lexicographic)
  const root = writeTree(files);
  try {
    checkTiny(await collect(root));
  } finally {
    rmSync(root, { recursive: true });
  }
});

test('sorts slice numbers numerically', async () => {
  const root = writeTree(tinyTreeFiles({ patients: 1, nodules: 1, slices: 11 }));
  try {
    const ids = (await collect(root)).map((i) => i.id);
    assert.equal(ids[2], 'P-0/nodule-0/slice-2');
    assert.equal(ids[10], 'P-0/nodule-0/slice-10');
  } finally {
    rmSync(root, { recursive: true });
  }
});

test('reads the same tree from a tar, streamed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowseg-tar-'));
  try {
    const tar = join(dir, 'tree.tar');
    writeFileSync(tar, await tarOf(tinyTreeFiles()));
    checkTiny(await collect(tar));
  } finally {
    rmSync(dir, { recursive: true });
  }
});

/** Builds a tiny tree, lets `damage` change it, and returns its root. */
function damagedTree(damage: (files: Map<string, Buffer>) => void): string {
  const files = tinyTreeFiles();
  damage(files);
  return writeTree(files);
}

const badCases: [string, (f: Map<string, Buffer>) => void, RegExp[]][] = [
  [
    'corrupt PNG',
    (f) => f.set('P-1/nodule-0/images/slice-1.png', Buffer.from('not a png at all')),
    [/P-1\/nodule-0\/images\/slice-1\.png/, /not a readable PNG/],
  ],
  [
    'truncated PNG',
    (f) => {
      const b = f.get('P-0/nodule-1/mask-2/slice-0.png') as Buffer;
      f.set('P-0/nodule-1/mask-2/slice-0.png', b.subarray(0, b.length - 20));
    },
    [/mask-2\/slice-0\.png/, /corrupt or truncated/],
  ],
  [
    'wrong image size',
    (f) =>
      f.set(
        'P-1/nodule-1/images/slice-2.png',
        grayPng(4, 4, () => 9),
      ),
    [/slice-2\.png is 4×4, expected 8×8/],
  ],
  [
    'non-binary mask values',
    (f) =>
      f.set(
        'P-0/nodule-0/mask-1/slice-2.png',
        grayPng(8, 8, (y) => (y === 3 ? 128 : 0)),
      ),
    [/mask-1\/slice-2\.png holds the value 128/, /exactly 0 or 255/],
  ],
  [
    'missing rater folder',
    (f) => {
      for (const k of [...f.keys()]) if (k.startsWith('P-1/nodule-0/mask-1/')) f.delete(k);
    },
    [/P-1\/nodule-0 is missing rater folder\(s\) mask-1\//],
  ],
  [
    'unequal rater counts',
    (f) => {
      for (const k of [...f.keys()]) if (k.startsWith('P-1/nodule-1/mask-3/')) f.delete(k);
    },
    [/P-1\/nodule-1 has 3 rater folder\(s\) but earlier nodules have 4/],
  ],
  ['missing mask file', (f) => f.delete('P-0/nodule-1/mask-0/slice-2.png'), [/mask-0\/slice-2\.png is missing/]],
];

for (const [name, damage, patterns] of badCases) {
  test(`bad input: ${name} → one clear error naming the file`, async () => {
    const root = damagedTree(damage);
    try {
      await expectInputError(root, ...patterns);
    } finally {
      rmSync(root, { recursive: true });
    }
  });
}

test('bad input: empty dataset and missing path', async () => {
  const root = mkdtempSync(join(tmpdir(), 'flowseg-empty-'));
  try {
    mkdirSync(join(root, 'P-0'));
    await expectInputError(root, /holds no <patient>\/nodule-<k>/);
    await expectInputError(join(root, 'nope'), /does not exist/);
  } finally {
    rmSync(root, { recursive: true });
  }
});

test('bad input: --size mismatch names the expected size', async () => {
  const root = writeTree(tinyTreeFiles());
  try {
    await assert.rejects(collect(root, 16), /images\/slice-0\.png is 8×8, expected 16×16/);
  } finally {
    rmSync(root, { recursive: true });
  }
});

function histogram(items: DataItem[]): number[] {
  const h = [0, 0, 0, 0, 0];
  for (const it of items) h[nonEmptyRaterCount(it)]++;
  return h;
}

const shared = sharedDataDir();
const skip = shared ? false : 'shared data (../shared/data) not present';

test('shared lidc-png: 1,021 slices, 60 patients, histogram 1/301/160/174/385', { skip }, async () => {
  const items = await collect(join(shared as string, 'lidc-png'));
  assert.equal(items.length, 1021);
  assert.equal(new Set(items.map((i) => i.patientId)).size, 60);
  assert.deepEqual(histogram(items), [1, 301, 160, 174, 385]);
  for (const it of items) {
    assert.deepEqual([it.channels, it.height, it.width, it.raters], [1, 128, 128, 4]);
  }
  assert.equal(items[0].id, 'LIDC-IDRI-0001/nodule-0/slice-0');
});

test('shared lidc-dev.tar: 2,492 slices, 183 patients, histogram 1/612/482/422/975', { skip }, async () => {
  const items: { patientId: string; k: number }[] = [];
  for await (const it of readLidcPng(join(shared as string, 'lidc-dev.tar'))) {
    items.push({ patientId: it.patientId, k: nonEmptyRaterCount(it) }); // keep memory small
  }
  assert.equal(items.length, 2492);
  assert.equal(new Set(items.map((i) => i.patientId)).size, 183);
  const h = [0, 0, 0, 0, 0];
  for (const it of items) h[it.k]++;
  assert.deepEqual(h, [1, 612, 482, 422, 975]);
});
