/**
 * Retinal vessels with two observers: DRIVE (test set), STARE (the 20 labelled images) and
 * CHASE_DB1, each detected by its shipped layout, or a folder holding several of them — the
 * combination seed 001 (cFlow, Selvan et al. 2020) builds its Retinal Vessel set from.
 *
 * Like seed 001 we keep two rater masks plus the field of view (their label tensor is
 * `[rater1, rater2, fov]`); FOV comes from DRIVE's `mask/` and is estimated for STARE and
 * CHASE_DB1, which ship none (seed 001: "extracted retinal masks when there were none").
 * Seed 001 resizes all images to one common height (`resizeHeight`; our copy of the paper
 * lost the number) and trains on patches; the text does not give patch size or stride, so
 * the defaults are the 128×128 input of the Probabilistic U-Net family and stride half a
 * patch. Patches without any FOV pixel carry no vessel information and are skipped.
 */
import { FlowsegInputError } from '../util/errors.js';
import { checkPixels } from '../util/limits.js';
import type { ReaderOptions } from './types.js';
import { readImageFile } from './image/decode.js';
import { type ChannelMode, type Raster, strictMask, toPlanes } from './image/raster.js';
import { resizeBilinear, resizeMaskSmooth } from './image/resize.js';
import { type RetinaCase, scanRetina } from './retinaLayout.js';
import { cropPlanes, patchOffsets, touchesFov } from './retinaPatches.js';
import type { DataItem } from './types.js';

export interface RetinaOptions extends ReaderOptions {
  /** Step between patch origins in pixels; default `patchSize / 2`. */
  stride?: number;
  /** Gray input: the green plane (default; vessels contrast best there) or BT.601 luminance. */
  channel?: 'green' | 'luminance';
  /** Resize each whole image to this height (width keeps the aspect) before tiling. */
  resizeHeight?: number;
}

/** An item that also carries its field-of-view mask, for FOV-restricted losses and metrics. */
export interface RetinaItem extends DataItem {
  /** `[H, W]` uint8, 1 inside the field of view. */
  fov: Uint8Array;
}

export const RETINA_DEFAULT_PATCH = 128;
/** Observers' palette GIFs store near-black/near-white colours, e.g. (4,2,4) and (252,254,252). */
const MASK_TOLERANCE = 0.05;
/** Estimated FOV: brightest channel above 10% of full scale (fundus backgrounds are near black). */
const FOV_LEVEL = 0.1;

/** A whole image with its masks, all at one size. */
interface Whole {
  height: number;
  width: number;
  image: Float32Array; // [C, H, W]
  masks: Uint8Array; // [2, H, W]
  fov: Uint8Array; // [H, W]
}

export async function* readRetina(input: string, options: RetinaOptions = {}): AsyncIterable<RetinaItem> {
  const patch = options.patchSize ?? options.size ?? RETINA_DEFAULT_PATCH;
  const stride = options.stride ?? Math.max(1, Math.floor(patch / 2));
  if (!Number.isInteger(patch) || patch < 0) throw new FlowsegInputError(`--patch-size ${patch}: expected a positive integer (0 = whole images)`);
  if (!Number.isInteger(stride) || stride <= 0) throw new FlowsegInputError(`--stride ${stride}: expected a positive integer`);
  checkPixels(patch, patch, '--patch-size', 'pass e.g. --patch-size 128');
  if (options.resizeHeight !== undefined) checkPixels(options.resizeHeight, options.resizeHeight, 'resizeHeight');
  const mode: ChannelMode = options.grayscale === false ? 'rgb' : (options.channel ?? 'green');
  const channels = mode === 'rgb' ? 3 : 1;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  let yielded = 0;
  for (const c of await scanRetina(input)) {
    const w = await loadWhole(c, mode, options.resizeHeight);
    const base = { patientId: c.patientId, channels, raters: 2 };
    if (patch === 0) {
      if (yielded++ >= limit) return;
      yield { ...base, id: `${c.source}/${c.name}`, height: w.height, width: w.width, image: w.image, masks: w.masks, fov: w.fov };
      continue;
    }
    for (const y of patchOffsets(w.height, patch, stride)) {
      for (const x of patchOffsets(w.width, patch, stride)) {
        if (!touchesFov(w.fov, w.width, w.height, y, x, patch)) continue;
        if (yielded++ >= limit) return;
        const crop = <T extends Float32Array | Uint8Array>(src: T, planes: number, make: (n: number) => T): T =>
          cropPlanes(src, planes, w.height, w.width, y, x, patch, make);
        yield {
          ...base,
          id: `${c.source}/${c.name}/y${y}_x${x}`,
          height: patch,
          width: patch,
          image: crop(w.image, channels, (n) => new Float32Array(n)),
          masks: crop(w.masks, 2, (n) => new Uint8Array(n)),
          fov: crop(w.fov, 1, (n) => new Uint8Array(n)),
        };
      }
    }
  }
}

async function loadWhole(c: RetinaCase, mode: ChannelMode, resizeHeight: number | undefined): Promise<Whole> {
  const img = await readImageFile(c.imageFile);
  const { width, height } = img;
  const masks = new Uint8Array(2 * width * height); // [2, H, W]
  for (let r = 0; r < 2; r++) {
    masks.set(strictMask(await sameSize(c.raterFiles[r], img, c.imageFile), c.raterFiles[r], MASK_TOLERANCE), r * width * height);
  }
  const fov = c.fovFile ? strictMask(await sameSize(c.fovFile, img, c.imageFile), c.fovFile, MASK_TOLERANCE) : estimateFov(img);
  const image = toPlanes(img, mode);
  if (resizeHeight === undefined || resizeHeight === height) return { height, width, image, masks, fov };
  const outW = Math.round((width * resizeHeight) / height);
  const planes = mode === 'rgb' ? 3 : 1;
  return {
    height: resizeHeight,
    width: outW,
    image: resizeBilinear(image, planes, height, width, resizeHeight, outW),
    masks: resizeMaskSmooth(masks, 2, height, width, resizeHeight, outW),
    fov: resizeMaskSmooth(fov, 1, height, width, resizeHeight, outW),
  };
}

async function sameSize(file: string, like: Raster, likeFile: string): Promise<Raster> {
  const r = await readImageFile(file);
  if (r.width !== like.width || r.height !== like.height) {
    throw new FlowsegInputError(`${file} is ${r.width}×${r.height}, expected ${like.width}×${like.height} like ${likeFile}; masks must match their image`);
  }
  return r;
}

/** FOV for sources without masks: the camera aperture is the only bright region. */
export function estimateFov(img: Raster): Uint8Array {
  const n = img.width * img.height;
  const cut = FOV_LEVEL * img.maxValue;
  const out = new Uint8Array(n); // [H, W]
  for (let i = 0; i < n; i++) {
    let max = 0;
    for (let c = 0; c < img.channels; c++) max = Math.max(max, img.data[i * img.channels + c]);
    out[i] = max > cut ? 1 : 0;
  }
  return out;
}
