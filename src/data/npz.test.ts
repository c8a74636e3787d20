import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { zipSync } from 'fflate';
import { FlowsegInputError } from '../util/errors.js';
import { packageRoot } from '../util/paths.js';
import { readNpz } from './npz.js';
import { encodeNpy, parseDtype } from './npzFormat.js';
import type { DataItem } from './types.js';

/** Every fixture of this file lives under one temp folder, removed when the tests end. */
const scratch = mkdtempSync(join(tmpdir(), 'flowseg-npz-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const fixtures = join(packageRoot(), 'test-fixtures', 'npz');
const collect = async (input: string, limit?: number): Promise<DataItem[]> => {
  const out: DataItem[] = [];
  for await (const it of readNpz(input, { limit })) out.push(it);
  return out;
};
// The formulas of test-fixtures/npz/make_fixtures.py.
const imageAt = (n: number, c: number, y: number, x: number): number => (100 * n + 20 * c + 5 * y + x) / 1000;
const maskAt = (n: number, r: number, y: number, x: number): number => ((n + r + y + x) % 2 === 0 ? 1 : 0);

function checkFormulas(items: DataItem[], C: number): void {
  assert.equal(items.length, 3);
  for (const [n, it] of items.entries()) {
    assert.deepEqual([it.channels, it.raters, it.height, it.width], [C, 2, 4, 5]);
    for (let c = 0; c < C; c++) {
      for (let y = 0; y < 4; y++) {
        for (let x = 0; x < 5; x++) assert.ok(Math.abs(it.image[c * 20 + y * 5 + x] - imageAt(n, c, y, x)) < 1e-6);
      }
    }
    for (let r = 0; r < 2; r++) {
      for (let y = 0; y < 4; y++) for (let x = 0; x < 5; x++) assert.equal(it.masks[r * 20 + y * 5 + x], maskAt(n, r, y, x));
    }
  }
}

test('npz (np.savez, stored): values, unicode ids, byte-string patient ids', async () => {
  const items = await collect(join(fixtures, 'stored.npz'));
  checkFormulas(items, 2);
  assert.deepEqual(
    items.map((i) => i.id),
    ['case-a', 'case-b', 'case-ü'],
  );
  assert.deepEqual(
    items.map((i) => i.patientId),
    ['p1', 'p1', 'p2'],
  );
});

test('npz (np.savez_compressed): big-endian float64 images, bool masks, streamed inflate', async () => {
  const items = await collect(join(fixtures, 'compressed.npz'));
  checkFormulas(items, 2);
  assert.deepEqual(
    items.map((i) => i.id),
    ['0', '1', '2'],
  );
  assert.equal((await collect(join(fixtures, 'compressed.npz'), 2)).length, 2);
});

test('npy folder: uint8 [N,H,W] images scaled by 1/255, v2-header int64 masks, integer patient ids', async () => {
  const items = await collect(join(fixtures, 'folder'));
  assert.equal(items.length, 3);
  assert.equal(items[1].channels, 1);
  assert.ok(Math.abs(items[1].image[3] - ((20 + 3) * 4) / 255) < 1e-6);
  assert.deepEqual(
    items.map((i) => i.patientId),
    ['7', '7', '9'],
  );
  assert.equal(items[2].masks[0], maskAt(2, 0, 0, 0));
});

test('npz built in memory: [N,H,W] masks mean one rater', async () => {
  const dir = mkdtempSync(join(scratch, 'npz-'));
  const file = join(dir, 'one.npz');
  const images = new Float32Array([0, 0.5, 1, 0.25]);
  writeFileSync(
    file,
    zipSync({
      'images.npy': encodeNpy('<f4', [1, 2, 2], new Uint8Array(images.buffer)),
      'masks.npy': encodeNpy('|u1', [1, 2, 2], new Uint8Array([0, 1, 1, 0])),
    }),
  );
  const [it] = await collect(file);
  assert.deepEqual([it.raters, it.channels, [...it.image], [...it.masks]], [1, 1, [0, 0.5, 1, 0.25], [0, 1, 1, 0]]);
});

test('npz deflated across many inflate chunks: every value survives the streaming', async () => {
  const dir = mkdtempSync(join(scratch, 'npz-big-'));
  const [N, H, W] = [40, 128, 128]; // 2.6 MB of incompressible floats > several 1 MiB chunks
  const images = new Float32Array(N * H * W);
  let s = 12345;
  for (let i = 0; i < images.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    images[i] = s / 2 ** 32;
  }
  const masks = new Uint8Array(N * H * W).map((_, i) => (i % 3 === 0 ? 1 : 0));
  const file = join(dir, 'big.npz');
  const npz = {
    'images.npy': encodeNpy('<f4', [N, H, W], new Uint8Array(images.buffer)),
    'masks.npy': encodeNpy('|u1', [N, 1, H, W], masks),
  };
  writeFileSync(file, zipSync(npz, { level: 6 }));
  const items = await collect(file);
  assert.equal(items.length, N);
  for (const [n, it] of items.entries()) {
    assert.deepEqual(it.image, images.subarray(n * H * W, (n + 1) * H * W));
    assert.deepEqual(it.masks, masks.subarray(n * H * W, (n + 1) * H * W));
  }
});

async function rejects(input: string, pattern: RegExp): Promise<void> {
  await assert.rejects(collect(input), (e: unknown) => e instanceof FlowsegInputError && pattern.test(e.message));
}

test('npz bad input: fortran order, truncated, non-binary masks, missing arrays, shape mismatch', async () => {
  const dir = mkdtempSync(join(scratch, 'npz-bad-'));
  // Fortran-ordered images.
  mkdirSync(join(dir, 'fortran'));
  copyFileSync(join(fixtures, 'fortran.npy'), join(dir, 'fortran', 'images.npy'));
  copyFileSync(join(fixtures, 'folder', 'masks.npy'), join(dir, 'fortran', 'masks.npy'));
  await rejects(join(dir, 'fortran'), /images\.npy: array is Fortran-ordered; save it with .*ascontiguousarray/);
  // Truncated .npz (end record cut off) and truncated .npy data.
  const stored = readFileSync(join(fixtures, 'stored.npz'));
  writeFileSync(join(dir, 'cut.npz'), stored.subarray(0, stored.length - 100));
  await rejects(join(dir, 'cut.npz'), /cut\.npz: .*corrupt or truncated/);
  mkdirSync(join(dir, 'short'));
  const masks = readFileSync(join(fixtures, 'folder', 'masks.npy'));
  copyFileSync(join(fixtures, 'folder', 'images.npy'), join(dir, 'short', 'images.npy'));
  writeFileSync(join(dir, 'short', 'masks.npy'), masks.subarray(0, masks.length - 8));
  await rejects(join(dir, 'short'), /masks\.npy: truncated/);
  // Non-binary masks, missing masks, mismatched shapes.
  const img = encodeNpy('<f4', [1, 2, 2], new Uint8Array(16));
  writeFileSync(join(dir, 'soft.npz'), zipSync({ 'images.npy': img, 'masks.npy': encodeNpy('|u1', [1, 1, 2, 2], new Uint8Array([0, 255, 0, 0])) }));
  await rejects(join(dir, 'soft.npz'), /soft\.npz:masks\[0, 0\] holds 255; masks must be 0\/1/);
  writeFileSync(join(dir, 'nomask.npz'), zipSync({ 'images.npy': img, 'labels.npy': img }));
  await rejects(join(dir, 'nomask.npz'), /holds images, labels; expected arrays "images" and "masks"/);
  writeFileSync(join(dir, 'shape.npz'), zipSync({ 'images.npy': img, 'masks.npy': encodeNpy('|u1', [1, 1, 3, 2], new Uint8Array(6)) }));
  await rejects(join(dir, 'shape.npz'), /masks must be \[1, R, 2, 2\]/);
  writeFileSync(
    join(dir, 'empty.npz'),
    zipSync({ 'images.npy': encodeNpy('<f4', [0, 2, 2], new Uint8Array(0)), 'masks.npy': encodeNpy('|u1', [0, 1, 2, 2], new Uint8Array(0)) }),
  );
  await rejects(join(dir, 'empty.npz'), /empty dataset/);
  await rejects(join(fixtures, 'fortran.npy'), /a lone \.npy has no masks/);
});

test('npy dtypes: object arrays are refused, odd sizes rejected', () => {
  assert.throws(() => parseDtype('|O'), /pickled Python objects/);
  assert.throws(() => parseDtype('<f3'), /not supported/);
  assert.deepEqual(parseDtype('<U6'), { descr: '<U6', kind: 'U', size: 24, littleEndian: true });
});
