import { readImageFile } from '../data/image/decode.js';
import { toPlanes } from '../data/image/raster.js';
import { resizeBilinear } from '../data/image/resize.js';
import { FlowsegInputError } from '../util/errors.js';
import { readNifti } from '../data/image/nifti.js';

/** Reads a PNG/JPEG and converts it to the model's input planes `[C, H, W]` in [0, 1]. */
export async function loadModelInput(path: string, inputShape: [number, number, number]): Promise<Float32Array> {
  const [c, h, w] = inputShape;
  if (isNifti(path)) {
    const n = await readNiftiInput(path);
    if (c !== 1) throw new FlowsegInputError(`${path}: a NIfTI image has 1 channel but the model expects ${c}`);
    return resizeBilinear(n.planes, 1, n.ny, n.nx, h, w);
  }
  const raster = await readImageFile(path);
  const planes = toPlanes(raster, c === 3 ? 'rgb' : 'luminance');
  if (c !== 1 && c !== 3) throw new FlowsegInputError(`${path}: the model expects ${c} channels; only 1 (gray) or 3 (RGB) inputs are supported`);
  return resizeBilinear(planes, c, raster.height, raster.width, h, w);
}

export const isNifti = (path: string): boolean => /\.nii(\.gz)?$/i.test(path);

/** A 2-D NIfTI image as model input: intensities min–max scaled to [0, 1] (CT/MR units vary), stored orientation kept. */
export interface NiftiInput {
  /** [ny, nx] in [0, 1] */
  planes: Float32Array;
  nx: number;
  ny: number;
  headerBytes: Uint8Array;
  littleEndian: boolean;
}

export async function readNiftiInput(path: string): Promise<NiftiInput> {
  const v = await readNifti(path);
  if (v.nz !== 1) {
    throw new FlowsegInputError(
      `${path}: a 3-D volume (${v.nx}×${v.ny}×${v.nz}); --resize shrinks 2-D images — give --at x,y[,z] or --slice k instead (a crop at full resolution)`,
    );
  }
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const x of v.data) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  const range = hi > lo ? hi - lo : 1;
  const planes = Float32Array.from(v.data, (x) => (x - lo) / range);
  return { planes, nx: v.nx, ny: v.ny, headerBytes: v.headerBytes, littleEndian: v.littleEndian };
}
