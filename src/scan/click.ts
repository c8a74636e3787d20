import { FlowsegInputError } from '../util/errors.js';
import { type Vec3, worldToVoxel } from './affine.js';
import { checkPoint, cropSlice, cropWindow, type CropWindow } from './crop.js';
import { padValue, toModelInput } from './intensity.js';
import { sliceOf, type ScanVolume } from './volume.js';

/** What a click on a scan gives the model, and where to paste the answer back. */
export interface ClickCrop {
  /** The slice clicked on. */
  k: number;
  /** Voxel column/row of the click (rounded). */
  x: number;
  y: number;
  window: CropWindow;
  /** [size, size] in the volume's units (HU for CT), padded with the slice minimum. */
  values: Float32Array;
  /** [size, size] model input in [0, 1] (toModelInput). */
  input: Float32Array;
}

/**
 * The model's input around voxel (x, y) of slice k (default: the middle slice): a `size`²
 * crop at native resolution, mapped as the training crops were. Points outside → one line.
 */
export function clickCrop(v: ScanVolume, at: { x: number; y: number; k?: number }, size: number, flag = '--at'): ClickCrop {
  const k = checkClick(v, at, flag);
  const slice = sliceOf(v, k);
  const window = cropWindow(at.x, at.y, size);
  const values = cropSlice(slice, v.nx, v.ny, window, padValue(slice));
  return { k, x: Math.round(at.x), y: Math.round(at.y), window, values, input: toModelInput(values) };
}

/** Refuses a slice or point outside the volume (one line naming `flag`); returns the slice index (default: the middle one). */
export function checkClick(v: ScanVolume, at: { x: number; y: number; k?: number }, flag = '--at'): number {
  const k = at.k ?? Math.floor(v.nz / 2);
  if (!(Number.isInteger(k) && k >= 0 && k < v.nz)) {
    throw new FlowsegInputError(`${flag}: slice ${k} is outside the volume of ${v.nz} slice${v.nz === 1 ? '' : 's'}; give z in 0…${v.nz - 1}`);
  }
  checkPoint(at.x, at.y, v.nx, v.ny, flag);
  return k;
}

/** Voxel indices (rounded) of a world point in the volume's frame; refuses points off the grid. */
export function voxelOfWorld(v: ScanVolume, p: Vec3, flag = '--at-mm'): { x: number; y: number; k: number } {
  const [i, j, k] = worldToVoxel(v.affine, p).map((c) => Math.round(c * 1e6) / 1e6);
  const kk = Math.round(k);
  if (!(kk >= 0 && kk < v.nz)) {
    throw new FlowsegInputError(
      `${flag} ${p.join(',')}: that point is at slice ${k.toFixed(1)}, outside the ${v.nz} slice${v.nz === 1 ? '' : 's'} (world frame ${v.frame}, mm)`,
    );
  }
  checkPoint(i, j, v.nx, v.ny, flag);
  return { x: Math.round(i), y: Math.round(j), k: kk };
}
