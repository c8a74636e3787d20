import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { packageRoot, sharedDataDir } from '../util/paths.js';
import { readLidcPickle } from './lidcPickle.js';
import { readLidcPng } from './lidcPngTree.js';
import { nonEmptyRaterCount } from './summary.js';
import type { DataItem } from './types.js';

async function collect(stream: AsyncIterable<DataItem>, limit = Number.POSITIVE_INFINITY): Promise<DataItem[]> {
  const out: DataItem[] = [];
  for await (const it of stream) {
    out.push(it);
    if (out.length >= limit) break;
  }
  return out;
}

function histogram(items: DataItem[]): number[] {
  const h = [0, 0, 0, 0, 0];
  for (const it of items) h[nonEmptyRaterCount(it)]++;
  return h;
}

test('tiny fixture → DataItems (key → id, series_uid → patient, float32 image, uint8 masks)', async () => {
  const items = await collect(readLidcPickle(join(packageRoot(), 'test-fixtures', 'pickle', 'tiny.p4.pickle')));
  assert.equal(items.length, 3);
  const it = items[2];
  assert.equal(it.id, '000000000000000000000000000001_slice0');
  assert.equal(it.patientId, '1.2.3.1');
  assert.deepEqual([it.channels, it.height, it.width, it.raters], [1, 8, 8, 4]);
  assert.ok(it.image instanceof Float32Array && it.masks instanceof Uint8Array);
  assert.equal(it.image[5], Math.fround(((2 * 7 + 5) % 256) / 255));
  assert.equal(nonEmptyRaterCount(it), 3);
  assert.deepEqual(histogram(items), [0, 0, 0, 3, 0]);
});

const shared = sharedDataDir();
const skip = shared ? false : 'shared data (../shared/data) not present';

function sameSlice(a: DataItem, b: DataItem, label: string): void {
  assert.deepEqual([a.height, a.width, a.raters], [b.height, b.width, b.raters], label);
  assert.ok(Buffer.from(a.image.buffer).equals(Buffer.from(b.image.buffer)), `${label}: image differs`);
  assert.ok(Buffer.from(a.masks).equals(Buffer.from(b.masks)), `${label}: masks differ`);
}

test('shared samples: counts, patients and histograms match the README', { skip }, async () => {
  const p3 = await collect(readLidcPickle(join(shared as string, 'lidc_kohl_sample.pickle')));
  assert.equal(p3.length, 60);
  assert.equal(new Set(p3.map((i) => i.patientId)).size, 6);
  assert.deepEqual(histogram(p3), [0, 16, 26, 3, 15]);
  const p2 = await collect(readLidcPickle(join(shared as string, 'lidc_kohl_sample.p2.pickle')));
  assert.equal(p2.length, 20);
  assert.equal(new Set(p2.map((i) => i.patientId)).size, 3);
  assert.deepEqual(histogram(p2), [0, 9, 5, 1, 5]);
});

test('shared samples agree slice by slice with the PNG tree (images = PNG/255)', { skip }, async () => {
  const png = await collect(readLidcPng(join(shared as string, 'lidc-png')), 300);
  const p3 = await collect(readLidcPickle(join(shared as string, 'lidc_kohl_sample.pickle')));
  p3.forEach((it, i) => {
    sameSlice(it, png[i], `${it.id} vs ${png[i].id}`);
  });
  // The protocol-2 file starts at the 4th patient of lidc-png.
  const patients = [...new Set(png.map((i) => i.patientId))];
  const start = png.findIndex((i) => i.patientId === patients[3]);
  const p2 = await collect(readLidcPickle(join(shared as string, 'lidc_kohl_sample.p2.pickle')));
  p2.forEach((it, i) => {
    sameSlice(it, png[start + i], `${it.id} vs ${png[start + i].id}`);
  });
});
