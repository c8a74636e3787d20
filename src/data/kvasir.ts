/**
 * Kvasir-SEG polyps: `images/<id>.jpg` and `masks/<id>.jpg` (same names; `.jpeg`/`.png`
 * accepted too). One rater. Images and masks are resized to `size × size` (default 128;
 * aspect is not kept, as in the usual Kvasir pipelines): bilinear for images, masks are
 * thresholded at 128 (JPEG ringing) then resized bilinearly and cut at 0.5. Gray by default
 * (BT.601 luminance, 1 channel); `grayscale: false` keeps RGB (3 channels). Kvasir has no
 * patient grouping, so patientId = id.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, parse } from 'node:path';
import { FlowsegInputError } from '../util/errors.js';
import { checkPixels } from '../util/limits.js';
import type { ReaderOptions } from './types.js';
import { readImageFile } from './image/decode.js';
import { thresholdMask, toPlanes } from './image/raster.js';
import { resizeBilinear, resizeMaskSmooth } from './image/resize.js';
import type { DataItem, ItemStream } from './types.js';

const IMAGE_EXT = /\.(jpe?g|png)$/i;

/** Default side length: the 128×128 the Probabilistic U-Net literature trains on. */
export const KVASIR_DEFAULT_SIZE = 128;

export async function* readKvasir(input: string, options: ReaderOptions = {}): ItemStream {
  const size = options.size ?? KVASIR_DEFAULT_SIZE;
  if (!Number.isInteger(size) || size <= 0) {
    throw new FlowsegInputError(`--size ${size} is not a positive integer; pass e.g. --size 128`);
  }
  checkPixels(size, size, '--size', 'pass e.g. --size 128');
  const mode = options.grayscale === false ? 'rgb' : 'luminance';
  const channels = mode === 'rgb' ? 3 : 1;
  const imageDir = join(input, 'images');
  const maskDir = join(input, 'masks');
  for (const dir of [imageDir, maskDir]) {
    if (!existsSync(dir)) {
      throw new FlowsegInputError(`${dir} is missing; Kvasir-SEG needs images/ and masks/ with matching file names`);
    }
  }
  const images = (await readdir(imageDir)).filter((f) => IMAGE_EXT.test(f)).sort();
  if (images.length === 0) throw new FlowsegInputError(`${imageDir}: no .jpg/.png images; the dataset is empty`);
  // Masks are matched by stem so `x.jpg` may pair with `x.png`.
  const maskByStem = new Map<string, string>();
  for (const f of await readdir(maskDir)) if (IMAGE_EXT.test(f)) maskByStem.set(parse(f).name, f);

  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  let yielded = 0;
  for (const f of images) {
    if (yielded >= limit) return;
    const id = parse(f).name;
    const maskName = maskByStem.get(id);
    if (maskName === undefined) {
      throw new FlowsegInputError(`${join(maskDir, f)} is missing for ${join(imageDir, f)}; add the mask or remove the image`);
    }
    const imageFile = join(imageDir, f);
    const maskFile = join(maskDir, maskName);
    const img = await readImageFile(imageFile);
    const msk = await readImageFile(maskFile);
    if (msk.width !== img.width || msk.height !== img.height) {
      throw new FlowsegInputError(
        `${maskFile} is ${msk.width}×${msk.height}, expected ${img.width}×${img.height} like ${imageFile}; re-export the mask at the image's size`,
      );
    }
    const item: DataItem = {
      id,
      patientId: id,
      channels,
      height: size,
      width: size,
      image: resizeBilinear(toPlanes(img, mode), channels, img.height, img.width, size, size),
      raters: 1,
      masks: resizeMaskSmooth(thresholdMask(msk), 1, msk.height, msk.width, size, size),
    };
    yield item;
    yielded++;
  }
}
