import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlowsegInputError } from '../util/errors.js';
import { checkPoint, cropSlice, cropWindow, pasteBack } from './crop.js';

// A 6×5 slice whose value is 10·y + x.
const nx = 6;
const ny = 5;
const slice = Float32Array.from({ length: nx * ny }, (_, i) => 10 * Math.floor(i / nx) + (i % nx));

test('the point lands on crop pixel (size/2, size/2)', () => {
  const w = cropWindow(3, 2, 4);
  assert.deepEqual(w, { x0: 1, y0: 0, size: 4 });
  const crop = cropSlice(slice, nx, ny, w, -1);
  assert.equal(crop[2 * 4 + 2], 10 * 2 + 3);
});

test('pixels outside the slice are padded, inside copied at native resolution', () => {
  const w = cropWindow(0, 0, 4); // x0 = y0 = −2
  const crop = cropSlice(slice, nx, ny, w, -7);
  assert.deepEqual(Array.from(crop), [-7, -7, -7, -7, -7, -7, -7, -7, -7, -7, 0, 1, -7, -7, 10, 11]);
});

test('pasteBack puts the crop where it came from and fills the rest', () => {
  for (const [x, y] of [
    [0, 0],
    [5, 4],
    [3, 2],
  ]) {
    const w = cropWindow(x, y, 4);
    const back = pasteBack(cropSlice(slice, nx, ny, w, -1), w, nx, ny, -5);
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const inside = i >= w.x0 && i < w.x0 + 4 && j >= w.y0 && j < w.y0 + 4;
        assert.equal(back[j * nx + i], inside ? slice[j * nx + i] : -5, `(${i},${j}) around (${x},${y})`);
      }
    }
  }
});

test('a point outside the slice is one line naming the flag', () => {
  assert.throws(
    () => checkPoint(6, 2, nx, ny),
    (e: unknown) => e instanceof FlowsegInputError && /^--at: the point \(6, 2\) is outside the 6×5 image/.test(e.message),
  );
  assert.throws(
    () => checkPoint(-1, 0, nx, ny, '--at-mm'),
    (e: unknown) => e instanceof FlowsegInputError && e.message.startsWith('--at-mm: '),
  );
  checkPoint(5, 4, nx, ny);
});
