import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzipSync, gzipSync } from 'fflate';
import { FlowsegInputError } from '../util/errors.js';
import { affineFromColumns, flipXY } from './affine.js';
import { encodeNifti } from './niftiWrite.js';
import { readNiftiVolume } from './niftiVolume.js';

// An oblique RAS grid (rotation about z by 20°, a flipped row axis) and a 5×4×3 ramp.
const t = (20 * Math.PI) / 180;
const affineRas = affineFromColumns([0.7 * Math.cos(t), 0.7 * Math.sin(t), 0], [0.9 * Math.sin(t), -0.9 * Math.cos(t), 0], [0, 0, 2.5], [-90, 110, -40]);
const data = Float32Array.from({ length: 60 }, (_, i) => i * 10 - 1024);
const close = (a: readonly number[], b: readonly number[]): boolean => a.every((v, i) => Math.abs(v - b[i]) < 1e-4);

test('encodeNifti → readNiftiVolume keeps voxels, the affine (sform) and the frame', () => {
  const bytes = encodeNifti({ data, nx: 5, ny: 4, nz: 3, affineRas, description: 'ramp' });
  const v = readNiftiVolume({ name: 'r.nii.gz', bytes });
  assert.deepEqual([v.nx, v.ny, v.nz, v.frame], [5, 4, 3, 'RAS']);
  assert.deepEqual(v.voxels, data);
  assert.ok(close(v.affine, affineRas), `${v.affine}`);
  assert.ok(close(v.spacing, [0.7, 0.9, 2.5]));
  assert.match(v.description, /^ramp 5×4×3$/);
});

test('the qform alone gives the same affine (the quaternion of a left-handed grid, qfac −1)', () => {
  const raw = gunzipSync(encodeNifti({ data, nx: 5, ny: 4, nz: 3, affineRas }));
  new DataView(raw.buffer).setInt16(254, 0, true); // sform_code 0: readers fall back to the qform
  const v = readNiftiVolume({ name: 'q.nii', bytes: raw });
  // float32 quaternion parameters (a = √(1 − b² − c² − d²) is recomputed) hold the rotation to ~1e-3
  assert.ok(
    v.affine.every((x, i) => Math.abs(x - affineRas[i]) < 2e-3),
    `${v.affine}`,
  );
  const lps = flipXY(affineRas); // a DICOM-like affine, written as RAS, must survive the same way
  const v2 = readNiftiVolume({ name: 'q2.nii', bytes: encodeNifti({ data, nx: 5, ny: 4, nz: 3, affineRas: lps }) });
  assert.ok(close(v2.affine, lps));
});

test('uint8 labels; truncated and oversized files are one line', () => {
  const labels = Uint8Array.from({ length: 60 }, (_, i) => i % 2);
  assert.deepEqual(
    Array.from(readNiftiVolume({ name: 'l.nii.gz', bytes: encodeNifti({ data: labels, nx: 5, ny: 4, nz: 3, affineRas }) }).voxels),
    Array.from(labels),
  );
  const raw = gunzipSync(encodeNifti({ data, nx: 5, ny: 4, nz: 3, affineRas }));
  const refused = (re: RegExp) => (e: unknown) => e instanceof FlowsegInputError && re.test(e.message);
  assert.throws(() => readNiftiVolume({ name: 'cut.nii.gz', bytes: gzipSync(raw.subarray(0, 400)) }), refused(/^cut\.nii\.gz: truncated/));
  const big = raw.slice(0, 352);
  const v = new DataView(big.buffer);
  for (const [i, d] of [3, 30000, 30000, 600].entries()) v.setInt16(40 + 2 * i, d, true);
  assert.throws(() => readNiftiVolume({ name: 'big.nii.gz', bytes: gzipSync(big) }), refused(/^big\.nii\.gz: slices are 30000×30000 pixels/));
});
