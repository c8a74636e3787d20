import { test } from 'node:test';
import assert from 'node:assert/strict';
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
