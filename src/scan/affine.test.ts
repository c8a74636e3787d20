import assert from 'node:assert/strict';
import { test } from 'node:test';
import { affineFromColumns, flipXY, sliceAffine, voxelToWorld, worldToVoxel } from './affine.js';

// A tilted grid: 0.7 mm columns along (cos 30°, sin 30°, 0), 0.8 mm rows along (−sin, cos, 0), 2.5 mm slices along z.
const c = Math.cos(Math.PI / 6);
const s = Math.sin(Math.PI / 6);
const a = affineFromColumns([0.7 * c, 0.7 * s, 0], [-0.8 * s, 0.8 * c, 0], [0, 0, 2.5], [-100, 50, 12]);

test('voxel → world by hand: origin, one step along each index', () => {
  assert.deepEqual(voxelToWorld(a, [0, 0, 0]), [-100, 50, 12]);
  const p = voxelToWorld(a, [10, 20, 3]);
  assert.ok(Math.abs(p[0] - (-100 + 7 * c - 16 * s)) < 1e-9);
  assert.ok(Math.abs(p[1] - (50 + 7 * s + 16 * c)) < 1e-9);
  assert.ok(Math.abs(p[2] - 19.5) < 1e-9);
});

test('world → voxel inverts voxel → world', () => {
  const back = worldToVoxel(a, voxelToWorld(a, [123.5, 7, 4]));
  for (const [i, v] of [123.5, 7, 4].entries()) assert.ok(Math.abs(back[i] - v) < 1e-9, `${back}`);
});

test('LPS ↔ RAS negates x and y, keeps z; a slice affine starts at slice k', () => {
  const ras = flipXY(a);
  const lps = voxelToWorld(a, [5, 6, 2]);
  assert.deepEqual(
    voxelToWorld(ras, [5, 6, 2]).map((v) => Math.round(v * 1e9) / 1e9),
    [-lps[0], -lps[1], lps[2]].map((v) => Math.round(v * 1e9) / 1e9),
  );
  assert.deepEqual(voxelToWorld(sliceAffine(a, 3), [5, 6, 0]), voxelToWorld(a, [5, 6, 3]));
});
