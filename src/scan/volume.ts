import type { Affine } from './affine.js';

/**
 * The world frame of a volume's affine. LPS (DICOM patient coordinates): +x toward the
 * patient's left, +y posterior, +z head. RAS (NIfTI qform/sform): +x right, +y anterior,
 * +z head. The same point's coordinates differ by the sign of x and y (`flipXY`).
 */
export type WorldFrame = 'LPS' | 'RAS';

/**
 * A scan as flowseg uses it: voxels in physical units on a regular grid with its geometry.
 * Browser-safe (plain data); readers are `readDicomSeries` and `readNiftiVolume`.
 */
export interface ScanVolume {
  /** [nz, ny, nx] float32: Hounsfield units for CT (RescaleSlope/Intercept or scl_slope/scl_inter applied), else the stored values scaled the same way. */
  voxels: Float32Array;
  /** Columns (i, fastest), rows (j), slices (k). */
  nx: number;
  ny: number;
  nz: number;
  /** mm between voxel centres along i, j, k (the lengths of the affine's columns). */
  spacing: [number, number, number];
  /** Row-major 4×4, voxel (i, j, k, 1) → world mm in `frame`. */
  affine: Affine;
  frame: WorldFrame;
  /** DICOM Modality ('CT', 'MR', …); '' when the format does not say (NIfTI). */
  modality: string;
  /** 'HU' for CT with a rescale; 'stored' otherwise (units unknown to flowseg). */
  units: 'HU' | 'stored';
  /** One line for people: series description, file name, size. */
  description: string;
  /** Where the voxels came from: DICOM file names in slice order (k = 0 first), or the one file. */
  sources: string[];
}

/** Slice k as a view `[ny, nx]` (no copy). */
export function sliceOf(v: ScanVolume, k: number): Float32Array {
  const n = v.nx * v.ny;
  return v.voxels.subarray(k * n, (k + 1) * n);
}

/** The smallest and largest value of an array (NaN-free input assumed). */
export function valueRange(a: Float32Array): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const x of a) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return [lo, hi];
}
