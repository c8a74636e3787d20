import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseNpyHeader } from '../data/npzFormat.js';
import { readNifti } from '../data/image/nifti.js';
import { trainTinyRun } from '../testing/tinyRun.js';
import { runCli } from '../testing/cli.js';

/** A 2-D NIfTI-1 int16 image nx × ny with an sform affine (srow_x/y/z) and 0.7 mm pixels. */
function niftiSlice(nx: number, ny: number): Uint8Array {
  const bytes = new Uint8Array(352 + 2 * nx * ny);
  const v = new DataView(bytes.buffer);
  v.setInt32(0, 348, true);
  for (const [i, d] of [2, nx, ny, 1, 1, 1, 1, 1].entries()) v.setInt16(40 + 2 * i, d, true);
  v.setInt16(70, 4, true); // INT16
  v.setInt16(72, 16, true);
  for (const [i, p] of [1, 0.7, 0.7, 2.5].entries()) v.setFloat32(76 + 4 * i, p, true);
  v.setFloat32(108, 352, true);
  v.setInt16(254, 1, true); // sform_code
  const srow = [
    [-0.7, 0, 0, 90.5],
    [0, 0.7, 0, -120.25],
    [0, 0, 2.5, 33],
  ];
  for (const [r, row] of srow.entries()) for (const [c, x] of row.entries()) v.setFloat32(280 + 16 * r + 4 * c, x, true);
  bytes.set([110, 43, 49, 0], 344);
  for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) v.setInt16(352 + 2 * (y * nx + x), -1000 + 40 * Math.hypot(x - nx / 2, y - ny / 2), true);
  return bytes;
}

test('sample on a 2-D NIfTI: mean/std/entropy .nii.gz at the input size with the input affine, values = the .npy maps resized', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fs-nii-'));
  const run = trainTinyRun('probunet', 'none', 4);
  const input = join(dir, 'slice.nii');
  writeFileSync(input, niftiSlice(24, 20));
  const r = runCli(['sample', '--checkpoint', run, '--image', input, '--resize', '-n', '4', '--out', join(dir, 's')]);
  assert.equal(r.status, 0, r.stderr);
  const raw = gunzipSync(readFileSync(join(dir, 's', 'mean.nii.gz')));
  const inHeader = niftiSlice(24, 20).subarray(0, 348);
  assert.deepEqual([...raw.subarray(280, 328)], [...inHeader.subarray(280, 328)], 'srow_x/y/z kept');
  assert.deepEqual([...raw.subarray(76, 92)], [...inHeader.subarray(76, 92)], 'pixdim kept');
  const v = new DataView(raw.buffer, raw.byteOffset);
  assert.deepEqual([v.getInt16(40, true), v.getInt16(42, true), v.getInt16(44, true), v.getInt16(70, true)], [2, 24, 20, 16]);
  const map = new Float32Array(raw.buffer.slice(raw.byteOffset + 352, raw.byteOffset + 352 + 4 * 24 * 20));
  const npy = readFileSync(join(dir, 's', 'mean.npy'));
  const h = parseNpyHeader(new Uint8Array(npy.buffer, npy.byteOffset, npy.length));
  const small = new Float32Array(npy.buffer.slice(npy.byteOffset + h.dataOffset, npy.byteOffset + npy.length));
  const mean = (a: Float32Array): number => a.reduce((s, x) => s + x, 0) / a.length;
  assert.ok(map.every((x) => x >= 0 && x <= 1));
  assert.ok(Math.abs(mean(map) - mean(small)) < 0.05, `${mean(map)} vs ${mean(small)}`);
  const again = readNifti(join(dir, 's', 'std.nii.gz'));
  return again.then((vol) => assert.deepEqual([vol.nx, vol.ny, vol.nz], [24, 20, 1]));
});

test('--resize refuses a 3-D NIfTI with a one-line hint (volumes take --at / --slice)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fs-nii3-'));
  const run = trainTinyRun('probunet', 'none', 2);
  const bytes = niftiSlice(8, 8);
  const vol = new Uint8Array(352 + 2 * 8 * 8 * 3);
  vol.set(bytes.subarray(0, 352));
  new DataView(vol.buffer).setInt16(40, 3, true);
  new DataView(vol.buffer).setInt16(46, 3, true);
  writeFileSync(join(dir, 'vol.nii'), vol);
  const r = runCli(['sample', '--checkpoint', run, '--image', join(dir, 'vol.nii'), '--resize', '--out', join(dir, 's')]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /a 3-D volume \(8×8×3\); --resize shrinks 2-D images — give --at x,y\[,z\] or --slice k instead/);
});
