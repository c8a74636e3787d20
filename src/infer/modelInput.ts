import { readImageFile } from '../data/image/decode.js';
import { toPlanes } from '../data/image/raster.js';
import { resizeBilinear } from '../data/image/resize.js';
import { FlowsegInputError } from '../util/errors.js';

/** Reads a PNG/JPEG and converts it to the model's input planes `[C, H, W]` in [0, 1]. */
export async function loadModelInput(path: string, inputShape: [number, number, number]): Promise<Float32Array> {
  const [c, h, w] = inputShape;
  const raster = await readImageFile(path);
  const planes = toPlanes(raster, c === 3 ? 'rgb' : 'luminance');
  if (c !== 1 && c !== 3) throw new FlowsegInputError(`${path}: the model expects ${c} channels; only 1 (gray) or 3 (RGB) inputs are supported`);
  return resizeBilinear(planes, c, raster.height, raster.width, h, w);
}
