import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import jpeg from 'jpeg-js';
import { FlowsegInputError } from '../util/errors.js';
import { sharedDataDir } from '../util/paths.js';
import type { ReaderOptions } from './types.js';
import { readKvasir } from './kvasir.js';
import type { DataItem } from './types.js';

/** Every fixture of this file lives under one temp folder, removed when the tests end. */
const scratch = mkdtempSync(join(tmpdir(), 'flowseg-kvasir-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const collect = async (input: string, options: ReaderOptions = {}): Promise<DataItem[]> => {
  const out: DataItem[] = [];
  for await (const it of readKvasir(input, options)) out.push(it);
  return out;
};

/** A `w × h` JPEG whose pixels come from `f(x, y) → [r, g, b]`. */
function jpg(w: number, h: number, f: (x: number, y: number) => [number, number, number]): Uint8Array {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) data.set([...f(x, y), 255], 4 * (y * w + x));
  }
  return jpeg.encode({ width: w, height: h, data }, 95).data;
}

/** Two 64×48 pairs: a red-ish image, mask = left half. */
function fixture(): string {
  const dir = mkdtempSync(join(scratch, 'kvasir-'));
  mkdirSync(join(dir, 'images'));
  mkdirSync(join(dir, 'masks'));
  for (const id of ['a', 'b']) {
    writeFileSync(
      join(dir, 'images', `${id}.jpg`),
      jpg(64, 48, () => [200, 100, 50]),
    );
    writeFileSync(
      join(dir, 'masks', `${id}.jpg`),
      jpg(64, 48, (x) => (x < 32 ? [255, 255, 255] : [0, 0, 0])),
    );
  }
  return dir;
}

test('kvasir fixture: resized to size, gray by BT.601 luminance, mask = left half', async () => {
  const items = await collect(fixture(), { size: 16 });
  assert.deepEqual(
    items.map((i) => [i.id, i.patientId, i.channels, i.height, i.width, i.raters]),
    [
      ['a', 'a', 1, 16, 16, 1],
      ['b', 'b', 1, 16, 16, 1],
    ],
  );
  const gray = (0.299 * 200 + 0.587 * 100 + 0.114 * 50) / 255;
  assert.ok(Math.abs(items[0].image[5 * 16 + 5] - gray) < 0.03);
  assert.deepEqual([...items[0].masks.subarray(16 * 8, 16 * 9)], [...Array(8).fill(1), ...Array(8).fill(0)]);
  const [rgb] = await collect(fixture(), { size: 8, grayscale: false, limit: 1 });
  assert.equal(rgb.channels, 3);
  assert.equal(rgb.image.length, 3 * 64);
  assert.ok(Math.abs(rgb.image[0] - 200 / 255) < 0.03 && Math.abs(rgb.image[64] - 100 / 255) < 0.03);
});

test('kvasir bad input: truncated JPEG, missing mask, mask size, empty dataset', async () => {
  const rejects = (dir: string, pattern: RegExp) => assert.rejects(collect(dir), (e: unknown) => e instanceof FlowsegInputError && pattern.test(e.message));
  const cut = fixture();
  const bytes = readFileSync(join(cut, 'images', 'b.jpg'));
  writeFileSync(join(cut, 'images', 'b.jpg'), bytes.subarray(0, bytes.length >> 1));
  await rejects(cut, /images\/b\.jpg: cannot decode JPEG .*corrupt or truncated/);

  const missing = fixture();
  rmSync(join(missing, 'masks', 'b.jpg'));
  await rejects(missing, /masks\/b\.jpg is missing for .*images\/b\.jpg/);

  const size = fixture();
  writeFileSync(
    join(size, 'masks', 'a.jpg'),
    jpg(32, 48, () => [0, 0, 0]),
  );
  await rejects(size, /masks\/a\.jpg is 32×48, expected 64×48/);

  const empty = mkdtempSync(join(scratch, 'kvasir-empty-'));
  mkdirSync(join(empty, 'images'));
  mkdirSync(join(empty, 'masks'));
  await rejects(empty, /no \.jpg\/\.png images; the dataset is empty/);
  await rejects(join(empty, 'nowhere'), /images is missing/);
});

test('kvasir on ../shared/data/kvasir: 100 items, 128×128, masks 0/1, images in [0, 1]', async (t) => {
  const shared = sharedDataDir();
  if (shared === undefined) return t.skip('../shared/data not present');
  const items = await collect(join(shared, 'kvasir'));
  assert.equal(items.length, 100);
  let fg = 0;
  for (const it of items) {
    assert.deepEqual([it.channels, it.height, it.width, it.raters, it.image.length, it.masks.length], [1, 128, 128, 1, 128 * 128, 128 * 128]);
    assert.ok(it.image.every((v) => v >= 0 && v <= 1));
    assert.ok(it.masks.every((v) => v === 0 || v === 1));
    const ones = it.masks.reduce((a, b) => a + b, 0);
    assert.ok(ones > 0, `${it.id}: every Kvasir image shows a polyp`);
    fg += ones;
  }
  assert.equal(new Set(items.map((i) => i.id)).size, 100);
  const frac = fg / (100 * 128 * 128);
  assert.ok(frac > 0.05 && frac < 0.4, `polyp area fraction ${frac}`);
});
