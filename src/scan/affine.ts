/**
 * 4×4 voxel→world affines, row-major (`a[4 * row + col]`), acting on column vectors
 * (i, j, k, 1): i = column index (x, fastest in memory), j = row index, k = slice index.
 * World coordinates are millimetres in the frame the volume states (LPS for DICOM, RAS for NIfTI).
 */
export type Affine = readonly number[];

export type Vec3 = readonly [number, number, number];

export const IDENTITY: Affine = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

/** World point of voxel (i, j, k) (fractional indices allowed). */
export function voxelToWorld(a: Affine, [i, j, k]: Vec3): [number, number, number] {
  return [0, 1, 2].map((r) => a[4 * r] * i + a[4 * r + 1] * j + a[4 * r + 2] * k + a[4 * r + 3]) as [number, number, number];
}

/** Fractional voxel indices of a world point; throws on a singular affine. */
export function worldToVoxel(a: Affine, p: Vec3): [number, number, number] {
  const inv = invert3([a[0], a[1], a[2], a[4], a[5], a[6], a[8], a[9], a[10]]);
  const d = [p[0] - a[3], p[1] - a[7], p[2] - a[11]];
  return [0, 1, 2].map((r) => inv[3 * r] * d[0] + inv[3 * r + 1] * d[1] + inv[3 * r + 2] * d[2]) as [number, number, number];
}

/** LPS ↔ RAS: the two frames differ by the sign of x and y (DICOM PS3.3 C.7.6.2.1.1 vs nifti1.h). */
export function flipXY(a: Affine): Affine {
  return a.map((v, n) => (n < 8 ? -v : v));
}

/** The affine of the one-slice grid holding slice k of `a`'s grid: voxel (i, j, 0) lands where (i, j, k) did. */
export function sliceAffine(a: Affine, k: number): Affine {
  const out = [...a];
  for (let r = 0; r < 3; r++) out[4 * r + 3] = a[4 * r + 3] + a[4 * r + 2] * k;
  return out;
}

/** Builds an affine from three column vectors (the world step of one i, j, k) and the origin (voxel 0,0,0). */
export function affineFromColumns(ci: Vec3, cj: Vec3, ck: Vec3, origin: Vec3): Affine {
  return [ci[0], cj[0], ck[0], origin[0], ci[1], cj[1], ck[1], origin[1], ci[2], cj[2], ck[2], origin[2], 0, 0, 0, 1];
}

/** Length of column c (0 = i, 1 = j, 2 = k): the voxel spacing along that index, in mm. */
export function columnLength(a: Affine, c: number): number {
  return Math.hypot(a[c], a[4 + c], a[8 + c]);
}

export const cross = (u: Vec3, v: Vec3): [number, number, number] => [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
export const dot = (u: Vec3, v: Vec3): number => u[0] * v[0] + u[1] * v[1] + u[2] * v[2];

function invert3(m: number[]): number[] {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) throw new Error('the voxel→world affine is singular');
  return [A, -(b * i - c * h), b * f - c * e, B, a * i - c * g, -(a * f - c * d), C, -(a * h - b * g), a * e - b * d].map((x) => x / det);
}
