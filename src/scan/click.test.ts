import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixtureCrop, writeCtSeries } from '../testing/ctSeries.js';
import { FlowsegInputError } from '../util/errors.js';
import { voxelToWorld } from './affine.js';
import { clickCrop, voxelOfWorld } from './click.js';
import { pasteBack } from './crop.js';
import { readDicomSeries } from './dicomSeries.js';
import { sliceOf } from './volume.js';

const crop = fixtureCrop();
const v = readDicomSeries(writeCtSeries({ crop, x0: 301, y0: 97, k: 2, slices: 4, shuffleSeed: 1 }));

test('a click at the lesion centre gives the PNG crop as model input (±1 gray level)', () => {
  const c = clickCrop(v, { x: 301 + 64, y: 97 + 64, k: 2 }, 128);
  let worst = 0;
  for (let i = 0; i < 128 * 128; i++) worst = Math.max(worst, Math.abs(c.input[i] * 255 - crop.gray[i]));
  assert.ok(worst <= 1, `worst difference ${worst} gray levels`);
  assert.equal(Math.round(c.input[64 * 128 + 64] * 255), crop.gray[64 * 128 + 64]);
});

test("the raters' mask pasted back lands on the lesion pixels of the slice", () => {
  const c = clickCrop(v, { x: 365, y: 161, k: 2 }, 128);
  const full = pasteBack(crop.masks[0], c.window, v.nx, v.ny);
  const slice = sliceOf(v, 2);
  let inside = 0;
  let meanHu = 0;
  for (let p = 0; p < full.length; p++) {
    if (full[p] !== 1) continue;
    const x = p % v.nx;
    const y = Math.floor(p / v.nx);
    assert.ok(x >= 301 && x < 429 && y >= 97 && y < 225);
    inside++;
    meanHu += slice[p];
    assert.equal(crop.masks[0][(y - 97) * 128 + x - 301], 1);
  }
  assert.equal(
    inside,
    crop.masks[0].reduce((s, m) => s + m, 0),
  );
  let restHu = 0;
  for (let i = 0; i < 128 * 128; i++) restHu += crop.masks[0][i] ? 0 : c.values[i];
  restHu /= 128 * 128 - inside;
  assert.ok(meanHu / inside > restHu + 200, `the nodule is denser than its surroundings: ${meanHu / inside} vs ${restHu} HU`);
});

test('--at-mm: the world point of a voxel clicks that voxel; points off the grid are refused', () => {
  assert.deepEqual(voxelOfWorld(v, voxelToWorld(v.affine, [365, 161, 2])), { x: 365, y: 161, k: 2 });
  assert.throws(
    () => voxelOfWorld(v, voxelToWorld(v.affine, [365, 161, 9])),
    (e: unknown) => e instanceof FlowsegInputError && /slice 9\.0, outside the 4 slices/.test(e.message),
  );
  assert.throws(
    () => clickCrop(v, { x: 512, y: 3, k: 0 }, 128),
    (e: unknown) => e instanceof FlowsegInputError && /^--at: the point \(512, 3\) is outside the 512×512 image/.test(e.message),
  );
  assert.throws(() => clickCrop(v, { x: 5, y: 3, k: 4 }, 128), /--at: slice 4 is outside the volume of 4 slices/);
});

test('a click near the border pads with the slice minimum, which maps to 0', () => {
  const c = clickCrop(v, { x: 3, y: 3, k: 0 }, 128);
  assert.equal(c.values[0], -1024);
  assert.equal(c.input[0], 0);
});
