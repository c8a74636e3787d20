import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { encodePng, upscale } from './png.js';
import { applyColormap, viridis } from './colormap.js';
import { linearTicks, logTicks, formatTick } from './ticks.js';
import { FlowsegInputError } from '../../util/errors.js';

test('encodePng writes gray and RGB pixels that decode back exactly', () => {
  const gray = Uint8Array.from([0, 64, 128, 255, 10, 20]);
  const g = PNG.sync.read(encodePng(gray, 2, 3));
  assert.equal(g.width, 3);
  assert.equal(g.height, 2);
  assert.deepEqual([...g.data.subarray(4, 8)], [64, 64, 64, 255]);
  const rgb = Uint8Array.from([255, 0, 0, 0, 255, 0]);
  const c = PNG.sync.read(encodePng(rgb, 1, 2));
  assert.deepEqual([...c.data], [255, 0, 0, 255, 0, 255, 0, 255]);
});

test('encodePng keeps the channel layout (gray, RGB, RGBA) and uses one fixed filter', () => {
  const rgba = Uint8Array.from({ length: 4 * 6 * 5 }, (_, i) => (i * 37) % 256);
  for (const [channels, colorType] of [
    [1, 0],
    [3, 2],
    [4, 6],
  ] as const) {
    const pixels = rgba.subarray(0, channels * 30);
    const bytes = encodePng(pixels, 5, 6);
    assert.equal(bytes[25], colorType); // IHDR colour type
    // IDAT follows IHDR (8 + 25 bytes): every row starts with filter type 2 (Up).
    assert.equal(bytes.toString('latin1', 37, 41), 'IDAT');
    const raw = inflateSync(bytes.subarray(41, 41 + bytes.readUInt32BE(33)));
    assert.equal(raw.length, 5 * (1 + 6 * channels));
    for (let y = 0; y < 5; y++) assert.equal(raw[y * (1 + 6 * channels)], 2);
    const png = PNG.sync.read(bytes);
    for (let i = 0; i < 30; i++) {
      const want =
        channels === 1
          ? [pixels[i], pixels[i], pixels[i], 255]
          : [...pixels.subarray(channels * i, channels * i + 3), channels === 4 ? pixels[4 * i + 3] : 255];
      assert.deepEqual([...png.data.subarray(4 * i, 4 * i + 4)], want);
    }
  }
  // A subarray is encoded from its own offset, not from the start of its buffer.
  const gray = Uint8Array.from([9, 9, 1, 2, 3, 4]).subarray(2);
  assert.deepEqual(
    [...PNG.sync.read(encodePng(gray, 2, 2)).data].filter((_, i) => i % 4 === 0),
    [1, 2, 3, 4],
  );
});

test('encodePng rejects a pixel count that matches no channel layout', () => {
  assert.throws(() => encodePng(new Uint8Array(5), 2, 2), FlowsegInputError);
  assert.throws(() => encodePng(new Uint8Array(0), 0, 2), FlowsegInputError);
});

test('upscale repeats each pixel factor × factor times', () => {
  const out = upscale(Uint8Array.from([1, 2, 3, 4]), 2, 2, 1, 2);
  assert.deepEqual([...out], [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
});

test('viridis runs from dark purple to yellow and clamps', () => {
  assert.deepEqual(viridis(0), [68, 1, 84]);
  assert.deepEqual(viridis(1), [253, 231, 37]);
  assert.deepEqual(viridis(2), viridis(1));
  assert.deepEqual(viridis(Number.NaN), viridis(0));
  assert.deepEqual([...applyColormap([0, 0.5], { min: 0, max: 0.5 })], [68, 1, 84, 253, 231, 37]);
});

test('ticks land on round numbers that cover the data', () => {
  const t = linearTicks(0.013, 0.87);
  assert.deepEqual(
    t.values.map((v) => formatTick(v, t.decimals)),
    ['0', '0.2', '0.4', '0.6', '0.8', '1.0'],
  );
  assert.ok(t.lo <= 0.013 && t.hi >= 0.87);
  assert.deepEqual(logTicks(120, 9000).values, [100, 200, 500, 1000, 2000, 5000, 10000]);
  assert.deepEqual(logTicks(2, 90000).values, [1, 10, 100, 1000, 10000, 100000]);
  assert.deepEqual(linearTicks(5, 5).values.length > 1, true);
});
