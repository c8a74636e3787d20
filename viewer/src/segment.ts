// One segmentation of the open scan with flowseg/web: a picture of the model's size is the
// model input as a whole (as `flowseg sample --image` takes it); anything else is cropped
// around the clicked voxel at native resolution and the maps are pasted back on that slice.
import { sampleAt, type ScanSamples, type WebSampler, type WebSamples } from '../../src/web/index.js';
import { flipXY } from '../../src/scan/index.js';
import type { Scan } from './open.js';
import { toModelInput } from './image.js';
import type { Picture } from './render.js';

export interface Voxel {
  x: number;
  y: number;
  k: number;
}

/** What one segmentation gives the page. */
export interface Shown {
  samples: WebSamples;
  /** the model input [C, H, W] */
  picture: Picture;
  /** the maps on the clicked slice's grid; null when a picture was resized (no common grid) */
  pasted: ScanSamples | null;
  at: Voxel;
}

/** A picture of the model's size, or any picture for a colour model, is taken whole. */
export function takesWholePicture(scan: Scan, sampler: WebSampler): boolean {
  const [c, h, w] = sampler.inputShape;
  const p = scan.picture?.raster;
  return !!p && (c === 3 || (p.width === w && p.height === h));
}

export async function segmentScan(sampler: WebSampler, scan: Scan, at: Voxel, options: { n: number; seed: number }): Promise<Shown> {
  const [c, h, w] = sampler.inputShape;
  const v = scan.volume;
  if (!takesWholePicture(scan, sampler)) {
    const pasted = await sampleAt(sampler, v, at, options);
    const { crop } = pasted;
    return { samples: pasted.samples, picture: { planes: crop.input, channels: 1, height: h, width: w }, pasted, at: { x: crop.x, y: crop.y, k: crop.k } };
  }
  const input = toModelInput(scan.picture!.raster, [c, h, w]);
  const samples = await sampler.sample(input, options);
  const picture = { planes: input, channels: c, height: h, width: w };
  if (v.nx !== w || v.ny !== h) return { samples, picture, pasted: null, at: { ...at, k: 0 } };
  const pasted: ScanSamples = {
    crop: { k: 0, x: at.x, y: at.y, window: { x0: 0, y0: 0, size: w }, values: v.voxels, input },
    samples,
    nx: w,
    ny: h,
    sliceAffineRas: flipXY(v.affine),
    masks: samples.masks,
    mean: samples.mean,
    std: samples.std,
    entropy: samples.entropy,
  };
  return { samples, picture, pasted, at: { ...at, k: 0 } };
}
