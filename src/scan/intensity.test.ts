import assert from 'node:assert/strict';
import { test } from 'node:test';
import { levelToValue, padValue, toModelInput } from './intensity.js';

test('per-crop min–max by hand: air 0, lung, soft tissue, bone 1', () => {
  const hu = Float32Array.from([-1024, -850, 40, 1016]); // range 2040
  const x = toModelInput(hu, { quantize: false });
  assert.deepEqual(
    Array.from(x, (v) => Math.round(v * 1e6) / 1e6),
    [0, 0.085294, 0.521569, 1],
  );
  // quantized to the training PNGs' 8-bit levels: 174/2040·255 = 21.75 → 22
  assert.deepEqual(
    Array.from(toModelInput(hu), (v) => Math.round(v * 255)),
    [0, 22, 133, 255],
  );
});

test('the same HU maps differently in crops with different extremes (no fixed window)', () => {
  const lungOnly = toModelInput(Float32Array.from([-1000, -850, 100]));
  const withBone = toModelInput(Float32Array.from([-1000, -850, 1400]));
  assert.ok(lungOnly[1] > 2 * withBone[1]);
});

test('levelToValue inverts the mapping within half a level', () => {
  const gray = Array.from({ length: 256 }, (_, g) => g);
  const hu = Float32Array.from(gray, (g) => Math.round(levelToValue(g, -1024, 300)));
  const back = toModelInput(hu);
  for (const g of gray) assert.equal(Math.round(back[g] * 255), g);
});

test('constant crops map to 0; the pad is the slice minimum', () => {
  assert.deepEqual(Array.from(toModelInput(new Float32Array([5, 5]))), [0, 0]);
  assert.equal(padValue(Float32Array.from([40, -3024, -1000])), -3024);
});
