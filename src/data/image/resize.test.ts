import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resizeBilinear, resizeMaskSmooth, resizeNearest } from './resize.js';

test('bilinear 2× downscale averages each 2×2 block (pixel-centre sampling)', () => {
  const src = Float32Array.from([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30]); // [1, 4, 4]
  assert.deepEqual([...resizeBilinear(src, 1, 4, 4, 2, 2)], [5, 9, 21, 25]);
});

test('bilinear upscale keeps constants and stays within the source range, per plane', () => {
  const src = Float32Array.from([1, 1, 1, 1, 0, 1, 0, 1]); // [2, 2, 2]
  const out = resizeBilinear(src, 2, 2, 2, 5, 3); // [2, 5, 3]
  assert.ok(out.subarray(0, 15).every((v) => v === 1));
  assert.ok(out.subarray(15).every((v) => v >= 0 && v <= 1));
  assert.equal(out[15], 0);
  assert.equal(out[17], 1);
});

test('nearest and smooth mask resizing keep values 0/1', () => {
  const mask = Uint8Array.from([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 1]); // [1, 4, 4]
  assert.deepEqual([...resizeNearest(mask, 1, 4, 4, 2, 2)], [1, 0, 0, 1]);
  // Smooth keeps a pixel when at least 2 of its 4 sources are set.
  assert.deepEqual([...resizeMaskSmooth(mask, 1, 4, 4, 2, 2)], [1, 0, 0, 1]);
  assert.deepEqual([...resizeNearest(Uint8Array.from([0, 1]), 1, 1, 2, 1, 4)], [0, 0, 1, 1]);
  const same = Uint8Array.from([1, 0]);
  assert.equal(resizeNearest(same, 1, 1, 2, 1, 2), same);
});
