import { gzipSync } from 'fflate';
import { columnLength, type Affine } from './affine.js';

export interface NiftiImage {
  /** [nz, ny, nx]: float32 maps, or uint8 labels. */
  data: Float32Array | Uint8Array;
  nx: number;
  ny: number;
  nz: number;
  /** voxel → world in RAS mm (NIfTI's frame; `flipXY` an LPS affine first). */
  affineRas: Affine;
  /** Up to 79 ASCII characters, shown by viewers. */
  description?: string;
}

/**
 * A `.nii.gz` (NIfTI-1, single file) with the geometry in both the sform and the qform (code 1,
 * scanner), so nibabel, ITK/3D Slicer, NiiVue and FSL place it alike. Browser-safe (fflate by default).
 * A sheared affine has no qform: only the sform is written then.
 */
export function encodeNifti(img: NiftiImage, o: { gzip?: (raw: Uint8Array) => Uint8Array } = {}): Uint8Array {
  const { data, nx, ny, nz } = img;
  const a = img.affineRas;
  if (data.length !== nx * ny * nz) throw new Error(`encodeNifti: ${data.length} values for ${nx}×${ny}×${nz}`);
  const labels = data instanceof Uint8Array;
  const bytesPer = labels ? 1 : 4;
  const out = new Uint8Array(352 + bytesPer * data.length);
  const v = new DataView(out.buffer);
  v.setInt32(0, 348, true);
  for (const [i, d] of [3, nx, ny, nz, 1, 1, 1, 1].entries()) v.setInt16(40 + 2 * i, d, true);
  v.setInt16(70, labels ? 2 : 16, true); // datatype UINT8 | FLOAT32
  v.setInt16(72, 8 * bytesPer, true); // bitpix
  const spacing = [columnLength(a, 0), columnLength(a, 1), columnLength(a, 2)];
  const q = quaternion(a, spacing);
  for (const [i, p] of [q?.qfac ?? 1, ...spacing, 1, 1, 1, 1].entries()) v.setFloat32(76 + 4 * i, p, true); // pixdim[0] = qfac
  v.setFloat32(108, 352, true); // vox_offset
  v.setFloat32(112, 1, true); // scl_slope
  out[123] = 2; // xyzt_units: mm
  const text = (img.description ?? '').replace(/[^\x20-\x7e]/g, '?').slice(0, 79);
  for (let i = 0; i < text.length; i++) out[148 + i] = text.charCodeAt(i);
  if (q) {
    v.setInt16(252, 1, true); // qform_code: scanner
    for (const [i, x] of [q.b, q.c, q.d, a[3], a[7], a[11]].entries()) v.setFloat32(256 + 4 * i, x, true);
  }
  v.setInt16(254, 1, true); // sform_code: scanner
  for (let n = 0; n < 12; n++) v.setFloat32(280 + 4 * n, a[n], true); // srow_x, srow_y, srow_z
  out.set([110, 43, 49, 0], 344); // "n+1\0"
  if (labels) out.set(data, 352);
  else for (let i = 0; i < data.length; i++) v.setFloat32(352 + 4 * i, data[i], true);
  // fflate in the browser; Node callers pass node:zlib's gzipSync, ~20× faster on a 512² float map
  return o.gzip ? o.gzip(out) : gzipSync(out, { level: 6 });
}

/** The qform quaternion of the affine's rotation (nifti1_io.c mat44_to_quatern), or undefined when the columns are not orthogonal. */
function quaternion(a: Affine, s: number[]): { b: number; c: number; d: number; qfac: number } | undefined {
  // R[row][col] = affine column col / its length
  const R = [0, 1, 2].map((r) => [0, 1, 2].map((c) => a[4 * r + c] / s[c]));
  for (let c1 = 0; c1 < 3; c1++) {
    for (let c2 = c1 + 1; c2 < 3; c2++) if (Math.abs(R[0][c1] * R[0][c2] + R[1][c1] * R[1][c2] + R[2][c1] * R[2][c2]) > 1e-4) return undefined;
  }
  const det =
    R[0][0] * (R[1][1] * R[2][2] - R[1][2] * R[2][1]) - R[0][1] * (R[1][0] * R[2][2] - R[1][2] * R[2][0]) + R[0][2] * (R[1][0] * R[2][1] - R[1][1] * R[2][0]);
  const qfac = det < 0 ? -1 : 1;
  if (qfac < 0) for (const row of R) row[2] = -row[2];
  const [[r11, r12, r13], [r21, r22, r23], [r31, r32, r33]] = R;
  let a0 = r11 + r22 + r33 + 1;
  let b: number;
  let c: number;
  let d: number;
  if (a0 > 0.5) {
    a0 = 0.5 * Math.sqrt(a0);
    b = (0.25 * (r32 - r23)) / a0;
    c = (0.25 * (r13 - r31)) / a0;
    d = (0.25 * (r21 - r12)) / a0;
  } else {
    const xd = 1 + r11 - (r22 + r33);
    const yd = 1 + r22 - (r11 + r33);
    const zd = 1 + r33 - (r11 + r22);
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (r12 + r21)) / b;
      d = (0.25 * (r13 + r31)) / b;
      a0 = (0.25 * (r32 - r23)) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (r12 + r21)) / c;
      d = (0.25 * (r23 + r32)) / c;
      a0 = (0.25 * (r13 - r31)) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (r13 + r31)) / d;
      c = (0.25 * (r23 + r32)) / d;
      a0 = (0.25 * (r21 - r12)) / d;
    }
    if (a0 < 0) [b, c, d] = [-b, -c, -d];
  }
  return { b, c, d, qfac };
}
